"""METS documents of a package, E-ARK CSIP 2.1 / SIP 2.1: the root METS.xml (profile, OBJID from the
dossier code, software CREATOR agent with its version, one SUBMITTER organisation, descriptive and
preservation metadata references, fileSec with MIMETYPE/SIZE/CREATED/SHA-256 of every file, a
PHYSICAL structMap) and one METS.xml per representation."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from digitize.archive.xmlstream import element, fill, placeholder
from digitize.settings import PIPELINE_VERSION

METS = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
for _prefix, _uri in (("mets", METS), ("csip", CSIP), ("sip", SIP), ("xlink", XLINK)):
    ET.register_namespace(_prefix, _uri)

PROFILES = {"sip": "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",
            "aip": "https://earkaip.dilcis.eu/profile/E-ARK-AIP.xml"}
CONTENT_TYPE = "Textual works – Digital"  # CSIP content category vocabulary
CONTENT_INFO = "digitize hồ sơ (Circular 05/2025/TT-BNV)"
VN = timezone(timedelta(hours=7))


def to_vn(iso: str) -> str:
    """An ISO time as the archive rules write it: +07:00."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(VN).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Entry:
    """A file as METS lists it."""

    path: str  # relative to the METS document
    size: int
    sha256: str
    media_type: str
    created: str
    format_name: str = ""
    pronom: str = ""


def _m(tag: str) -> str:
    return f"{{{METS}}}{tag}"


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, _m(tag), attrs or {})
    if text is not None:
        el.text = text
    return el


def _root(objid: str, label: str, package_format: str) -> ET.Element:
    return ET.Element(_m("mets"), {
        "OBJID": objid, "LABEL": label, "TYPE": CONTENT_TYPE, "PROFILE": PROFILES[package_format],
        f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER", f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE": CONTENT_INFO,
    })


def _header(root: ET.Element, package_format: str, created: str, organisation: str | None,
            reference: str | None = None) -> None:
    hdr = _sub(root, "metsHdr", {"CREATEDATE": created, "LASTMODDATE": created, "RECORDSTATUS": "NEW",
                                 f"{{{CSIP}}}OAISPACKAGETYPE": package_format.upper()})
    agent = _sub(hdr, "agent", {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    _sub(agent, "name", text="digitize")
    _sub(agent, "note", {f"{{{CSIP}}}NOTETYPE": "SOFTWARE VERSION"}, PIPELINE_VERSION)
    if organisation:
        submitter = _sub(hdr, "agent", {"ROLE": "OTHER", "OTHERROLE": "SUBMITTER", "TYPE": "ORGANIZATION"})
        _sub(submitter, "name", text=organisation)
    if reference:
        _sub(hdr, "altRecordID", {"TYPE": "REFERENCECODE"}, reference)


def _file_attrs(e: Entry, file_id: str) -> dict[str, str]:
    attrs = {"ID": file_id, "MIMETYPE": e.media_type, "SIZE": str(e.size), "CREATED": to_vn(e.created),
             "CHECKSUM": e.sha256, "CHECKSUMTYPE": "SHA-256"}
    if e.pronom:
        attrs.update({f"{{{SIP}}}FILEFORMATNAME": e.format_name, f"{{{SIP}}}FILEFORMATREGISTRY": "PRONOM",
                      f"{{{SIP}}}FILEFORMATKEY": e.pronom})
    return attrs


def _file(group: ET.Element, e: Entry, file_id: str) -> None:
    f = _sub(group, "file", _file_attrs(e, file_id))
    _sub(f, "FLocat", {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": e.path})


def _md_ref(parent: ET.Element, e: Entry, mdtype: str, other: str | None = None) -> None:
    attrs = {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": e.path, "MDTYPE": mdtype,
             "MIMETYPE": e.media_type, "SIZE": str(e.size), "CREATED": to_vn(e.created), "CHECKSUM": e.sha256,
             "CHECKSUMTYPE": "SHA-256"}
    if other:
        attrs["OTHERMDTYPE"] = other
    _sub(parent, "mdRef", attrs)


def _group(file_sec: ET.Element, use: str, group_id: str) -> ET.Element:
    return _sub(file_sec, "fileGrp", {"ID": group_id, "USE": use, f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER",
                                      f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE": CONTENT_INFO})


def _finish(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def representation_mets(rep: str, label: str, data: list[Entry], package_format: str,
                        created: str) -> Iterator[bytes]:
    """A representation's METS.xml piece by piece (one file entry at a time)."""
    root = _root(rep, label, package_format)
    _header(root, package_format, to_vn(created), None)
    file_sec = _sub(root, "fileSec", {"ID": f"{rep}-filesec"})
    _group(file_sec, "Data", f"{rep}-data").text = placeholder("files")
    smap = _sub(root, "structMap", {"ID": f"{rep}-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _sub(smap, "div", {"ID": f"{rep}-div", "LABEL": rep})
    _sub(top, "div", {"ID": f"{rep}-div-data", "LABEL": "Data"}).text = placeholder("fptrs")
    ET.indent(root)

    def files() -> Iterator[bytes]:
        for i, e in enumerate(data, 1):
            holder = ET.Element("holder")
            _file(holder, e, f"{rep}-file-{i:05d}")
            yield element(holder[0])

    fptrs = (element(ET.Element(_m("fptr"), {"FILEID": f"{rep}-file-{i:05d}"})) for i in range(1, len(data) + 1))
    return fill(root, {"files": files(), "fptrs": fptrs})


@dataclass(frozen=True)
class RootParts:
    descriptive: Entry
    preservation: Entry
    documentation: list[Entry]
    schemas: list[Entry]
    representations: list[tuple[str, Entry]]  # (rep name, its METS.xml)


def root_mets(objid: str, label: str, reference: str, parts: RootParts, package_format: str, created: str,
              organisation: str) -> bytes:
    root = _root(objid, label, package_format)
    _header(root, package_format, to_vn(created), organisation, reference)
    dmd = _sub(root, "dmdSec", {"ID": "dmd-hoso", "CREATED": to_vn(parts.descriptive.created), "STATUS": "CURRENT"})
    _md_ref(dmd, parts.descriptive, "OTHER", "DIGITIZE-HOSO-1.0")
    amd = _sub(root, "amdSec", {"ID": "amd"})
    _md_ref(_sub(amd, "digiprovMD", {"ID": "digiprov-premis", "STATUS": "CURRENT"}), parts.preservation, "PREMIS")
    file_sec = _sub(root, "fileSec", {"ID": "filesec"})
    ids: dict[str, list[str]] = {}
    for use, entries in (("Documentation", parts.documentation), ("Schemas", parts.schemas)):
        group = _group(file_sec, use, f"grp-{use.lower()}")
        for i, e in enumerate(entries, 1):
            ids.setdefault(use, []).append(f"{use.lower()}-{i:03d}")
            _file(group, e, ids[use][-1])
    for rep, e in parts.representations:
        group = _group(file_sec, f"Representations/{rep}", f"grp-{rep}")
        ids[rep] = [f"{rep}-mets"]
        _file(group, e, ids[rep][0])
    smap = _sub(root, "structMap", {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _sub(smap, "div", {"ID": "div-package", "LABEL": objid})
    _sub(top, "div", {"ID": "div-metadata", "LABEL": "Metadata", "DMDID": "dmd-hoso", "ADMID": "digiprov-premis"})
    for use in ("Documentation", "Schemas"):
        div = _sub(top, "div", {"ID": f"div-{use.lower()}", "LABEL": use})
        for file_id in ids.get(use, []):
            _sub(div, "fptr", {"FILEID": file_id})
    # eark-validator 1.1.3 asks for a 'Representations' division (CSIP103/104) holding the
    # representations' METS files; each representation keeps its own 'Representations/<name>' div.
    reps_div = _sub(top, "div", {"ID": "div-representations", "LABEL": "Representations"})
    for rep, _e in parts.representations:
        _sub(reps_div, "fptr", {"FILEID": ids[rep][0]})
    for rep, e in parts.representations:
        div = _sub(reps_div, "div", {"ID": f"div-{rep}", "LABEL": f"Representations/{rep}"})
        _sub(div, "mptr", {f"{{{XLINK}}}title": ids[rep][0], "LOCTYPE": "URL", f"{{{XLINK}}}type": "simple",
                           f"{{{XLINK}}}href": e.path})
    return _finish(root)
