"""Put reviewed field values into an unsigned PDF/A before it is signed, so the signature covers them.

Every part carries them in XMP (`digitize:reviewedFields`, a JSON object name -> value, with the
revision, reviewers and approval time), declared in the file's pdfaExtension schema as PDF/A asks.
PDF/A-3b files also carry the full field records in their embedded `fields.json` (AFRelationship
Data), which is replaced by the reviewed ones; PDF/A-2b may embed only PDF/A files, so XMP is
where a 2b record keeps them. Info is not touched: it mirrors only dc/xmp/pdf properties.
"""
from __future__ import annotations

import io
import json
import re
from typing import Any
from xml.sax.saxutils import escape, unescape

import pikepdf

from digitize.errors import InputError
from digitize.pdfa.xmp import DIGITIZE_NS, DIGITIZE_PROPERTIES, well_formed
from digitize.vn.text import bad_character

REVIEW_PROPERTIES = ("reviewedFields", "reviewRevision", "reviewedBy", "reviewedAt")
FIELDS_NAME = "fields.json"


def _declaration(name: str) -> str:
    return ("<rdf:li rdf:parseType=\"Resource\">"
            f"<pdfaProperty:name>{name}</pdfaProperty:name>"
            "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
            "<pdfaProperty:category>external</pdfaProperty:category>"
            f"<pdfaProperty:description>{escape(DIGITIZE_PROPERTIES[name])}</pdfaProperty:description>"
            "</rdf:li>\n")


def reviewed_xmp(xmp: str, values: dict[str, str]) -> str:
    """The XMP packet with the review properties set (replacing earlier ones)."""
    for name in REVIEW_PROPERTIES:
        xmp = re.sub(rf"<digitize:{name}>.*?</digitize:{name}>\n?", "", xmp, flags=re.S)
    opening = f'xmlns:digitize="{DIGITIZE_NS}">\n'
    if opening not in xmp:
        raise InputError("pdf", "XMP has no digitize description (not made by digitize)")
    props = "".join(f"<digitize:{k}>{escape(v)}</digitize:{k}>\n" for k, v in values.items())
    xmp = xmp.replace(opening, opening + props, 1)
    missing = [n for n in REVIEW_PROPERTIES if f"<pdfaProperty:name>{n}</pdfaProperty:name>" not in xmp]
    if missing:  # a draft made before these properties existed: declare them in its schema
        end = "</rdf:Seq></pdfaSchema:property>"
        xmp = xmp.replace(end, "".join(_declaration(n) for n in missing) + end, 1)
    return xmp


def with_reviewed_fields(pdf: bytes, fields: list[dict[str, Any]], revision: int, reviewed_by: list[str],
                         reviewed_at: str) -> bytes:
    """`pdf` (an unsigned digitize PDF/A) with the reviewed field records in it. A value XML cannot hold is
    refused naming its field, and the packet is parsed before it is written: no signature on false XMP."""
    for f in fields:
        problem = bad_character(str(f["value"])) if f["value"] is not None else None
        if problem:
            raise InputError(f"field {f['name']}", f"value has {problem}: correct it before signing")
    values = {
        "reviewedFields": json.dumps({f["name"]: f["value"] for f in fields}, ensure_ascii=False, default=str),
        "reviewRevision": str(revision),
        "reviewedBy": ", ".join(reviewed_by),
        "reviewedAt": reviewed_at,
    }
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xmp = bytes(doc.Root.Metadata.read_bytes()).decode("utf-8")
        doc.Root.Metadata.write(well_formed(reviewed_xmp(xmp, values)))
        _replace_embedded_fields(doc, fields)
        out = io.BytesIO()
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=True,
                 deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def reviewed_values(pdf: bytes) -> dict[str, Any] | None:
    """The reviewed field values a PDF carries in its XMP, or None."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xmp = bytes(doc.Root.Metadata.read_bytes()).decode("utf-8")
    m = re.search(r"<digitize:reviewedFields>(.*?)</digitize:reviewedFields>", xmp, re.S)
    if not m:
        return None
    return json.loads(unescape(m.group(1)))


def _replace_embedded_fields(doc: pikepdf.Pdf, fields: list[dict[str, Any]]) -> None:
    names = doc.Root.get("/Names", pikepdf.Dictionary()).get("/EmbeddedFiles", pikepdf.Dictionary()).get(
        "/Names", pikepdf.Array())
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) != FIELDS_NAME:
            continue
        stream = names[i + 1].EF.F
        payload = json.loads(stream.read_bytes())
        payload["fields"] = fields
        data = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8")
        stream.write(data)
        stream.Params.Size = len(data)
