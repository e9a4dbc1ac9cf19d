"""Writing large XML documents piece by piece: a small skeleton is serialised with placeholder
texts, and the many repeated elements (a file entry, a PREMIS event) are serialised one at a time
between its pieces, so a dossier of a thousand documents never holds its whole tree in memory."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

HEADER = b"<?xml version='1.0' encoding='utf-8'?>\n"


def placeholder(name: str) -> str:
    return f"@@{name}@@"


def element(el: ET.Element) -> bytes:
    ET.indent(el)
    return ET.tostring(el, encoding="utf-8") + b"\n"


def fill(skeleton: ET.Element, pieces: dict[str, Iterable[bytes]]) -> Iterator[bytes]:
    """The skeleton's bytes with each placeholder text replaced by its stream of elements."""
    text = ET.tostring(skeleton, encoding="utf-8")
    yield HEADER
    for name, stream in pieces.items():
        marker = placeholder(name).encode()
        before, text = text.split(marker, 1)
        yield before + b"\n"
        yield from stream
    yield text + b"\n"
