"""Whether an XMP packet changed in meaning after signing (serialisation and refreshed dates aside)."""
from __future__ import annotations

# XMP properties every incremental writer refreshes; anything else changed after signing is a modification.
VOLATILE_XMP = {"ModifyDate", "MetadataDate", "Producer", "CreatorTool"}


def _xmp_facts(data: bytes | None) -> set[tuple[str, str]] | None:
    """(property, value) pairs of an XMP packet, independent of serialisation (attribute or element form)."""
    import xml.etree.ElementTree as ET

    if data is None:
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {("unparseable", data.decode("latin-1"))}
    facts = set()
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    for desc in root.iter(f"{rdf}Description"):
        for key, value in desc.attrib.items():
            if not key.startswith(rdf) and key.split("}")[-1] not in VOLATILE_XMP:
                facts.add((key, value.strip()))
        for child in desc:
            if child.tag.split("}")[-1] not in VOLATILE_XMP:
                facts.add((child.tag, " ".join("".join(child.itertext()).split())))
    return facts


def xmp_changed(emb) -> bool:
    def xmp(root):
        meta = root.get("/Metadata")
        return meta.get_object().data if meta is not None else None

    signed = xmp(emb.reader.get_historical_root(emb.signed_revision))
    final = xmp(emb.reader.root)
    return _xmp_facts(signed) != _xmp_facts(final)
