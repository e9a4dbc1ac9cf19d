"""Object- and content-level PDF/A checks: actions, images, annotations, embedded files, stream
keys, transparency (PDF/A-1), fonts used for rendering, and which Device colour spaces are used."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pikepdf

FORBIDDEN_ACTIONS = frozenset({"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide",
                               "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView", "/JavaScript",
                               "/SetState", "/NOP"})
ALLOWED_NAMED = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
FORBIDDEN_ANNOTS = frozenset({"/3D", "/Sound", "/Screen", "/Movie"})
_DEVICE = {"/DeviceRGB": "DeviceRGB", "/DeviceCMYK": "DeviceCMYK", "/DeviceGray": "DeviceGray",
           "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/G": "DeviceGray"}
_COLOUR_OPS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK",
               "g": "DeviceGray", "G": "DeviceGray"}
_DEFAULT_CS = {"DeviceRGB": "/DefaultRGB", "DeviceCMYK": "/DefaultCMYK", "DeviceGray": "/DefaultGray"}
_SHOW_OPS = frozenset({"Tj", "TJ", "'", '"'})
_SUBSET = re.compile(r"^/?[A-Z]{6}\+")
_CHARSTRING = re.compile(rb"\s*/([^\s/\[\]{}()<>]+)\s+(\d+)\s+\S+ ")
_CHARSTRING_END = re.compile(rb"\s*(ND|\|-|noaccess\s+def|def)")


@dataclass
class ObjectScan:
    problems: list[str] = field(default_factory=list)
    device_spaces: set[str] = field(default_factory=set)


def scan_objects(doc: pikepdf.Pdf, part: int | None) -> ObjectScan:
    scan = ObjectScan()
    for obj in doc.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            _walk(obj, scan, part, 0)
    rendered: dict[tuple[int, int], pikepdf.Object] = {}
    seen: set[tuple[int, int]] = set()
    for page in doc.pages:
        res = page.obj.get("/Resources", pikepdf.Dictionary())
        _content(page.obj, res, scan, rendered, seen)
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            ap = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
            streams = [normal] if isinstance(normal, pikepdf.Stream) else (
                [v for v in normal.values() if isinstance(v, pikepdf.Stream)]
                if isinstance(normal, pikepdf.Dictionary) else [])
            for s in streams:
                _content(s, s.get("/Resources", pikepdf.Dictionary()), scan, rendered, seen)
    for font in rendered.values():
        _check_font(font, scan)
    scan.problems = list(dict.fromkeys(scan.problems))
    return scan


def _walk(d: pikepdf.Object, scan: ObjectScan, part: int | None, depth: int) -> None:
    if depth > 30:
        return
    _visit(d, scan, part)
    for _, v in d.items():
        if isinstance(v, (pikepdf.Dictionary, pikepdf.Array)) and not v.is_indirect:
            if isinstance(v, pikepdf.Array):
                for item in v:
                    if isinstance(item, pikepdf.Dictionary) and not item.is_indirect:
                        _walk(item, scan, part, depth + 1)
            else:
                _walk(v, scan, part, depth + 1)


def _name(d: pikepdf.Object, key: str) -> str | None:
    v = d.get(key)
    return str(v) if isinstance(v, pikepdf.Name) else None


def _visit(d: pikepdf.Object, scan: ObjectScan, part: int | None) -> None:
    p = scan.problems
    s, typ, sub = _name(d, "/S"), _name(d, "/Type"), _name(d, "/Subtype")
    if s in FORBIDDEN_ACTIONS and typ in (None, "/Action"):
        p.append(f"6.5.1: forbidden {s[1:]} action")
    if s == "/Named" and _name(d, "/N") not in ALLOWED_NAMED:
        p.append(f"6.5.1: Named action {_name(d, '/N')} is not NextPage/PrevPage/FirstPage/LastPage")
    if isinstance(d, pikepdf.Stream):
        if any(k in d for k in ("/F", "/FFilter", "/FDecodeParms")) and typ != "/Filespec":
            p.append("6.1.7.1: stream dictionary has F, FFilter or FDecodeParms")
        filters = d.get("/Filter")
        names = [str(filters)] if isinstance(filters, pikepdf.Name) else [str(f) for f in filters or []]
        if "/LZWDecode" in names:
            p.append("6.1.7.2: LZWDecode filter is used")
    if sub == "/Image":
        if bool(d.get("/Interpolate", False)):
            p.append("6.2.8: image has Interpolate true")
        if "/Alternates" in d or "/OPI" in d:
            p.append("6.2.8: image has Alternates or OPI")
        if not bool(d.get("/ImageMask", False)):
            _colour_space(d.get("/ColorSpace"), scan)
        if part == 1 and "/SMask" in d:
            p.append("19005-1 6.4: image has a soft mask (transparency)")
    if typ == "/Annot" or ("/Rect" in d and sub and "/P" in d):
        _annotation(d, sub, scan, part)
    if typ == "/Page" and "/AA" in d:
        p.append("6.5.2: page has an AA (additional actions) entry")
    if "/EF" in d:
        _filespec(d, scan, part)
    if part == 1:
        if typ == "/Group" or (s == "/Transparency" and "/CS" in d):
            if s == "/Transparency":
                p.append("19005-1 6.4: transparency group")
        if typ == "/ExtGState" or any(k in d for k in ("/CA", "/ca", "/BM")):
            smask = d.get("/SMask")
            if smask is not None and smask != pikepdf.Name.None_:
                p.append("19005-1 6.4: ExtGState SMask other than None")
            for k in ("/CA", "/ca"):
                if k in d and float(d[k]) != 1.0:
                    p.append(f"19005-1 6.4: ExtGState {k[1:]} is not 1.0")
            if _name(d, "/BM") not in (None, "/Normal", "/Compatible"):
                p.append("19005-1 6.4: blend mode other than Normal/Compatible")


def _annotation(d: pikepdf.Object, sub: str | None, scan: ObjectScan, part: int | None) -> None:
    p = scan.problems
    if sub in FORBIDDEN_ANNOTS or (part == 1 and sub == "/FileAttachment"):
        p.append(f"6.3.1: annotation type {sub[1:]} is not permitted")
    if sub == "/Popup":
        return
    flags = int(d.get("/F", 0))
    if not flags & 4 or flags & (1 | 2 | 32 | 256):
        p.append(f"6.3.2: {(sub or '/Annot')[1:]} annotation flags: Print not set or Hidden/Invisible/NoView set")
    if sub == "/Widget" and ("/A" in d or "/AA" in d):
        p.append("6.4.1: widget annotation has A or AA")


def _filespec(d: pikepdf.Object, scan: ObjectScan, part: int | None) -> None:
    p = scan.problems
    if part == 1:
        p.append("19005-1 6.1.11: embedded file (not allowed in PDF/A-1)")
        return
    ef = d.get("/EF")
    stream = ef.get("/F") if isinstance(ef, pikepdf.Dictionary) else None
    mime = _name(stream, "/Subtype") if isinstance(stream, pikepdf.Stream) else None
    if part == 2 and mime != "/application/pdf":
        p.append("6.8: embedded file is not a PDF (PDF/A-2 allows only PDF/A files)")
    if part == 3:
        if "/AFRelationship" not in d or "/F" not in d or "/UF" not in d:
            p.append("6.8: embedded file specification lacks AFRelationship, F or UF")
        params = stream.get("/Params") if isinstance(stream, pikepdf.Stream) else None
        if not mime or not isinstance(params, pikepdf.Dictionary) or "/ModDate" not in params:
            p.append("6.8: embedded file stream lacks Subtype (MIME type) or Params ModDate")


def _colour_space(cs: pikepdf.Object | None, scan: ObjectScan, defaults: frozenset[str] = frozenset()) -> None:
    if isinstance(cs, pikepdf.Array) and len(cs) > 1 and cs[0] == pikepdf.Name.Indexed:
        cs = cs[1]
    if isinstance(cs, pikepdf.Name) and str(cs) in _DEVICE:
        space = _DEVICE[str(cs)]
        if _DEFAULT_CS[space] not in defaults:
            scan.device_spaces.add(space)


def _content(holder: pikepdf.Object, res: pikepdf.Object, scan: ObjectScan,
             rendered: dict, seen: set) -> None:
    """Parse one content stream: colour operators, fonts shown in a visible render mode, forms."""
    if holder.is_indirect:
        if holder.objgen in seen:
            return
        seen.add(holder.objgen)
    if not isinstance(res, pikepdf.Dictionary):
        res = pikepdf.Dictionary()
    cs_res = res.get("/ColorSpace")
    defaults = frozenset(str(k) for k in cs_res.keys()) if isinstance(cs_res, pikepdf.Dictionary) else frozenset()
    fonts = res.get("/Font", pikepdf.Dictionary())
    xobjects = res.get("/XObject", pikepdf.Dictionary())
    try:
        ops = pikepdf.parse_content_stream(holder)
    except (pikepdf.PdfError, ValueError, TypeError) as e:
        scan.problems.append(f"6.2.2: content stream cannot be parsed ({str(e)[:80]})")
        return
    mode, stack, font = 0, [], None
    for ins in ops:
        operands, op = ins.operands, str(ins.operator)
        if op == "q":
            stack.append(mode)
        elif op == "Q" and stack:
            mode = stack.pop()
        elif op == "Tr" and operands:
            mode = int(operands[0])
        elif op == "Tf" and operands:
            font = fonts.get(str(operands[0])) if isinstance(fonts, pikepdf.Dictionary) else None
        elif op in _SHOW_OPS and mode != 3 and isinstance(font, pikepdf.Dictionary):
            rendered[font.objgen if font.is_indirect else (id(font), 0)] = font
        elif op in _COLOUR_OPS:
            if _DEFAULT_CS[_COLOUR_OPS[op]] not in defaults:
                scan.device_spaces.add(_COLOUR_OPS[op])
        elif op in ("cs", "CS") and operands:
            _colour_space(operands[0], scan, defaults)
        elif op == "INLINE IMAGE" and operands:
            img = operands[0]
            idict = getattr(img, "obj", None)
            if isinstance(idict, pikepdf.Dictionary):
                if bool(idict.get("/I", idict.get("/Interpolate", False))):
                    scan.problems.append("6.2.8: inline image has Interpolate true")
                _colour_space(idict.get("/CS", idict.get("/ColorSpace")), scan, defaults)
        elif op == "Do" and operands and isinstance(xobjects, pikepdf.Dictionary):
            xo = xobjects.get(str(operands[0]))
            if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == pikepdf.Name.Form:
                _content(xo, xo.get("/Resources", res), scan, rendered, seen)


def _check_font(font: pikepdf.Object, scan: ObjectScan) -> None:
    if not isinstance(font, pikepdf.Dictionary):
        scan.problems.append("6.2.11: a font resource that is not a dictionary")
        return
    sub = _name(font, "/Subtype")
    if sub == "/Type3":
        return
    target = font
    if sub == "/Type0":
        desc = font.get("/DescendantFonts")
        descendant = desc[0] if isinstance(desc, pikepdf.Array) and len(desc) else None
        if not isinstance(descendant, pikepdf.Dictionary):
            scan.problems.append("6.2.11.4.1: Type0 font without a descendant font")
            return
        target = descendant
    name = str(target.get("/BaseFont", "?"))
    fd = target.get("/FontDescriptor")
    if not isinstance(fd, pikepdf.Dictionary) or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        scan.problems.append(f"6.2.11.4.1: font {name.lstrip('/')} is not embedded")
        return
    if _name(target, "/Subtype") in ("/Type1", "/MMType1") and _SUBSET.match(name) and "/CharSet" in fd:
        glyphs = _type1_glyphs(fd)
        listed = set(re.findall(r"/([^/\s]+)", str(fd.CharSet)))
        if glyphs is not None and not (glyphs - {".notdef"}) <= listed:
            scan.problems.append(f"6.2.11.4.2: CharSet of font {name.lstrip('/')} does not list all its glyphs")


def _type1_glyphs(fd: pikepdf.Dictionary) -> set[str] | None:
    """Glyph names in an embedded Type 1 (eexec) or CFF program; None when it cannot be read."""
    try:
        if "/FontFile" in fd:
            ff = fd.FontFile
            data = ff.read_bytes()
            clear = int(ff.get("/Length1", 0))
            return _eexec_glyphs(data[clear:]) if clear else None
        if "/FontFile3" in fd:
            from fontTools.cffLib import CFFFontSet  # lazy: 0.1 s to import, needed for CFF fonts only
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(fd.FontFile3.read_bytes()), None)
            return set(cff[cff.fontNames[0]].charset)
    except Exception:  # a damaged font program is reported by other checks, not here
        return None
    return None


def _eexec_glyphs(enc: bytes) -> set[str] | None:
    if re.fullmatch(rb"[0-9A-Fa-f\s]{8,}", enc[:64]):
        enc = bytes.fromhex(re.sub(rb"[^0-9A-Fa-f]", b"", enc).decode()[: len(enc) // 2 * 2])
    r, out = 55665, bytearray()
    for c in enc:
        out.append(c ^ (r >> 8))
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    plain = bytes(out[4:])
    start = plain.find(b"/CharStrings")
    if start < 0:
        return None
    pos = plain.find(b"begin", start)
    if pos < 0:
        return None
    pos += 5
    glyphs: set[str] = set()
    while True:  # entries: /name <len> RD <len binary bytes> ND
        m = _CHARSTRING.match(plain, pos)
        if not m:
            break
        glyphs.add(m.group(1).decode("latin-1"))
        tail = _CHARSTRING_END.match(plain, m.end() + int(m.group(2)))
        if not tail:
            break
        pos = tail.end()
    return glyphs or None
