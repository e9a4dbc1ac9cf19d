"""How inputs become dossiers and documents, and what a page keeps from its file."""
from __future__ import annotations

from digitize.intake.folders import expand_inputs
from digitize.settings import Limits
from digitize.stages import ingest
from support import CORPUS, SAMPLES, render_text_page


def test_file_folder_and_archive_of_folders():
    demo = SAMPLES / "demo"
    dossiers = sorted(p for p in demo.iterdir() if p.is_dir())
    archive = expand_inputs([str(demo)])
    assert sorted({d.dossier for d in archive}) == [p.name for p in dossiers]
    one = expand_inputs([str(dossiers[0])])
    assert {d.dossier for d in one} == {dossiers[0].name}
    assert [d.ordinal for d in one] == list(range(1, len(one) + 1))
    assert [d.path for d in one] == sorted(d.path for d in one)  # name order
    single = expand_inputs([one[0].path])
    assert len(single) == 1 and single[0].dossier == one[0].path.rsplit("/", 1)[1].rsplit(".", 1)[0]


def test_jpeg_page_keeps_its_bytes_and_resolution(tmp_path):
    path = render_text_page(tmp_path / "a.jpg", dpi=300)
    refs = ingest.list_pages(str(path), Limits())
    page = ingest.load_page(refs[0], Limits())
    assert page.encoded == path.read_bytes() and page.dpi == 300
    assert page.image.shape[2] == 3


def test_multipage_tiff_is_one_document_of_pages(tmp_path):
    from PIL import Image

    a = render_text_page(tmp_path / "a.png", fmt="PNG")
    b = render_text_page(tmp_path / "b.png", fmt="PNG")
    tif = tmp_path / "hoso.tif"
    Image.open(a).save(tif, save_all=True, append_images=[Image.open(b)], dpi=(200, 200))
    refs = ingest.list_pages(str(tif), Limits())
    assert [(r.page, r.page_count) for r in refs] == [(1, 2), (2, 2)]
    assert str(refs[1]).endswith("hoso.tif:2")
    page = ingest.load_page(refs[1], Limits())
    assert page.encoded is None and page.dpi == 200


def test_g4_page_of_a_signed_pdf_is_its_scan_pixel_for_pixel_with_the_stamp_over_it():
    """The portal's signed PDF draws one CCITT G4 image per page (the corpus keeps each as a TIFF) and the
    portal's signature stamp as a widget at the top of page 1: the page is those pixels, not a resampling."""
    import numpy as np

    from digitize.model import PageRef

    folder = CORPUS / "real-scans" / "nd199-2026"
    for number in (1, 2, 3):
        from_pdf = ingest.load_page(PageRef(str(folder / "199-ndcp.signed.pdf"), number, 3), Limits())
        scan = ingest.load_page(PageRef(str(folder / f"nd199_2026_p{number}.tif")), Limits())
        assert from_pdf.image.shape == scan.image.shape and abs(from_pdf.dpi - 200) < 0.5
        differs = np.argwhere((from_pdf.image != scan.image).any(axis=2))
        if number == 1:  # the stamp: a band across the top, in colour
            assert len(differs) and differs[:, 0].max() < 0.05 * scan.image.shape[0]
            top = from_pdf.image[: int(differs[:, 0].max()) + 1].astype(int)
            assert (top.max(axis=2) - top.min(axis=2) > 80).sum() > 1000
        else:
            assert len(differs) == 0
