"""Field extraction, open-world with the profile on top: OCR words to lines (`lines`); every printed
`Label: value` pair (`pairs`) named by the shared label lexicon (`lexicon`); a profile's own labels (`labels`);
the official header and foot by layout (`official`, on `locate`, `header` for the number and date cells and the
parent body, `signblock` for the signing page and its lines); typed, checked values (`typed`, `checks`);
classification with a margin (`classify`); validity (`validity`); assembled in `fields`.
"""
