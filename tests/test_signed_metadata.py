"""A signed file whose XMP is not well-formed is not `valid`: its PDF/A part fails and the verdict is the one
for PDF/A problems (indeterminate); and digitize never writes such XMP in the first place."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pikepdf
import pytest

from digitize.errors import InputError
from digitize.pdfa.xmp import DocMeta, build_xmp
from digitize.signing.signers import SignerSpec, open_signer
from digitize.stages.sign import SignOptions, sign_pdf
from digitize.verify.files import Verdict, verify_file
from support import ORG, PDFA_INPUT


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    keys = tmp_path_factory.mktemp("store") / "keys"
    return keys, open_signer(SignerSpec.parse("demo"), keys)


def _with_xmp(pdf: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xmp = bytes(doc.Root.Metadata.read_bytes()).decode("utf-8")
        doc.Root.Metadata.write(change(xmp).encode("utf-8"))
        out = io.BytesIO()
        doc.save(out, fix_metadata_version=False)  # pikepdf would parse and rewrite the packet
    return out.getvalue()


def _signed(tmp_path, keys, pdf: bytes, name: str):
    folder, signer = keys
    data, _ = sign_pdf(pdf, signer, SignOptions(organisation=ORG))
    path = tmp_path / name
    path.write_bytes(data)
    return verify_file(path, [folder / "demo-root.crt.pem"])


def test_a_signed_file_with_ill_formed_xmp_is_not_valid(tmp_path, keys):
    good = _signed(tmp_path, keys, PDFA_INPUT.read_bytes(), "good.pdf")
    assert good.verdict is Verdict.VALID, good.reasons  # the same file with its XMP intact
    broken = _with_xmp(PDFA_INPUT.read_bytes(),
                       lambda x: x.replace("veraPDF Consortium", "veraPDF\ufffe Consortium", 1))
    v = _signed(tmp_path, keys, broken, "broken.pdf")
    assert v.verdict is Verdict.INDETERMINATE, v.reasons
    assert v.signatures[0].intact and v.pdfa.claimed == "2B" and v.pdfa.ok is False
    assert any(r.startswith("PDF/A-2B: 6.6.2.1: XMP is not well-formed XML") for r in v.reasons), v.reasons


def test_ill_formed_xmp_that_no_longer_names_its_part_is_not_valid_either(tmp_path, keys):
    broken = _with_xmp(PDFA_INPUT.read_bytes(), lambda x: "<x:xmpmeta xmlns:x='adobe:ns:meta/'>\x01</x:xmpmeta>")
    v = _signed(tmp_path, keys, broken, "garbled.pdf")
    assert v.verdict is not Verdict.VALID and v.pdfa.claimed is None
    assert any("XMP is not well-formed XML" in r for r in v.reasons), v.reasons


@pytest.mark.parametrize("title", ["hồ sơ\ufffe", "tệp\x00", "a\ud800"])
def test_digitize_does_not_write_xmp_xml_cannot_hold(title):
    meta = DocMeta(title=title, creator="UBND", description="", created=datetime(2025, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(InputError) as refused:
        build_xmp(meta, 2, "B")
    assert "xmp" in str(refused.value)
    assert build_xmp(DocMeta("hồ sơ", "UBND", "", meta.created), 2, "B").startswith(b"<?xpacket")
