"""What the OCR stage knows about a value's words beyond their text: here, the words whose tone and vowel
marks the syllable language model chose over the OCR's own reading (`Word.marks_from`).

The model is of administrative prose; it does not know personal names, place names or the short values of
closed lists, and there it can be wrong with confidence (`Nam` -> `Năm` after `Giới tính:`, `Tân Kỳ` ->
`Tấn Kỳ`). Values of those kinds are read with the OCR's own marks, and the checks that know names, units and
lists then decide. In free text the model is mostly right (`tiên` -> `tiền`), but where both readings are
known syllables (`tống`/`tổng`, `mãn`/`mạn`) only a person can tell, so the value is flagged.
"""
from __future__ import annotations

from typing import Sequence

from digitize.messages import Message, msg
from digitize.stages.extract.lines import Tok
from digitize.vn import lm
from digitize.vn.text import WORD_CORE, canonical, nfc

# value types and plausibility kinds made of proper nouns or closed lists: the OCR's own marks are read
OWN_MARKS = frozenset({"name", "address", "issuer", "sex", "ethnicity", "enum"})


def remarked(toks: Sequence[Tok]) -> list[Tok]:
    return [t for t in toks if t.word.marks_from]


def with_own_marks(raw: str, toks: Sequence[Tok]) -> str:
    """`raw` with each word the language model changed put back as the OCR read it."""
    if not remarked(toks):
        return raw
    if raw == " ".join(t.text for t in toks):  # the usual case: word for word, whatever repeats
        return " ".join(nfc(t.word.marks_from) if t.word.marks_from else t.text for t in toks)
    for t in remarked(toks):
        raw = raw.replace(t.text, nfc(t.word.marks_from), 1)
    return raw


def _core(text: str) -> str:
    m = WORD_CORE.match(text)
    return m.group(2) if m else text


def _known(word: str) -> bool:
    model = lm.model()
    return model is not None and canonical(_core(word).lower()) in model.index


def ambiguous_marks(toks: Sequence[Tok]) -> Message | None:
    """A doubt when the model chose marks for a word whose OCR reading is a known syllable too."""
    for t in remarked(toks):
        own = nfc(t.word.marks_from)
        if _known(own):
            return msg("reason.marks_by_model", word=t.text, read=own)
    return None
