"""Vietnamese: text (NFC, tone marks, syllables, post-correction), identifiers (CCCD, tax codes, dates),
plausibility of field values and the administrative units, and text accuracy measures.
"""
