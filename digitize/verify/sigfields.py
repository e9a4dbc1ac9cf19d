"""Every signature a PDF holds, including the ones pyHanko passes over: a legacy or unknown SubFilter
(adbe.pkcs7.sha1, adbe.x509.rsa_sha1), signature data (CMS) that does not parse, and signature dictionaries no
form field points to any more (a file rewritten after signing, whose byte range no longer covers it). Those come
back as `Unverifiable` items, each with its finding; the others as pyHanko's EmbeddedPdfSignature."""
from __future__ import annotations

from dataclasses import dataclass

from digitize.verify.findings import Finding, problem

SUPPORTED = {"/adbe.pkcs7.detached", "/ETSI.CAdES.detached", "/ETSI.RFC3161"}
LEGACY = {"/adbe.pkcs7.sha1", "/adbe.x509.rsa_sha1"}


@dataclass(frozen=True)
class Unverifiable:
    field: str
    kind: str  # signature | document_timestamp
    subfilter: str | None
    finding: Finding
    signer: str | None = None  # from the signature data, when it parses
    signing_time: str | None = None


def collect(reader, data: bytes) -> tuple[list, list[Unverifiable]]:
    """(pyHanko signatures in signing order, signatures that cannot be validated)."""
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    embedded, broken, seen = [], [], set()
    for fq_name, sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        sig = sig_obj.get_object()
        seen.add(_byte_range(sig))
        kind = "document_timestamp" if str(sig.get("/Type", "")) == "/DocTimeStamp" else "signature"
        subfilter = str(sig.get("/SubFilter")) if sig.get("/SubFilter") is not None else None
        if subfilter not in SUPPORTED:
            code = "finding.subfilter_legacy" if subfilter in LEGACY else "finding.subfilter_unknown"
            broken.append(Unverifiable(fq_name, kind, subfilter, problem("FORMAT_FAILURE", code, subfilter=str(subfilter)),
                                       *_cms_facts(sig)))
            continue
        try:
            emb = EmbeddedPdfSignature(reader, sig_field, fq_name)
            _ = emb.signer_cert, emb.signed_revision  # parse now: bad data is this row's problem, not the file's
        except Exception as e:  # noqa: BLE001 — kept as this row's finding
            broken.append(Unverifiable(fq_name, kind, subfilter,
                                       problem("FORMAT_FAILURE", "finding.cms_unparsable", error=type(e).__name__)))
            continue
        embedded.append(emb)
    broken.extend(_orphans(data, seen))
    embedded.sort(key=lambda e: e.signed_revision)
    return embedded, broken


def _byte_range(sig) -> tuple[int, ...] | None:
    try:
        return tuple(int(x) for x in sig.get("/ByteRange"))
    except Exception:
        return None


def _orphans(data: bytes, seen: set) -> list[Unverifiable]:
    """Signature dictionaries that no form field points to: after a rewrite (e.g. an optimiser) the dictionary
    survives but neither the field nor the signed bytes do."""
    import io

    import pikepdf

    out: list[Unverifiable] = []
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except Exception:  # pyHanko read it; pikepdf's opinion adds nothing here
        return out
    with pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or "/ByteRange" not in obj or "/Contents" not in obj:
                continue
            try:
                byte_range = tuple(int(x) for x in obj.ByteRange)
            except Exception:
                byte_range = None
            if byte_range in seen:
                continue
            covered = byte_range is not None and len(byte_range) == 4 and byte_range[2] + byte_range[3] == len(data)
            code = "finding.orphan_range" if covered is False and byte_range else "finding.orphan_unattached"
            finding = problem("HASH_FAILURE", code, byte_range=str(list(byte_range or [])), size=len(data))
            signer, when = _cms_facts(obj, pikepdf_obj=True)
            kind = "document_timestamp" if str(obj.get("/Type", "")) == "/DocTimeStamp" else "signature"
            out.append(Unverifiable(f"(unattached object {obj.objgen[0]})", kind,
                                    str(obj.get("/SubFilter")) if "/SubFilter" in obj else None, finding,
                                    signer, when))
    return out


def _cms_facts(sig, pikepdf_obj: bool = False) -> tuple[str | None, str | None]:
    """Signer name and claimed time, read from the signature data without validating anything."""
    from pyhanko.pdf_utils.generic import parse_pdf_date  # pyHanko is imported when verify runs, not at start-up

    try:
        from asn1crypto import cms

        if pikepdf_obj:
            raw = bytes(sig.Contents)
        else:
            contents = sig.get("/Contents")
            raw = bytes(getattr(contents, "original_bytes", None) or bytes(contents))
        info = cms.ContentInfo.load(raw, strict=False)  # the /Contents field is zero-padded
        sd = info["content"]
        serial = sd["signer_infos"][0]["sid"].chosen["serial_number"].native
        cert = next(c.chosen for c in sd["certificates"] if c.chosen.serial_number == serial)
        signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
    except Exception:
        signer = None
    try:  # ISO 8601 like every other row; the raw /M text when it does not parse as a PDF date
        when = str(sig.get("/M")) if sig.get("/M") is not None else None
        when = parse_pdf_date(when, strict=False).isoformat() if when else None
    except Exception:
        when = str(sig.get("/M")) if sig.get("/M") is not None else None
    return signer, when
