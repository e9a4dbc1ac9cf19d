"""Vietnam's administrative units after the 1 July 2025 reform: 34 provinces and their communes/wards.

The names come from the `vietnam-provinces` package (GPL-3.0-or-later, data from the General
Statistics Office code list), read at run time from its installed data rather than copied here.
Lookups answer whether a name read by OCR is a known unit, and, when it is not, whether exactly one
known unit has the same letters once diacritics are folded (the usual OCR misreading).
"""
from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass
from importlib import resources

from digitize.vn.text import fold, match_key

# Division types as printed in addresses; the first word(s) of a unit name.
PROVINCE_TYPES = ("thành phố", "tỉnh")
COMMUNE_TYPES = ("đặc khu", "phường", "xã")
# Levels abolished in 2025: an address that names one predates the reform and cannot be checked.
OLD_LEVELS = ("huyen", "quan", "thi xa", "thi tran")
# the levels folded as `fold` and extraction's token keys write them
PROVINCE_KEYS = tuple(fold(k) for k in PROVINCE_TYPES)
LEVEL_KEYS = PROVINCE_KEYS + tuple(fold(k) for k in COMMUNE_TYPES) + OLD_LEVELS


@dataclass(frozen=True)
class Unit:
    kind: str  # 'xã', 'phường', 'đặc khu', 'tỉnh', 'thành phố'
    name: str  # without its kind: 'Cẩm Thủy'


@dataclass(frozen=True)
class Province:
    unit: Unit
    communes: tuple[Unit, ...]


class Match(enum.Enum):
    EXACT = "exact"  # the name is a known unit
    FIXED = "fixed"  # one known unit differs only by diacritics
    AMBIGUOUS = "ambiguous"  # several known units differ only by diacritics
    UNKNOWN = "unknown"  # no known unit, even with diacritics folded


def _split_kind(full: str, kinds: tuple[str, ...], default: str) -> Unit:
    low = full.lower()
    for k in kinds:
        if low.startswith(k + " "):
            return Unit(k, full[len(k) + 1 :].strip())
    return Unit(default, full.strip())


@functools.lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """All provinces with their communes; empty when the data package is not installed."""
    try:
        text = (resources.files("vietnam_provinces") / "data" / "nested-divisions.json").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ()
    out = []
    for p in json.loads(text):
        unit = _split_kind(p["name"], PROVINCE_TYPES, "tỉnh")
        communes = tuple(_split_kind(w["name"], COMMUNE_TYPES, w.get("division_type", "xã")) for w in p["wards"])
        out.append(Province(unit, communes))
    return tuple(out)


def find_province(name: str) -> Province | None:
    key = match_key(name)
    folded = fold(name)
    exact = [p for p in provinces() if match_key(p.unit.name) == key]
    if exact:
        return exact[0]
    near = [p for p in provinces() if fold(p.unit.name) == folded]
    return near[0] if len(near) == 1 else None


def lookup(name: str, units: tuple[Unit, ...] | list[Unit], kind: str | None = None) -> tuple[Match, str | None]:
    """(how `name` matches `units`, the known spelling when EXACT or FIXED). With `kind`, units of that
    kind are preferred; a unit of another kind is used only when none of that kind matches."""
    key, folded = match_key(name), fold(name)
    index = _index(units)
    for pool in ([kind] if kind else []) + [None]:
        keys, by_fold = index.get(pool, (frozenset(), {}))
        if key in keys:
            return Match.EXACT, name
        forms = by_fold.get(folded, {})
        if len(forms) == 1:
            return Match.FIXED, next(iter(forms.values()))
        if len(forms) > 1:
            return Match.AMBIGUOUS, None
    return Match.UNKNOWN, None


_INDEXES: dict[int, tuple[object, dict]] = {}  # id of a unit pool -> (the pool, its index)


def _index(units) -> dict[str | None, tuple[frozenset[str], dict[str, dict[str, str]]]]:
    """Per kind (None: all) the exact keys of a pool's names and, by folded name, their spellings. Built
    once per pool: a lookup runs for every unit named in every address. The pool is kept with its index so
    that its id is not reused."""
    got = _INDEXES.get(id(units))
    if got is not None and got[0] is units:
        return got[1]
    index: dict[str | None, tuple[set, dict]] = {}
    for u in units:
        for pool in (u.kind, None):
            keys, by_fold = index.setdefault(pool, (set(), {}))
            keys.add(match_key(u.name))
            by_fold.setdefault(fold(u.name), {})[match_key(u.name)] = u.name
    out = {k: (frozenset(v[0]), v[1]) for k, v in index.items()}
    if isinstance(units, tuple):  # lists are built per call: nothing to keep
        _INDEXES[id(units)] = (units, out)
    return out


@functools.lru_cache(maxsize=1)
def all_communes() -> tuple[Unit, ...]:
    return tuple(c for p in provinces() for c in p.communes)


@functools.lru_cache(maxsize=1)
def province_units() -> tuple[Unit, ...]:
    return tuple(p.unit for p in provinces())


@functools.lru_cache(maxsize=1)
def unit_words() -> frozenset[str]:
    """Every word of every unit name, lower-case ('đắk', 'ea', 'lắk'): words an address may hold that are
    no Vietnamese syllable (names of other peoples' languages)."""
    return frozenset(w.lower() for p in provinces() for u in (p.unit, *p.communes) for w in u.name.split())


def known_place(text: str) -> bool:
    """The text ends as an address of 2025 units does: '…, xã A, tỉnh B' (or 'phường', 'thành phố') with A a
    commune of province B, both spelled exactly."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2:
        return False
    province, commune = _split_kind(parts[-1], PROVINCE_TYPES, ""), _split_kind(parts[-2], COMMUNE_TYPES, "")
    if not province.kind or not commune.kind:
        return False
    prov = next((p for p in provinces() if p.unit.name == province.name), None)
    return prov is not None and any(c.name == commune.name for c in prov.communes)
