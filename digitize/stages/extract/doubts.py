"""Doubts a value read after a label raises by its shape alone, so that a wrong value is flagged rather than
given as right: a value that stops where it should go on (a trailing comma or hyphen, a word that needs the
next one: the rest was on a line not joined), a value that holds another `Label:` (two fields read as one),
and a value whose shape is another type than its label's (a date after `Nơi cấp:`)."""
from __future__ import annotations

import re
from typing import Sequence

from digitize.messages import Message, msg
from digitize.stages.extract.lines import Tok, clean_value
from digitize.vn import admin_units as au
from digitize.vn.text import fold
from digitize.vn.values import shape_type

# words after which a Vietnamese value goes on: a value ending in one was cut
_NEEDS_NEXT = frozenset("và của các những tại cho với về để theo đến từ số đường phường xã tỉnh thành phố thôn "
                        "ấp tổ khu xóm bản ngõ ngách hẻm kiệt ngày tháng năm ông bà".split())
_INNER_LABEL = re.compile(r"^[^\W\d_][^\d:]*:$")  # 'tộc:' — a label's colon, not '08:30'
# label types whose values are free words, and the shapes that are certainly something else
_WORDY = ("text", "address", "issuer", "name")
_OTHER_SHAPES = ("date", "phone", "cccd", "email", "dossier_code", "procedure_code")


def cut_short(toks: Sequence[Tok]) -> Message | None:
    last = toks[-1].text
    if last.endswith((",", "-", "–")) or last.lower() in _NEEDS_NEXT:
        return msg("reason.cut_short", last=last)
    return None


def holds_label(toks: Sequence[Tok]) -> Message | None:
    for t in toks[1:]:
        if _INNER_LABEL.match(t.text):
            return msg("reason.inner_label", label=t.text)
    return None


def shape_mismatch(label_type: str, raw: str) -> Message | None:
    if label_type not in _WORDY:
        return None
    shape = shape_type(raw)
    if shape in _OTHER_SHAPES:
        return msg("reason.shape_mismatch", shape=msg(f"kind.{shape}"), label_type=msg(f"kind.{label_type}"))
    return None


_PROVINCE_STARTS = tuple(k + " " for k in au.PROVINCE_KEYS + ("tp",))


def no_province(raw: str) -> Message | None:
    """An address of a form ends with its province ('…, xã A, tỉnh B'); one that ends before it was cut
    where its line ended, or names no province a person could check it against."""
    last = clean_value(raw).rsplit(",", 1)[-1].strip(" .")
    if (fold(last) + " ").startswith(_PROVINCE_STARTS) or au.find_province(last) is not None:
        return None
    return msg("reason.no_province", last=last)


def pair_doubts(label_type: str, toks: Sequence[Tok], raw: str) -> list[Message]:
    """Every doubt about a `Label: value` pair's value (types that wrap: text and addresses may be cut)."""
    found = [holds_label(toks), shape_mismatch(label_type, raw)]
    if label_type in ("text", "address", "issuer", ""):
        found.append(cut_short(toks))
    if label_type == "address" and not found[-1]:
        found.append(no_province(raw))
    return [d for d in found if d]
