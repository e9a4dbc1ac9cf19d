"""Dates and times as people in Vietnam read and type them: dates dd/mm/yyyy, times in Asia/Ho_Chi_Minh with
the zone (+07:00). Stored values stay ISO 8601 (dates `yyyy-mm-dd`, times in UTC)."""
from __future__ import annotations

import datetime as dt
import re

try:
    from zoneinfo import ZoneInfo

    ZONE: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # no tz database on this machine: Vietnam keeps +07:00 all year (no summer time)
    ZONE = dt.timezone(dt.timedelta(hours=7), "+07")

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SHOWN_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*")


def show_date(value: str | None) -> str:
    """`2026-04-22` -> `22/04/2026`; anything that is not an ISO date is returned as it is."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    m = _ISO_DATE.fullmatch(value.strip())
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else value


def parse_date(text: str) -> str | None:
    """A date typed dd/mm/yyyy (or d/m/yyyy, or ISO) as ISO `yyyy-mm-dd`; None when it is no real date."""
    t = text.strip()
    m = _SHOWN_DATE.fullmatch(t)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _ISO_DATE.fullmatch(t)) is not None:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def local_time(value: str | dt.datetime | None) -> dt.datetime | None:
    """An ISO time (UTC when it names no zone) in Asia/Ho_Chi_Minh."""
    if value is None or value == "":
        return None
    when = value if isinstance(value, dt.datetime) else _parse_time(value)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(ZONE)


def show_time(value: str | dt.datetime | None, seconds: bool = True) -> str:
    """`2026-04-22T03:05:09+00:00` -> `22/04/2026 10:05:09 +07:00`; '' for no time, the text itself when unreadable."""
    when = local_time(value)
    if when is None:
        return "" if value is None else str(value)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    offset = when.strftime("%z")
    return f"{when.strftime('%d/%m/%Y ' + clock)} {offset[:3]}:{offset[3:]}"


def _parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
