"""Validators and normalisers for Vietnamese identifiers (DOMAIN.md §3).

Each `check_*` takes printed (OCR) text and returns a Checked: the normalised value (or None when nothing
of the right shape is found), whether it passed every check, and why not.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_exceptions
from stdnum.vn import mst

from digitize.messages import Message, msg
from digitize.vn.text import fold, nfc, parse_date


@dataclass(frozen=True)
class Checked:
    value: str | None
    valid: bool
    reason: Message | None = None  # why not (or a note on a valid value): a code of digitize.messages


# Birth-registration province codes of the 63 pre-2025 provinces; numbers do not change after mergers.
PROVINCE_CODES = frozenset("""
001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038
040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082
083 084 086 087 089 091 092 093 094 095 096""".split())

# OCR reads these letters inside digit runs; only applied to tokens that are mostly digits.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                                   "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})


def fix_digits(text: str) -> str:
    """Letters that look like digits, replaced only inside tokens that are mostly digits ('0O12' -> '0012')."""
    def fix(m: re.Match) -> str:
        t = m.group(0)
        return t.translate(_DIGIT_LOOKALIKES) if sum(c.isdigit() for c in t) >= 0.6 * len(t) else t
    return re.sub(r"\S+", fix, nfc(text))


def digits_only(text: str) -> str:
    """Digits of an ID printed with OCR-inserted spaces/dots: '001 2 03.012345' -> '001203012345'."""
    t = nfc(text).strip()
    if sum(c.isdigit() for c in t) >= max(1, int(0.7 * sum(c.isalnum() for c in t))):
        t = t.translate(_DIGIT_LOOKALIKES)
    return re.sub(r"\D", "", t)


def _first_digit_run(text: str, lengths: tuple[int, ...]) -> str | None:
    """The first run of digits (allowing spaces/dots inside) whose length is one of `lengths`."""
    for m in re.finditer(r"[0-9OoIl|SB][0-9OoIl|SB .]*[0-9OoIl|SB]|[0-9]", nfc(text)):
        d = digits_only(m.group(0))
        if len(d) in lengths:
            return d
    d = digits_only(text)
    return d if len(d) in lengths else None


def cccd_century_sex(code: str) -> tuple[int, str]:
    """Digit 4 of a CCCD: (first year of the century, 'Nam' | 'Nữ')."""
    g = int(code[3])
    return 1900 + 100 * (g // 2), ("Nam" if g % 2 == 0 else "Nữ")


def check_cccd(text: str, birth_date: str | None = None, sex: str | None = None) -> Checked:
    """12-digit personal ID: province, century/sex digit, birth year; cross-checked with DOB and sex."""
    d = _first_digit_run(text, (12,))
    if d is None:
        return Checked(None, False, msg("reason.cccd_missing"))
    if d[:3] not in PROVINCE_CODES:
        return Checked(d, False, msg("reason.cccd_province", code=d[:3]))
    century, id_sex = cccd_century_sex(d)
    year = century + int(d[4:6])
    if year > _dt.date.today().year:
        return Checked(d, False, msg("reason.cccd_future_year", year=year))
    if birth_date:
        iso = parse_date(birth_date) or (birth_date if re.fullmatch(r"\d{4}", birth_date) else None)
        if iso and int(iso[:4]) != year:
            return Checked(d, False, msg("reason.cccd_birth_year", year=year, birth_year=iso[:4]))
    if sex:
        s = normalise_sex(sex)
        if s and s != id_sex:
            return Checked(d, False, msg("reason.cccd_sex", id_sex=id_sex, sex=s))
    return Checked(d, True)


def check_cmnd(text: str) -> Checked:
    d = _first_digit_run(text, (9, 12))
    if d is None:
        return Checked(None, False, msg("reason.cmnd_missing"))
    return Checked(d, True, msg("reason.cmnd_old") if len(d) == 9 else None)


def check_tax_code(text: str) -> Checked:
    """Tax / enterprise code (mã số thuế): 10 digits with check digit, optional '-NNN' branch suffix
    (not 000), validated by python-stdnum's `stdnum.vn.mst`."""
    m = re.search(r"(\d[\d .]{8,14}\d)(?:\s*-\s*(\d{3}))?", fix_digits(text))
    if not m:
        return Checked(None, False, msg("reason.tax_missing"))
    d = re.sub(r"\D", "", m.group(1))
    branch = m.group(2)
    if len(d) == 13 and branch is None:
        d, branch = d[:10], d[10:]
    if len(d) != 10:
        return Checked(d, False, msg("reason.tax_length", digits=len(d)))
    value = d + (f"-{branch}" if branch else "")
    try:
        mst.validate(d + (branch or ""))
    except stdnum_exceptions.InvalidChecksum:
        return Checked(value, False, msg("reason.tax_check_digit"))
    except stdnum_exceptions.ValidationError:
        return Checked(value, False, msg("reason.tax_branch_000" if branch == "000" else "reason.tax_invalid"))
    return Checked(value, True)


_AGENCY = r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}"


def _compact(text: str) -> str:
    t = nfc(text).upper().replace(",", ".")
    return re.sub(r"\s+", "", t)


def check_dossier_code(text: str) -> Checked:
    """Mã hồ sơ: agency id - receipt date YYMMDD - daily sequence, e.g. 000.00.31.H26-250616-0007."""
    m = re.search(rf"({_AGENCY})-(\d{{2}})(\d{{2}})(\d{{2}})-(\d{{4}})", _compact(text))
    if not m:
        return Checked(None, False, msg("reason.dossier_code_form"))
    value = m.group(0)
    try:
        _dt.date(2000 + int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return Checked(value, False, msg("reason.dossier_code_date"))
    return Checked(value, True)


def check_procedure_code(text: str) -> Checked:
    """Mã TTHC: 1.004227, optionally with agency id and variant (2.000815.000.00.00.H55.02)."""
    m = re.search(rf"(?<![\d.])([1-3])\.(\d{{6}})(?:\.({_AGENCY})(?:\.(\d{{2}}))?)?(?![\d])", _compact(text))
    if not m:
        return Checked(None, False, msg("reason.procedure_code_form"))
    return Checked(m.group(0), True)


_DOCNO = re.compile(r"(\d{1,5})\s*/\s*(?:(\d{4})\s*/\s*)?([A-Za-zĐđ0-9&]+(?:\s?-\s?[A-Za-zĐđ0-9&]+)*)")


def check_document_number(text: str) -> Checked:
    """Số, ký hiệu: '145/QĐ-UBND', '30/2020/NĐ-CP' (the 'Số:' prefix is optional)."""
    t = nfc(text)
    t = re.sub(r"^\s*S[ốôoó]\s*[:.]?\s*", "", t, flags=re.IGNORECASE)
    t = re.sub(r"^(\d{1,5})([A-ZĐ]{2,}(?:-[A-ZĐ0-9]+)*)$", r"\1/\2", t.strip())  # OCR lost the slash
    m = _DOCNO.search(t)
    if not m and re.fullmatch(r"\d{1,7}", t.strip()):
        return Checked(t.strip(), True)  # a register number without a symbol (civil status books)
    if not m:
        return Checked(None, False, msg("reason.document_number_form"))
    num, year, sym = m.group(1), m.group(2), re.sub(r"\s", "", m.group(3))
    value = f"{num}/{year + '/' if year else ''}{sym}"
    if not re.search(r"[A-Za-zĐđ]", sym):
        return Checked(value, False, msg("reason.document_symbol_letters"))
    return Checked(value, True)


def check_parcel(text: str) -> Checked:
    m = re.search(r"(?<!\d)(\d{1,5})(?!\d)", fix_digits(text))
    return Checked(m.group(1).lstrip("0") or "0", True) if m else Checked(None, False, msg("reason.parcel_missing"))


def check_map_sheet(text: str) -> Checked:
    m = re.search(r"(?<!\d)(\d{1,4}[a-z]?)(?![\d])", nfc(text))
    return Checked(m.group(1).lstrip("0") or "0", True) if m else Checked(None, False, msg("reason.map_sheet_missing"))


def check_register_entry(text: str) -> Checked:
    """Số vào sổ cấp GCN, e.g. 'CS 05494'."""
    m = re.search(r"\b(C[HST])\s?(\d{5,6})\b", nfc(text).upper())
    return Checked(m.group(1) + m.group(2), True) if m else Checked(None, False, msg("reason.register_entry_form"))


def check_date(text: str, not_after_today: bool = False) -> Checked:
    iso = parse_date(text)
    if iso is None:
        return Checked(None, False, msg("reason.date_invalid"))
    if not_after_today and iso > _dt.date.today().isoformat():
        return Checked(iso, False, msg("reason.date_future"))
    return Checked(iso, True)


def check_year(text: str) -> Checked:
    m = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", nfc(text))
    return Checked(m.group(1), True) if m else Checked(None, False, msg("reason.year_missing"))


def normalise_sex(text: str) -> str | None:
    t = fold(text).strip()
    if re.match(r"^(nam|male|m)\b", t):
        return "Nam"
    if re.match(r"^(nu|female|f)\b", t):
        return "Nữ"
    return None


def parse_area(text: str) -> Checked:
    """'1.234,5 m²' -> '1234.5' (square metres)."""
    m = re.search(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?", nfc(text))
    if not m:
        return Checked(None, False, msg("reason.area_missing"))
    value = m.group(1).replace(".", "") + (f".{m.group(2)}" if m.group(2) else "")
    return Checked(value, True)


def parse_amount(text: str) -> Checked:
    """'5.000.000.000 đồng' -> '5000000000'."""
    m = re.search(r"\d{1,3}(?:[.,]\d{3})+|\d+", nfc(text))
    if not m:
        return Checked(None, False, msg("reason.amount_missing"))
    return Checked(re.sub(r"\D", "", m.group(0)), True)


# The 54 ethnic groups of Viet Nam as civil-status papers print them (GSO list).
ETHNIC_GROUPS = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay",
    "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Xtiêng", "Khơ Mú", "Bru-Vân Kiều",
    "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ-Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí",
    "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống",
    "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)
