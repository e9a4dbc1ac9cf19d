"""English words that must not appear on a Vietnamese page or in a Vietnamese message: the words the pipeline's
English reasons, statuses, warnings and errors are made of (tests/test_messages.py, tests/test_web_words.py)."""
from __future__ import annotations

import re

ENGLISH = frozenset("""
the of at by for from with without and or not is are was were be been it its this that these
those then there their which who whom what when where why how
value values field fields label labels page pages file files document documents dossier check checked read
reads wrong invalid valid failed failure error errors missing unknown found signature signatures signed unsigned
draft reviewed approved processing stored changed added removed exported uploaded log login logins log-ins
password user users name names date dates time times number numbers digits digit year birth sex province tax
code codes unit units known usual syllable family given middle corrected confidence low high blank written hand
printed layout line lines under over limit bytes image images scan scans too many small large dark light
contrast skewed greyscale grayscale colour color required empty conflict issue before after future expired
revoked trusted untrusted chain certificate certificates root trust policy indeterminate passed total
cannot could should must might please again later try reload role forbidden internal administrator tell
something went nothing else yet next previous back queue upload send search
""".split())

# short words that are Vietnamese too (to, in, an, no, may, than) are left out of the list
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # OUT_OF_BOUNDS_NO_POE: a standard's name, not English


def english_words(text: str) -> set[str]:
    """The words of `text` (whole words, Unicode letters) that are in ENGLISH, case-insensitive."""
    return {w for w in _WORD.findall(_CODE.sub(" ", text)) if w.isascii() and w.lower() in ENGLISH}
