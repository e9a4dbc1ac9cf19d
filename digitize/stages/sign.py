"""PDF bytes + Signer -> signed PDF bytes (PAdES via pyHanko), as an incremental update.

The update adds only what PDF/A-2b allows: a signature field whose widget has the print flag, and (with a stamp,
drawn by `digitize.signing.stamp`) an appearance stream that draws text in an embedded, subset TrueType font with a
ToUnicode map.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
from dataclasses import dataclass

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from digitize.errors import DigitizeError, SigningError, UsageError
from digitize.model import SignatureSummary
from digitize.settings import DEFAULT_ORGANISATION
from digitize.signing import stamp as stamping

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
FIELD_NAME = "DigitizeSignature"


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


def sign_pdf(pdf: bytes, signer: signers.Signer, options: SignOptions = SignOptions()) -> tuple[bytes, SignatureSummary]:
    """Sign `pdf` as an incremental update; return the signed bytes and the summary for the store record."""
    level = options.effective_level()
    when = (options.signing_time or dt.datetime.now(dt.timezone.utc)).astimezone(stamping.VN_TZ).replace(microsecond=0)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as e:
        raise SigningError("pdf", f"cannot open the PDF for signing ({type(e).__name__})") from None
    if writer.prev.encrypted:
        raise SigningError("pdf", "encrypted PDFs are not signed (PDF/A forbids encryption)")

    existing = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
    field_name = FIELD_NAME if FIELD_NAME not in existing else f"{FIELD_NAME}{len(existing) + 1}"
    field_spec = fields.SigFieldSpec(field_name, on_page=0, box=stamping.stamp_box(writer)) if options.stamp else None
    vc = None
    if level in ("B-LT", "B-LTA"):
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
        timestamper = HTTPTimeStamper(options.tsa_url, timeout=20)
    pdf_signer = _TimedPdfSigner(
        meta, signer, timestamper=timestamper, new_field_spec=field_spec,
        stamp_style=stamping.stamp_style(options.font) if options.stamp else None, system_time=when,
    )
    out = io.BytesIO()
    try:
        with _metadata_untouched():
            asyncio.run(pdf_signer.async_sign_pdf(writer, output=out,
                                                  appearance_text_params={"stamp": stamping.stamp_text(options.copy_form, options.organisation, when)}))
    except DigitizeError:
        raise
    except Exception as e:  # network, token, chain: name the class only, library text may quote paths or data
        raise SigningError("sign", f"signing failed at level {level}: {type(e).__name__}: {_short(e)}") from None
    cert = signer.signing_cert
    if cert is None:  # open_signer loads it up front; a signer without one cannot have signed
        raise SigningError("sign", "the signer has no certificate")
    summary = SignatureSummary(
        signer=signer_name(cert),
        level=level,
        signing_time=stamping.iso_vn(when),
        cert_sha256=cert.sha256.hex(),
    )
    return out.getvalue(), summary


@contextlib.contextmanager
def _metadata_untouched():
    """pyHanko's writers append their name to Info /Producer and rewrite the XMP on every revision they add
    (signature, DSS, document timestamp); the two then disagree, which PDF/A forbids (Preflight 7.2). The
    document's metadata is what was digitised, so the signing revisions leave Info and XMP as they are.
    Not thread-safe; the coordinator signs one document at a time."""
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
