"""PDF bytes + Signer -> signed PDF bytes (PAdES via pyHanko), as an incremental update.

The update adds only what PDF/A-2b allows: a signature field whose widget has the print flag, and (with a stamp)
an appearance stream that draws text in an embedded, subset TrueType font with a ToUnicode map. The stamp is the
one Decree 30/2020 Appendix I asks of a certified electronic copy: top right of page 1, text only, copy form,
organisation name and signing time in ISO 8601 with +07:00, Times-compatible serif 10 pt, black.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter

from digitize.errors import DigitizeError, MissingDependency, SigningError, UsageError
from digitize.settings import DEFAULT_ORGANISATION
from digitize.model import SignatureSummary

logging.getLogger("fontTools").setLevel(logging.ERROR)  # subsetting chatter is not the user's business
VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
STAMP_FONTS = (  # Times-compatible with full Vietnamese (Debian fonts-liberation2; version 1 lacks it)
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
)
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
FIELD_NAME = "DigitizeSignature"
STAMP_W, STAMP_H, MARGIN = 230, 40, 18  # points; three 10 pt lines with their leading
TOP_MARGIN = 10  # the stamp sits in the page's top margin, above the national header


@dataclass(frozen=True)
class SignOptions:
    level: str = "B-B"  # B-B | B-T | B-LT | B-LTA; a TSA URL lifts B-B to B-T, --ltv lifts B-T to B-LTA
    tsa_url: str | None = None
    ltv: bool = False
    stamp: bool = True
    organisation: str = DEFAULT_ORGANISATION
    copy_form: str = "SAO Y"
    trust_roots: tuple = ()  # asn1crypto certificates, for building the chain embedded in B-LT/B-LTA
    font: str | None = None  # TTF/OTF for the stamp; default Liberation Serif (Times-compatible)
    signing_time: dt.datetime | None = None  # default: now

    def effective_level(self) -> str:
        if self.level not in LEVELS:
            raise UsageError("--level", f"unknown PAdES level {self.level!r} (one of {', '.join(LEVELS)})")
        level = self.level
        if self.tsa_url and level == "B-B":
            level = "B-T"
        if self.ltv and level in ("B-B", "B-T"):
            level = "B-LTA"
        if level != "B-B" and not self.tsa_url:
            raise UsageError("--tsa", f"PAdES {level} needs a timestamp authority (--tsa URL)")
        return level


class _TimedPdfSigner(signers.PdfSigner):
    """PdfSigner whose signing time is fixed up front, so that the stamp shows exactly the time in the CMS."""

    def __init__(self, *args, system_time: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._system_time = system_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._system_time
        return session


def stamp_text(options: SignOptions, when: dt.datetime) -> str:
    return f"{options.copy_form}\n{options.organisation}\n{iso_vn(when)}"


def iso_vn(when: dt.datetime) -> str:
    return when.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _stamp_box(writer: IncrementalPdfFileWriter) -> tuple[int, int, int, int]:
    page = writer.root["/Pages"]
    while "/Kids" in page:  # first leaf page, following inherited boxes down the tree
        page = page["/Kids"][0].get_object()
    node, box = page, None
    while box is None and node is not None:
        box = node.get("/CropBox") or node.get("/MediaBox")
        node = node.get("/Parent").get_object() if "/Parent" in node else None
    x0, y0, x1, y1 = (float(v) for v in (box or (0, 0, 595, 842)))
    right, top = int(x1) - MARGIN, int(y1) - TOP_MARGIN
    return right - STAMP_W, top - STAMP_H, right, top


def _font_1000(font: Path) -> Path:
    """The font rescaled to 1000 units per em. pyHanko writes glyph widths in font units, which a PDF
    reader takes as thousandths of an em: Liberation's 2048 units would double every advance."""
    import hashlib
    import tempfile

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    tt = TTFont(str(font))
    if tt["head"].unitsPerEm == 1000:
        return font
    key = hashlib.sha256(font.read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "digitize-fonts" / f"{font.stem}-{key}-1000.ttf"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        scale_upem(tt, 1000)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tt.save(str(tmp))
        os.replace(tmp, target)  # atomic: parallel signers never read a half-written font
    return target


def _stamp_style(options: SignOptions):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = Path(options.font) if options.font else next((f for f in STAMP_FONTS if f.is_file()), STAMP_FONTS[0])
    if not font.is_file():
        raise MissingDependency(str(font), "stamp font not found (Debian package fonts-liberation2)")
    return TextStampStyle(
        stamp_text="%(stamp)s",
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(_font_1000(font)), font_size=10), font_size=10, leading=12,
            text_color=(0, 0, 0),
            box_layout_rule=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MAX,
                                                margins=Margins(2, 2, 2, 2)),
        ),
        border_width=0,
        background=None,
    )


def sign_pdf(pdf: bytes, signer: signers.Signer, options: SignOptions = SignOptions()) -> tuple[bytes, SignatureSummary]:
    """Sign `pdf` as an incremental update; return the signed bytes and the summary for the store record."""
    level = options.effective_level()
    when = (options.signing_time or dt.datetime.now(dt.timezone.utc)).astimezone(VN_TZ).replace(microsecond=0)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as e:
        raise SigningError("pdf", f"cannot open the PDF for signing ({type(e).__name__})") from None
    if writer.prev.encrypted:
        raise SigningError("pdf", "encrypted PDFs are not signed (PDF/A forbids encryption)")

    existing = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
    field_name = FIELD_NAME if FIELD_NAME not in existing else f"{FIELD_NAME}{len(existing) + 1}"
    field_spec = fields.SigFieldSpec(field_name, on_page=0, box=_stamp_box(writer)) if options.stamp else None
    vc = None
    if level in ("B-LT", "B-LTA"):
        from pyhanko_certvalidator import ValidationContext

        roots = list(options.trust_roots) or [c for c in signer.cert_registry if c.self_signed]
        vc = ValidationContext(trust_roots=roots, allow_fetching=True, other_certs=list(signer.cert_registry))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=options.copy_form,
        location=options.organisation,
        embed_validation_info=vc is not None,
        use_pades_lta=level == "B-LTA",
        validation_context=vc,
    )
    timestamper = None
    if options.tsa_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(options.tsa_url, timeout=20)
    pdf_signer = _TimedPdfSigner(
        meta, signer, timestamper=timestamper, new_field_spec=field_spec,
        stamp_style=_stamp_style(options) if options.stamp else None, system_time=when,
    )
    out = io.BytesIO()
    try:
        with _metadata_untouched():
            asyncio.run(pdf_signer.async_sign_pdf(writer, output=out,
                                                  appearance_text_params={"stamp": stamp_text(options, when)}))
    except DigitizeError:
        raise
    except Exception as e:  # network, token, chain: name the class only, library text may quote paths or data
        raise SigningError("sign", f"signing failed at level {level}: {type(e).__name__}: {_short(e)}") from None
    cert = signer.signing_cert
    summary = SignatureSummary(
        signer=signer_name(cert),
        level=level,
        signing_time=iso_vn(when),
        cert_sha256=cert.sha256.hex(),
    )
    return out.getvalue(), summary


@contextlib.contextmanager
def _metadata_untouched():
    """pyHanko's writers append their name to Info /Producer and rewrite the XMP on every revision they add
    (signature, DSS, document timestamp); the two then disagree, which PDF/A forbids (Preflight 7.2). The
    document's metadata is what was digitised, so the signing revisions leave Info and XMP as they are.
    Not thread-safe; the pipeline signs in worker processes."""
    from pyhanko.pdf_utils.writer import BasePdfFileWriter

    original = BasePdfFileWriter._update_meta
    BasePdfFileWriter._update_meta = lambda self: None
    try:
        yield
    finally:
        BasePdfFileWriter._update_meta = original


def signer_name(cert) -> str:
    """Common name when there is one (what people call the signer), else the whole subject."""
    name = cert.subject.native
    return name.get("common_name") or cert.subject.human_friendly


def _short(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return text[:160]
