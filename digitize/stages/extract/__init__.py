"""Field extraction: OCR words to lines and labels (`lines`), values located next to their labels
(`locate`), and the profile-driven fields, classification and validity (`fields`).
"""
