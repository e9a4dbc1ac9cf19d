"""metadata/preservation/PREMIS.xml (PREMIS 3.0): an object per file (fixity SHA-256, size, format with
its PRONOM id, original -> derivative relationships), an event per audit-log entry, and the agents
(software with version, the organisation, signers, users)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from digitize.archive.collect import DossierContent
from digitize.archive.mets import to_vn

PREMIS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("premis", PREMIS)
ET.register_namespace("xsi", XSI)


def _q(tag: str) -> str:
    return f"{{{PREMIS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), attrs)
    if text is not None:
        el.text = str(text)
    return el


def _identifier(parent: ET.Element, prefix: str, kind: str, value: str) -> None:
    ident = _sub(parent, f"{prefix}Identifier")
    _sub(ident, f"{prefix}IdentifierType", kind)
    _sub(ident, f"{prefix}IdentifierValue", value)


def build_premis(content: DossierContent, sizes: dict[str, int]) -> bytes:
    root = ET.Element(_q("premis"), {"version": "3.0"})
    events_of: dict[str, list[str]] = {}
    for entry in content.log:
        for path in entry.files:
            events_of.setdefault(path, []).append(entry.id)
    for f in content.files:
        _object(root, f, sizes[f.path], events_of.get(f.path, []), content)
    for entry in content.log:
        _event(root, entry)
    for agent in content.agents.values():
        a = _sub(root, "agent")
        _identifier(a, "agent", "local", agent.id)
        _sub(a, "agentName", agent.name)
        _sub(a, "agentType", agent.type)
        if agent.version:
            _sub(a, "agentVersion", agent.version)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _object(root: ET.Element, f, size: int, event_ids: list[str], content: DossierContent) -> None:
    obj = _sub(root, "object", **{f"{{{XSI}}}type": "premis:file"})
    _identifier(obj, "object", "local", f.path)
    chars = _sub(obj, "objectCharacteristics")
    fixity = _sub(chars, "fixity")
    _sub(fixity, "messageDigestAlgorithm", "SHA-256")
    _sub(fixity, "messageDigest", f.sha256)
    _sub(chars, "size", str(size))
    fmt = _sub(chars, "format")
    _sub(_sub(fmt, "formatDesignation"), "formatName", f.format_name or f.media_type)
    if f.pronom:
        reg = _sub(fmt, "formatRegistry")
        _sub(reg, "formatRegistryName", "PRONOM")
        _sub(reg, "formatRegistryKey", f.pronom)
        _sub(reg, "formatRegistryRole", "specification")
    _sub(obj, "originalName", f.name)
    related = [(f.derived_from, "has source")] if f.derived_from else []
    related += [(g.path, "is source of") for g in content.files if g.derived_from == f.path]
    for path, subtype in related:
        rel = _sub(obj, "relationship")
        _sub(rel, "relationshipType", "derivation")
        _sub(rel, "relationshipSubType", subtype)
        _related(rel, path)
    for event_id in event_ids:
        _identifier(obj, "linkingEvent", "local", event_id)


def _related(rel: ET.Element, path: str) -> None:
    ident = _sub(rel, "relatedObjectIdentifier")
    _sub(ident, "relatedObjectIdentifierType", "local")
    _sub(ident, "relatedObjectIdentifierValue", path)


def _event(root: ET.Element, entry) -> None:
    ev = _sub(root, "event")
    _identifier(ev, "event", "local", entry.id)
    _sub(ev, "eventType", entry.premis_type)
    _sub(ev, "eventDateTime", to_vn(entry.at))
    _sub(_sub(ev, "eventDetailInformation"), "eventDetail", f"{entry.kind}: {entry.detail}")
    _sub(_sub(ev, "eventOutcomeInformation"), "eventOutcome", entry.outcome)
    for agent_id, role in entry.agents:
        link = _sub(ev, "linkingAgentIdentifier")
        _sub(link, "linkingAgentIdentifierType", "local")
        _sub(link, "linkingAgentIdentifierValue", agent_id)
        _sub(link, "linkingAgentRole", role)
    for path in entry.files:
        link = _sub(ev, "linkingObjectIdentifier")
        _sub(link, "linkingObjectIdentifierType", "local")
        _sub(link, "linkingObjectIdentifierValue", path)
