"""A value typed in by a person, checked the way extraction checks a value read by OCR: the same
typing, validators and plausibility, and the cross-field checks (CCCD against date of birth and sex,
dates after the issue date). The reviewed value is kept even when it fails; it is flagged with why."""
from __future__ import annotations

from dataclasses import replace

from digitize.model import Field
from digitize.profiles.loader import FieldSpec, Profile
from digitize.stages.extract import lexicon
from digitize.stages.extract.checks import cross_check
from digitize.stages.extract.typed import make_field

HUMAN_CONFIDENCE = 100.0


def check_value(profile: Profile | None, name: str, value, current: dict[str, Field]) -> Field:
    """`name` set to `value` (text as typed); `current` holds the document's other fields."""
    # a field the profile does not name is typed as the label lexicon says (ngay_cap: a date), else by its shape
    spec = (profile.field(name) if profile else None) or FieldSpec(name, type=lexicon.type_of(name) or "")
    old = current.get(name)
    checked = make_field(spec, "" if value is None else str(value), (), old.page if old else None)
    typed = "" if value is None else str(value).strip()
    kept = checked.value if checked.value is not None else (typed or None)  # a failing value is kept, flagged
    new = replace(checked, value=kept, raw=old.raw if old else "", confidence=HUMAN_CONFIDENCE,
                  box=old.box if old else None, label=old.label if old else "")
    if profile is not None:
        others = {**current, name: new}
        cross_check(others, profile)
        new = others[name]
    return new
