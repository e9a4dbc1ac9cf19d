"""Who a record names: the person keys in its identifier fields (DOMAIN.md §3), normalised and checked.

A key is `kind:value` — `cccd:001190012345` (số định danh cá nhân / CCCD), `cmnd:123456789` (old ID
card), `mst:0100233488` (tax code), or `name:nguyen thi hong nhung|1990-03-12` (the holder's name and
date of birth, used only when the record prints no number for the holder). A number that fails its
check is kept with the reason (flagged) and never counts as that person.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from digitize.vn import identifiers as ids
from digitize.vn.text import fold, nfc, parse_date

# field names (all built-in profiles) -> the kind of identifier they hold
CCCD_FIELDS = ("so_dinh_danh", "so_cccd", "so_can_cuoc", "cccd", "so_dinh_danh_ca_nhan")
CMND_FIELDS = ("so_cmnd", "cmnd")
TAX_FIELDS = ("ma_so_thue", "mst", "ma_so_doanh_nghiep")
NAME_FIELDS = ("ho_ten",)
BIRTH_FIELDS = ("ngay_sinh",)
SEX_FIELDS = ("gioi_tinh",)
KINDS = ("cccd", "cmnd", "mst", "name")


@dataclass(frozen=True)
class PersonKey:
    kind: str  # cccd | cmnd | mst | name
    value: str  # normalised (digits; folded name|ISO date)
    field: str  # the record's field it was read from
    valid: bool = True
    reason: str = ""  # why the check failed (flagged), or a note (old CMND)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


def _first(values: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, str] | None:
    for n in names:
        v = values.get(n)
        if v not in (None, ""):
            return n, str(v)
    return None


def name_key(name: str, birth: str) -> str | None:
    """'Nguyễn Thị Hồng Nhung', '12/03/1990' -> 'nguyen thi hong nhung|1990-03-12' (None without both)."""
    folded = " ".join(re.sub(r"[^0-9a-z ]", " ", fold(name)).split())
    iso = parse_date(birth) or (birth if re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", birth.strip()) else None)
    return f"{folded}|{iso}" if folded and iso else None


def _number_key(kind: str, field: str, text: str, birth: str | None, sex: str | None) -> PersonKey:
    if kind == "mst":
        digits = ids.digits_only(text)
        if len(digits) == 12:  # since 1 Jul 2025 an individual's tax code is the personal ID
            kind = "cccd"
        else:
            c = ids.check_tax_code(text)
            return PersonKey("mst", c.value or digits, field, c.valid and bool(c.value), c.reason)
    if kind == "cccd" and len(ids.digits_only(text)) == 9:
        kind = "cmnd"  # "Giấy tờ tùy thân" often holds the old 9-digit card
    if kind == "cmnd":
        c = ids.check_cmnd(text)
        return PersonKey("cmnd", c.value or ids.digits_only(text), field, c.value is not None, c.reason)
    c = ids.check_cccd(text, birth, sex)
    return PersonKey("cccd", c.value or ids.digits_only(text), field, c.valid, c.reason)


def person_keys(values: Mapping[str, Any]) -> list[PersonKey]:
    """Every person key in a record's field values ({name: value}), checked; at most one per field."""
    birth = _first(values, BIRTH_FIELDS)
    sex = _first(values, SEX_FIELDS)
    out: list[PersonKey] = []
    for kind, names in (("cccd", CCCD_FIELDS), ("cmnd", CMND_FIELDS), ("mst", TAX_FIELDS)):
        for n in names:
            v = values.get(n)
            if v in (None, ""):
                continue
            key = _number_key(kind, n, str(v), birth[1] if birth else None, sex[1] if sex else None)
            if key.value:
                out.append(key)
    holder_numbered = any(k.valid and k.kind in ("cccd", "cmnd") for k in out)
    name = _first(values, NAME_FIELDS)
    if not holder_numbered and name and birth:
        holder = name_key(name[1], birth[1])
        if holder:
            out.append(PersonKey("name", holder, f"{name[0]}+{birth[0]}"))
    return out


def parse_person(text: str) -> PersonKey:
    """What a user types to look a person up: a CCCD/CMND/tax number, or 'Name|date of birth'.
    Returns the key with `valid` False and the reason when it is not a well-formed identifier."""
    t = nfc(text).strip()
    for kind, prefix in (("cccd", "cccd:"), ("cmnd", "cmnd:"), ("mst", "mst:")):
        if t.lower().startswith(prefix):
            return _number_key(kind, "query", t[len(prefix):], None, None)
    if t.lower().startswith("name:"):
        t = t[5:]
    if "|" in t or re.search(r"[^\W\d_]", t):
        name, _, birth = t.partition("|")
        key = name_key(name, birth) if birth else None
        return PersonKey("name", key or "", "query", key is not None,
                         "" if key else "give a number, or the name and date of birth as 'Name|DD/MM/YYYY'")
    digits = ids.digits_only(t)
    kind = {12: "cccd", 9: "cmnd"}.get(len(digits), "mst")
    return _number_key(kind, "query", t, None, None)


def mask(key: str) -> str:
    """A person key as logs and audit events may show it: 'cccd:001*******45', 'name:N. T. H. N.|1990-**-**'."""
    kind, _, value = key.partition(":")
    if kind == "name":
        name, _, birth = value.partition("|")
        initials = " ".join(w[0].upper() + "." for w in name.split())
        return f"name:{initials}|{birth[:4]}-**-**" if birth else f"name:{initials}"
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 5:
        return f"{kind}:{'*' * len(digits)}"
    return f"{kind}:{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"
