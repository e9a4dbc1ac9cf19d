"""Inputs of the signing, token and verification tests."""
from support.paths import CORPUS

PDFA_INPUT = CORPUS / "pdfa" / "PDFA-2b_6-1-3-t01-pass-a.pdf"  # a veraPDF PDF/A-2b "pass" file
ORG = "UBND phường Bến Thành"
