"""Typed values read from their printed text: phone numbers, e-mail addresses, and the type a value has when
nothing but its shape says so (a label no lexicon knows). Dates and identifiers: `identifiers.py`."""
from __future__ import annotations

import re

from digitize.messages import msg
from digitize.vn import identifiers as ids
from digitize.vn.text import nfc, parse_date

# Vietnamese numbers: mobile 0[35789]x xxx xxxx (10 digits), landline 02xx xxx xxxx (11 digits); +84 for 0
_PHONE = re.compile(r"(?<![\d])(?:\+?84[\s.-]?|0)(?:\d[\s.-]?){8,9}\d(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\s?\.\s?[\w-]+)+", re.UNICODE)
_DOSSIER = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}\b")
_PROCEDURE = re.compile(r"^\s*\d\.\d{6}\s*$")
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})+\s*(?:đồng|đ|VNĐ|VND)(?:\s*/\s*[^\W\d_]+)?\.?$", re.IGNORECASE)
_DOC_NUMBER = re.compile(r"^\s*\d{1,5}\s*/\s*(\d{4}\s*/\s*)?[A-ZĐ]{1,8}(-[A-ZĐ0-9]{1,10})*\s*$")


def check_phone(text: str) -> ids.Checked:
    """'0912 345 678', '0912.345.678', '+84 912 345 678' -> '0912345678'."""
    t = ids.fix_digits(nfc(text))
    m = _PHONE.search(t)
    if not m:
        return ids.Checked(None, False, msg("reason.phone_missing"))
    d = re.sub(r"\D", "", m.group(0))
    if d.startswith("84") and len(d) in (11, 12):
        d = "0" + d[2:]
    if len(d) == 10 and d[1] in "35789" or len(d) == 11 and d[1] == "2":
        return ids.Checked(d, True)
    return ids.Checked(d, False, msg("reason.phone_digits", digits=len(d)))


def check_email(text: str) -> ids.Checked:
    t = re.sub(r"\s*[(\[{]?\s*@\s*[)\]}]?\s*", "@", nfc(text))  # '(@' and '@)': a bracket read beside the @
    t = re.sub(r"@{2,}", "@", t)
    if "@" not in t:  # the @ itself read as a bracket or a symbol: 'an.le84(gmail.com'
        t = re.sub(r"(?<=\w)[(©®](?=[a-z0-9-]+\.[a-z])", "@", t, count=1)
    if "@" not in t:  # or lost before a webmail host everyone uses
        t = re.sub(r"(?<=[\w.])(?=(gmail|yahoo|hotmail|outlook|icloud)\.com)", "@", t, count=1)
    m = _EMAIL.search(t)
    if not m:
        return ids.Checked(None, False, msg("reason.email_invalid"))
    value = re.sub(r"\s+", "", m.group(0)).lower().rstrip(".")
    ok = value.isascii() and value.count("@") == 1
    return ids.Checked(value, ok, None if ok else msg("reason.email_invalid"))


def shape_type(text: str) -> str:
    """The type a value's shape says, for a label no lexicon knows: an e-mail, a dossier or procedure
    code, a document number, an amount of money in đồng, a 12-digit personal number, a phone number, a date; else text."""
    t = nfc(text).strip()
    if _EMAIL.fullmatch(t):
        return "email"
    if _DOSSIER.search(t):
        return "dossier_code"
    if _PROCEDURE.match(t):
        return "procedure_code"
    if _DOC_NUMBER.match(t):
        return "document_number"
    if _AMOUNT.match(t):  # '8.500.000 đồng/tháng': money, read as a plain number
        return "amount"
    digits = re.sub(r"[\s.]", "", t)
    if digits.isdigit() and len(digits) == 12:
        return "cccd"
    if _PHONE.fullmatch(t):
        return "phone"
    if len(t.split()) <= 10 and parse_date(t):
        return "date"
    return "text"
