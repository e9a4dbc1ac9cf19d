"""How long a document is valid, by its profile's rule and the extracted fields."""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from typing import Sequence

from digitize.model import Field
from digitize.profiles.loader import Profile
from digitize.vn import identifiers as ids
from digitize.vn.text import fold


def add_months(iso: str, months: int) -> str:
    d = _dt.date.fromisoformat(iso[:10])  # a date-time ('2024-09-19T15:00') counts from its day
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return _dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1])).isoformat()


def validity(profile: Profile, fields: Sequence[Field]) -> tuple[str | None, str]:
    v = profile.validity
    by = {f.name: f for f in fields}
    desc = v.describe()
    if v.rule == "expiry_field":
        f = by.get(v.field or "")
        if f and f.valid and f.value:
            if not re.match(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$", str(f.value)):
                return None, f"{desc}: {f.value} (no expiry)"
            return str(f.value), f"{desc} ({v.field})"
        return None, f"{desc}: {v.field} not read"
    if v.rule == "duration":
        f = by.get(v.start or "")
        if f and f.valid and f.value:
            return add_months(str(f.value), v.months), desc
        return None, f"{desc}: {v.start} not read"
    if v.rule == "term_field":
        f = by.get(v.field or "")
        if f and f.value:
            if "lau dai" in fold(str(f.value)) or f.value == "Lâu dài":
                return None, f"{desc}: permanent (Lâu dài)"
            iso = ids.check_date(str(f.value)).value
            if iso:
                return iso, desc
        return None, f"{desc}: term not read"
    return None, desc


