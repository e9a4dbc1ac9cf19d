"""XMP metadata and the matching Info dictionary for PDF/A.

PDF/A-1 wants every Info entry to be equivalent to its XMP property, so both are produced from one
`DocMeta`. Properties of our own namespace must be described by a pdfaExtension schema, otherwise a
validator rejects them as unknown.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from digitize.errors import InputError
from digitize.pdfa import namespaces as ns

DIGITIZE_NS = ns.DIGITIZE

# Our namespace: property name -> description (all Text, category external).
DIGITIZE_PROPERTIES: dict[str, str] = {
    "dossierCode": "Code of the administrative dossier the document belongs to",
    "documentType": "Document type recognised by the field extraction profile",
    "procedureCode": "Code of the administrative procedure",
    "sourceFile": "Name of the scanned source file",
    "sourceSha256": "SHA-256 of the scanned source file",
    "pipelineVersion": "Version of the digitize pipeline that produced the file",
    # written when a reviewed draft is signed (digitize.pdfa.reviewed)
    "reviewedFields": "Field values as reviewed and approved before signing, a JSON object name -> value",
    "reviewRevision": "Revision of the record whose field values were signed",
    "reviewedBy": "Users who changed or approved the fields",
    "reviewedAt": "Time of the approval",
}


@dataclass(frozen=True)
class DocMeta:
    title: str
    creator: str
    description: str
    created: datetime
    producer: str = "digitize"
    creator_tool: str = "digitize"
    custom: tuple[tuple[str, str], ...] = ()  # (property in DIGITIZE_PROPERTIES, value)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def xmp_date(dt: datetime) -> str:
    return _aware(dt).replace(microsecond=0).isoformat()


def pdf_date(dt: datetime) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' — the same instant as xmp_date()."""
    dt = _aware(dt)
    off = dt.utcoffset()
    minutes = int(off.total_seconds() // 60) if off else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return dt.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def info_dict(meta: DocMeta) -> dict[str, str]:
    date = pdf_date(meta.created)
    return {
        "/Title": meta.title,
        "/Author": meta.creator,
        "/Subject": meta.description,
        "/Creator": meta.creator_tool,
        "/Producer": meta.producer,
        "/CreationDate": date,
        "/ModDate": date,
    }


def _extension_schema() -> str:
    props = "".join(
        "<rdf:li rdf:parseType=\"Resource\">"
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(desc)}</pdfaProperty:description>"
        "</rdf:li>\n"
        for name, desc in DIGITIZE_PROPERTIES.items()
    )
    return (
        '<rdf:Description rdf:about=""\n'
        f'  xmlns:pdfaExtension="{ns.PDFA_EXTENSION}"\n'
        f'  xmlns:pdfaSchema="{ns.PDFA_SCHEMA}"\n'
        f'  xmlns:pdfaProperty="{ns.PDFA_PROPERTY}">\n'
        "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
        "<pdfaSchema:schema>digitize record metadata</pdfaSchema:schema>\n"
        f"<pdfaSchema:namespaceURI>{ns.DIGITIZE}</pdfaSchema:namespaceURI>\n"
        "<pdfaSchema:prefix>digitize</pdfaSchema:prefix>\n"
        f"<pdfaSchema:property><rdf:Seq>\n{props}</rdf:Seq></pdfaSchema:property>\n"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
        "</rdf:Description>\n"
    )


def well_formed(xml: str) -> bytes:
    """The packet as UTF-8, parsed once to be sure: a value with a character XML cannot hold (U+FFFE, a
    control character, a lone surrogate) would make the file's metadata, and so its PDF/A claim, false.
    Such a packet is never written (InputError)."""
    try:
        data = xml.encode("utf-8")
        ET.fromstring(data)
    except UnicodeEncodeError as e:
        raise InputError("xmp", f"metadata holds a lone surrogate U+{ord(e.object[e.start]):04X}") from None
    except ET.ParseError as e:
        raise InputError("xmp", f"metadata would not be well-formed XML ({e})") from None
    return data


def build_xmp(meta: DocMeta, part: int, conformance: str) -> bytes:
    date = xmp_date(meta.created)
    custom = "".join(
        f"<digitize:{k}>{escape(v)}</digitize:{k}>\n" for k, v in meta.custom if k in DIGITIZE_PROPERTIES
    )
    xml = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f'<rdf:RDF xmlns:rdf="{ns.RDF}">\n'
        f'<rdf:Description rdf:about="" xmlns:pdfaid="{ns.PDFAID}">\n'
        f"<pdfaid:part>{part}</pdfaid:part>\n<pdfaid:conformance>{conformance}</pdfaid:conformance>\n"
        "</rdf:Description>\n"
        f'<rdf:Description rdf:about="" xmlns:dc="{ns.DC}">\n'
        "<dc:format>application/pdf</dc:format>\n"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>\n'
        f"<dc:creator><rdf:Seq><rdf:li>{escape(meta.creator)}</rdf:li></rdf:Seq></dc:creator>\n"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.description)}</rdf:li>'
        "</rdf:Alt></dc:description>\n"
        "</rdf:Description>\n"
        f'<rdf:Description rdf:about="" xmlns:xmp="{ns.XMP}">\n'
        f"<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{date}</xmp:MetadataDate>\n"
        f"<xmp:CreatorTool>{escape(meta.creator_tool)}</xmp:CreatorTool>\n"
        "</rdf:Description>\n"
        f'<rdf:Description rdf:about="" xmlns:pdf="{ns.PDF}">\n'
        f"<pdf:Producer>{escape(meta.producer)}</pdf:Producer>\n"
        "</rdf:Description>\n"
        f'<rdf:Description rdf:about="" xmlns:digitize="{ns.DIGITIZE}">\n{custom}</rdf:Description>\n'
        + _extension_schema()
        + "</rdf:RDF>\n</x:xmpmeta>\n"
        + (" " * 99 + "\n") * 20  # padding lets a later writer update in place
        + '<?xpacket end="w"?>'
    )
    return well_formed(xml)
