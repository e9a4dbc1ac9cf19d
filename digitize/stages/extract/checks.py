"""Checks across fields: a value that conflicts with another is flagged, both kept as read.

A personal number (CCCD) carries the holder's century and sex and the last two digits of the birth year;
it is checked against the date of birth and sex printed for the same person (the same suffix: `ho_ten_2`,
`ngay_sinh_2`, `so_dinh_danh_2` belong together). Profile validators (`after_issue_date`) run here too.
"""
from __future__ import annotations

from digitize.messages import msg
from digitize.model import Field
from digitize.profiles.loader import Profile
from digitize.vn import identifiers as ids

_ID_FIELDS = ("so_dinh_danh", "so_cccd", "so_can_cuoc")


def _suffix(name: str, base: str) -> str | None:
    if name == base:
        return ""
    if name.startswith(base + "_") and name[len(base) + 1 :].isdigit():
        return name[len(base):]
    return None


def cross_check(fields: dict[str, Field], profile: Profile) -> None:
    for name, f in list(fields.items()):
        if f.value is None or not f.valid:
            continue
        sfx = next((s for b in _ID_FIELDS if (s := _suffix(name, b)) is not None), None)
        if sfx is not None and len(str(f.value)) == 12:
            dob, sex = fields.get("ngay_sinh" + sfx), fields.get("gioi_tinh" + sfx)
            c = ids.check_cccd(f.value, dob.value if dob and dob.valid else None,
                               sex.value if sex and sex.valid else None)
            if not c.valid:
                fields[name] = f.flag(msg("reason.conflict", reason=c.reason), valid=False)
    for spec in profile.fields:
        dated = fields.get(spec.name)
        if dated is None or dated.value is None or "after_issue_date" not in spec.validators:
            continue
        issued = fields.get("ngay_ban_hanh")
        if issued and issued.valid and isinstance(dated.value, str) and dated.value < str(issued.value):
            fields[spec.name] = dated.flag(msg("reason.before_issue"), valid=False)
