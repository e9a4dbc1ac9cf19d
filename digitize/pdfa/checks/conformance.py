"""The project's own PDF/A checks (ISO 19005-1/-2/-3, level B), used by the auditor's verify.

Not a full validator: it checks the rules a pipeline file, a signed pipeline file or a tampered one
can realistically break, cheaply, with pikepdf. Every problem names its ISO 19005-2 clause (for
rules that exist only in PDF/A-1, the ISO 19005-1 clause, marked "19005-1"). It works on files with
incremental updates (signatures): pikepdf reads the final revision, the header from the raw bytes.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass

import pikepdf

from digitize.pdfa.checks.objects import ObjectScan, scan_objects
from digitize.pdfa.checks.xmp import Xmp, claim_in_raw, parse_xmp, xmp_problems


@dataclass(frozen=True)
class PdfaReport:
    claimed: str | None  # e.g. "2B" from pdfaid:part + pdfaid:conformance; None when not claimed
    ok: bool
    problems: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"claimed": self.claimed, "ok": self.ok, "problems": list(self.problems)}


_HEADER_2 = re.compile(rb"%PDF-1\.[0-7](\r\n|\r|\n)%[\x80-\xff]{4}")
_HEADER_1 = re.compile(rb"%PDF-\d\.\d(\r\n|\r|\n)%[\x80-\xff]{4}")
_ICC_SPACES = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}


def check_pdfa(pdf: bytes | str | os.PathLike, level: str | None = None) -> PdfaReport:
    """Check a file against the PDF/A level it claims (or `level`, e.g. "2b", when given)."""
    try:
        data = pdf if isinstance(pdf, bytes) else open(pdf, "rb").read()
    except OSError as e:
        return PdfaReport(None, False, (f"unreadable: {e.strerror or e}",))
    try:
        doc = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return PdfaReport(None, False, ("6.1.3: file is encrypted (Encrypt in trailer)",))
    except Exception as e:  # pikepdf/qpdf raise several types for damaged files
        return PdfaReport(None, False, (f"unreadable: {_short(e)}",))
    try:
        with doc:
            return _check(doc, data, level)
    except Exception as e:  # a file that opens but breaks on deeper reading is still not conforming
        return PdfaReport(None, False, (f"unreadable: {_short(e)}",))


def _short(e: Exception) -> str:
    text = " ".join(str(e).split()) or e.__class__.__name__
    return text[:200]


def _check(doc: pikepdf.Pdf, data: bytes, level: str | None) -> PdfaReport:
    problems: list[str] = []
    root = doc.Root
    assert isinstance(root, pikepdf.Dictionary)  # qpdf's getRoot refuses a file whose /Root is not a dictionary

    # 6.6.2.1 / 6.6.4: metadata and the claimed level
    xmp: Xmp | None = None
    claimed = None
    meta = root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        problems.append("6.6.2.1: Catalog has no Metadata stream")
    else:
        raw = meta.read_bytes()
        xmp, xmp_errors = parse_xmp(raw)
        problems += xmp_errors
        claimed = xmp.claimed if xmp else claim_in_raw(raw)
        if meta.get("/Type") != pikepdf.Name.Metadata or meta.get("/Subtype") != pikepdf.Name.XML:
            problems.append("6.6.2.1: Metadata stream lacks Type /Metadata and Subtype /XML")
    part = int(claimed[0]) if claimed else None
    if level:
        want = level.strip().upper()
        if claimed != want:
            problems.append(f"6.6.4: file claims {claimed or 'no PDF/A level'}, expected {want}")
        part = int(want[0]) if want[:1].isdigit() else part
    if xmp:
        problems += xmp_problems(xmp, part)
    if meta is not None and part == 1 and isinstance(meta, pikepdf.Stream) and "/Filter" in meta:
        problems.append("19005-1 6.7.2: catalog Metadata stream is filtered")

    problems += _file_structure(doc, data, part)
    if part == 1 and xmp:
        problems += _info_matches_xmp(doc, xmp)
    intent_space, intent_problems = _output_intents(root, part)
    problems += intent_problems
    scan = scan_objects(doc, part)
    problems += scan.problems
    problems += _device_colour(scan, intent_space)
    problems += _permissions(root)
    if "/AcroForm" in root and bool(root.AcroForm.get("/NeedAppearances", False)):
        problems.append("6.4.1: AcroForm NeedAppearances is true")
    if "/AA" in root:
        problems.append("6.5.2: Catalog has an AA (additional actions) entry")
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        problems.append("6.5.1: document contains JavaScript (Names /JavaScript)")
    if part == 1 and "/OCProperties" in root:
        problems.append("19005-1 6.1.13: Catalog contains OCProperties")
    return PdfaReport(claimed, not problems, tuple(dict.fromkeys(problems)))


def _file_structure(doc: pikepdf.Pdf, data: bytes, part: int | None) -> list[str]:
    problems = []
    header = _HEADER_1 if part == 1 else _HEADER_2
    if not header.match(data[:64]):
        first = data[:8].decode("latin-1", "replace")
        if data.startswith(b"%PDF-") and not data.startswith(b"%PDF-1."):
            problems.append(f"6.1.2: file header {first!r} is not %PDF-1.n")
        else:
            problems.append("6.1.2: file header is not %PDF-1.n followed by a binary comment line")
    if "/ID" not in doc.trailer or len(doc.trailer.ID) != 2:
        problems.append("6.1.3: trailer has no ID")
    if doc.is_encrypted or "/Encrypt" in doc.trailer:
        problems.append("6.1.3: file is encrypted (Encrypt in trailer)")
    eof = data.rfind(b"%%EOF")
    if eof < 0 or data[eof + 5:] not in (b"", b"\n", b"\r", b"\r\n"):
        problems.append("6.1.3: data after the last %%EOF marker")
    if part == 1 and re.search(rb"/Type\s*/XRef\b", data):
        problems.append("19005-1 6.1.4: cross-reference streams are used")
    return problems


def _info_matches_xmp(doc: pikepdf.Pdf, xmp: Xmp) -> list[str]:
    """PDF/A-1 6.7.3: every Info entry that is present has an equivalent XMP property."""
    problems: list[str] = []
    info = doc.trailer.get("/Info")
    if not isinstance(info, pikepdf.Dictionary):
        return problems
    pairs = {"/Title": "title", "/Author": "creator", "/Subject": "description", "/Keywords": "keywords",
             "/Creator": "creator_tool", "/Producer": "producer"}
    for key, prop in pairs.items():
        if key in info:
            value = str(info[key])
            if getattr(xmp, prop) != value:
                problems.append(f"19005-1 6.7.3: Info {key[1:]} does not match its XMP property")
    for key, prop in (("/CreationDate", "create_date"), ("/ModDate", "modify_date")):
        if key in info and not _same_date(str(info[key]), getattr(xmp, prop)):
            problems.append(f"19005-1 6.7.3: Info {key[1:]} does not match its XMP date")
    return problems


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?")
_XMP_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
                       r"([Zz+\-])?(\d{2})?:?(\d{2})?")


def _same_date(pdf_value: str, xmp_value: str | None) -> bool:
    if xmp_value is None:
        return False
    a, b = _PDF_DATE.match(pdf_value.strip()), _XMP_DATE.match(xmp_value.strip())
    if not a or not b:
        return False

    def norm(m: re.Match) -> tuple:
        y, mo, d, h, mi, s, sign, oh, om = m.groups()
        fields = [int(v or default) for v, default in ((y, 0), (mo, 1), (d, 1), (h, 0), (mi, 0), (s, 0))]
        if sign and sign not in "Zz":
            offset = (int(oh or 0) * 60 + int(om or 0)) * (1 if sign == "+" else -1)
            return (*fields, offset)
        return (*fields, 0 if sign else None)

    na, nb = norm(a), norm(b)
    if na[6] is None or nb[6] is None:  # one side has no zone: compare wall-clock time
        return na[:6] == nb[:6]
    return na == nb


def _output_intents(root: pikepdf.Dictionary, part: int | None) -> tuple[bytes | None, list[str]]:
    """6.2.3: returns the colour space of the PDF/A OutputIntent profile (b"RGB " ...) or None."""
    problems: list[str] = []
    intents = root.get("/OutputIntents")
    if not isinstance(intents, pikepdf.Array) or len(intents) == 0:
        return None, problems
    profiles, space = [], None
    for oi in intents:
        if not isinstance(oi, pikepdf.Dictionary):
            problems.append("6.2.3: OutputIntents entry is not a dictionary")
            continue
        s = oi.get("/S")
        prof = oi.get("/DestOutputProfile")
        if prof is not None:
            profiles.append(prof)
        if s != pikepdf.Name.GTS_PDFA1:
            continue
        if not isinstance(prof, pikepdf.Stream):
            problems.append("6.2.3: GTS_PDFA1 OutputIntent has no DestOutputProfile")
            continue
        space, why = _icc_output_space(prof, part)
        if why:
            problems.append(f"6.2.3: OutputIntent profile {why}")
    if not any(isinstance(oi, pikepdf.Dictionary) and oi.get("/S") == pikepdf.Name.GTS_PDFA1
               for oi in intents):
        problems.append("6.2.3: no OutputIntent has S GTS_PDFA1")
    if len(profiles) > 1:
        first = profiles[0]
        if any(not (p.is_indirect and first.is_indirect and p.objgen == first.objgen) for p in profiles[1:]):
            problems.append("6.2.3: OutputIntents refer to different DestOutputProfile objects")
    return space, problems


def _icc_output_space(stream: pikepdf.Stream, part: int | None) -> tuple[bytes | None, str]:
    try:
        icc = stream.read_bytes()
    except pikepdf.PdfError as e:
        return None, f"cannot be decoded ({_short(e)})"
    if len(icc) < 128 or icc[36:40] != b"acsp":
        return None, "is not an ICC profile"
    if int.from_bytes(icc[:4], "big") > len(icc):
        return None, "is truncated"
    device_class, space, major = icc[12:16], icc[16:20], icc[8]
    if device_class not in (b"prtr", b"mntr"):
        return None, f"device class {device_class.decode('latin-1')!r} is not prtr or mntr"
    if space not in _ICC_SPACES:
        return None, f"colour space {space.decode('latin-1')!r} is not RGB, GRAY or CMYK"
    if major >= (3 if part == 1 else 5):
        return None, f"ICC version {major} is too new for PDF/A-{part or 2}"
    n = stream.get("/N")
    if n is not None and int(n) != _ICC_SPACES[space]:
        return None, f"N {int(n)} does not match its {space.decode().strip()} colour space"
    return space, ""


def _device_colour(scan: ObjectScan, intent_space: bytes | None) -> list[str]:
    """6.2.4.3: Device colour spaces need a matching PDF/A OutputIntent (or a Default colour space)."""
    problems = []
    need = {"DeviceRGB": b"RGB ", "DeviceCMYK": b"CMYK"}
    for space in sorted(scan.device_spaces):
        if space == "DeviceGray":
            if intent_space is None:
                problems.append("6.2.4.3: DeviceGray used without a PDF/A OutputIntent")
        elif intent_space != need[space]:
            problems.append(f"6.2.4.3: {space} used without a matching {need[space].decode().strip()} "
                            "PDF/A OutputIntent")
    return problems


def _permissions(root: pikepdf.Dictionary) -> list[str]:
    """6.1.12: Perms holds only UR3/DocMDP; with DocMDP, signature references carry no digests."""
    problems: list[str] = []
    perms = root.get("/Perms")
    if not isinstance(perms, pikepdf.Dictionary):
        return problems
    extra = sorted(k for k in perms.keys() if k not in ("/UR3", "/DocMDP"))
    if extra:
        problems.append(f"6.1.12: permissions dictionary has keys other than UR3 and DocMDP: {', '.join(extra)}")
    if "/DocMDP" not in perms:
        return problems
    sigs = [perms[k] for k in perms.keys()]
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        for fld in form.get("/Fields", pikepdf.Array()):
            if isinstance(fld, pikepdf.Dictionary) and isinstance(fld.get("/V"), pikepdf.Dictionary):
                sigs.append(fld.V)
    for sig in sigs:
        if not isinstance(sig, pikepdf.Dictionary):
            continue
        for ref in sig.get("/Reference", pikepdf.Array()):
            if isinstance(ref, pikepdf.Dictionary) and any(
                    k in ref for k in ("/DigestLocation", "/DigestMethod", "/DigestValue")):
                problems.append("6.1.12: signature reference dictionary has DigestLocation/Method/Value")
    return problems
