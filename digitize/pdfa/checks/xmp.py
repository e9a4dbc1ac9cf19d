"""Reading XMP for the PDF/A checks: the pdfaid claim, the Info-equivalent properties, and whether
every property's namespace is predefined or described by a pdfaExtension schema (6.6.2.3)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from digitize.pdfa import namespaces as ns

XML_LANG = f"{{{ns.XML}}}lang"
RDF, PDFAID, EXT, SCHEMA = ns.RDF, ns.PDFAID, ns.PDFA_EXTENSION, ns.PDFA_SCHEMA
DC, XMP, PDF, PREDEFINED = ns.DC, ns.XMP, ns.PDF, ns.PREDEFINED


@dataclass(frozen=True)
class Xmp:
    part: str | None
    conformance: str | None
    title: str | None
    creator: str | None  # the single dc:creator entry; None when absent or several
    description: str | None
    keywords: str | None
    creator_tool: str | None
    producer: str | None
    create_date: str | None
    modify_date: str | None
    namespaces: frozenset[str]  # of top-level properties
    described: frozenset[str]  # namespaces with a pdfaExtension schema

    @property
    def claimed(self) -> str | None:
        if not self.part:
            return None
        return f"{self.part}{self.conformance or ''}"


def _ns(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        return uri, local
    return "", tag


def _value(el: ET.Element) -> str | None:
    """Text of a simple property, the x-default (or first) item of an Alt, the single item of a Seq/Bag."""
    container = next((c for c in el if c.tag in (f"{{{RDF}}}Alt", f"{{{RDF}}}Seq", f"{{{RDF}}}Bag")), None)
    if container is None:
        return (el.text or "").strip() if el.text is not None else el.get(f"{{{RDF}}}resource")
    items = [c for c in container if c.tag == f"{{{RDF}}}li"]
    if container.tag == f"{{{RDF}}}Alt":
        best = next((c for c in items if c.get(XML_LANG) == "x-default"), items[0] if items else None)
        return (best.text or "") if best is not None else None
    return (items[0].text or "") if len(items) == 1 else None


def _described_namespaces(schemas: ET.Element) -> set[str]:
    """pdfaSchema:namespaceURI as element text, as rdf:resource (URI type) or as an attribute."""
    found = set()
    for node in schemas.iter():
        if node.tag == f"{{{SCHEMA}}}namespaceURI":
            found.add((node.text or node.get(f"{{{RDF}}}resource") or "").strip())
        if f"{{{SCHEMA}}}namespaceURI" in node.attrib:
            found.add(node.attrib[f"{{{SCHEMA}}}namespaceURI"].strip())
    return found - {""}


ILL_FORMED = "6.6.2.1: XMP is not well-formed XML"
_PART = re.compile(rb"pdfaid:part(?:>\s*|\s*=\s*[\"'])([0-9])")
_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>\s*|\s*=\s*[\"'])([A-Za-z])")


def claim_in_raw(raw: bytes) -> str | None:
    """The PDF/A claim read from the bytes of a packet that does not parse: a file that says it is PDF/A
    with broken metadata is judged as the PDF/A it claims to be (and fails), not as no PDF/A at all."""
    part, conformance = _PART.search(raw), _CONFORMANCE.search(raw)
    if not part:
        return None
    return part.group(1).decode() + (conformance.group(1).decode().upper() if conformance else "")


def parse_xmp(raw: bytes) -> tuple[Xmp | None, list[str]]:
    problems: list[str] = []
    head = raw[:200]
    if re.search(rb"<\?xpacket[^>]*\bbytes=", head):
        problems.append("6.6.2.1: XMP packet header uses the bytes attribute")
    if re.search(rb"<\?xpacket[^>]*\bencoding=", head):
        problems.append("6.6.2.1: XMP packet header uses the encoding attribute")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("6.6.2.1: XMP is not UTF-8")
    try:
        root = ET.fromstring(raw.lstrip(b"\x00\xef\xbb\xbf \r\n\t"))
    except ET.ParseError as e:
        return None, problems + [f"{ILL_FORMED} ({e})"]
    rdf = root if root.tag == f"{{{RDF}}}RDF" else root.find(f".//{{{RDF}}}RDF")
    if rdf is None:
        return None, problems + ["6.6.2.1: XMP has no rdf:RDF element"]

    props: dict[tuple[str, str], str | None] = {}
    namespaces: set[str] = set()
    described: set[str] = set()
    for desc in rdf.findall(f"{{{RDF}}}Description"):
        for name, val in desc.attrib.items():
            uri, local = _ns(name)
            if uri and uri != RDF:
                namespaces.add(uri)
                props.setdefault((uri, local), val.strip())
        for el in desc:
            uri, local = _ns(el.tag)
            namespaces.add(uri)
            props.setdefault((uri, local), _value(el))
            if (uri, local) == (EXT, "schemas"):
                described |= _described_namespaces(el)
    return Xmp(
        part=props.get((PDFAID, "part")), conformance=props.get((PDFAID, "conformance")),
        title=props.get((DC, "title")), creator=props.get((DC, "creator")),
        description=props.get((DC, "description")), keywords=props.get((PDF, "Keywords")),
        creator_tool=props.get((XMP, "CreatorTool")), producer=props.get((PDF, "Producer")),
        create_date=props.get((XMP, "CreateDate")), modify_date=props.get((XMP, "ModifyDate")),
        namespaces=frozenset(namespaces), described=frozenset(described),
    ), problems


def xmp_problems(xmp: Xmp, part: int | None) -> list[str]:
    problems = []
    if not xmp.part:
        problems.append("6.6.4: XMP has no PDF/A identification (pdfaid:part in the pdfaid namespace)")
    elif xmp.part not in ("1", "2", "3"):
        problems.append(f"6.6.4: pdfaid:part {xmp.part!r} is not 1, 2 or 3")
    elif (xmp.conformance or "") not in (("A", "B") if xmp.part == "1" else ("A", "B", "U")):
        problems.append(f"6.6.4: pdfaid:conformance {xmp.conformance!r} is not valid for part {xmp.part}")
    unknown = sorted(uri for uri in xmp.namespaces - PREDEFINED - xmp.described if uri)
    for uri in unknown:
        problems.append(f"6.6.2.3.1: XMP namespace {uri} is neither predefined nor described by an extension schema")
    return problems
