"""metadata/preservation/PREMIS.xml (PREMIS 3.0): an object per file (fixity SHA-256, size, format with
its PRONOM id, original -> derivative relationships), an event per audit-log entry, and the agents
(software with version, the organisation, signers, users)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from digitize.archive.collect import DossierContent
from digitize.archive.mets import to_vn
from digitize.archive.xmlstream import element, fill, placeholder

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


def premis_parts(content: DossierContent, sizes: dict[str, int]) -> Iterator[bytes]:
    """PREMIS.xml piece by piece (one object, event or agent at a time)."""
    events_of: dict[str, list[str]] = {}
    for entry in content.log:
        for path in entry.files:
            events_of.setdefault(path, []).append(entry.id)
    derivatives: dict[str, list[str]] = {}
    for f in content.files:
        if f.derived_from:
            derivatives.setdefault(f.derived_from, []).append(f.path)
    skeleton = ET.Element(_q("premis"), {"version": "3.0"})
    skeleton.text = placeholder("body")

    def body() -> Iterator[bytes]:
        for f in content.files:
            yield element(_object(f, sizes[f.path], events_of.get(f.path, []), derivatives.get(f.path, [])))
        for entry in content.log:
            yield element(_event(entry))
        for agent in content.agents.values():
            yield element(_agent(agent))

    return fill(skeleton, {"body": body()})


def _agent(agent) -> ET.Element:
    a = ET.Element(_q("agent"))
    _identifier(a, "agent", "local", agent.id)
    _sub(a, "agentName", agent.name)
    _sub(a, "agentType", agent.type)
    if agent.version:
        _sub(a, "agentVersion", agent.version)
    return a


def _object(f, size: int, event_ids: list[str], derivatives: list[str]) -> ET.Element:
    obj = ET.Element(_q("object"), {f"{{{XSI}}}type": "premis:file"})
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
    related += [(path, "is source of") for path in derivatives]
    for path, subtype in related:
        rel = _sub(obj, "relationship")
        _sub(rel, "relationshipType", "derivation")
        _sub(rel, "relationshipSubType", subtype)
        _related(rel, path)
    for event_id in event_ids:
        _identifier(obj, "linkingEvent", "local", event_id)
    return obj


def _related(rel: ET.Element, path: str) -> None:
    ident = _sub(rel, "relatedObjectIdentifier")
    _sub(ident, "relatedObjectIdentifierType", "local")
    _sub(ident, "relatedObjectIdentifierValue", path)


def _event(entry) -> ET.Element:
    ev = ET.Element(_q("event"))
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
    return ev
