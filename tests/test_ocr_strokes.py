"""Signatures and handwriting on colour and grey pages (blue or black pen) are found as page regions and kept
out of the text layer; the printed title above and the signer's name below a signature stay. The per-class
preprocessing plan picks the steps measured for each class (README, "OCR preprocessing by page class")."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitize.model import Page, PageRef
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import preprocess
from digitize.vn.metrics import normalise
from samples.generate import make_page
from samples.realmarks import bilevel


def _page(spec: dict, seed: int, doc_type: str = "quyet_dinh", dpi: int = 200):
    img, gt = make_page(doc_type, seed, dpi, spec)
    image = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    return Page(ref=PageRef(f"{doc_type}-{seed}.png"), image=image, dpi=float(dpi), encoded=None), gt


def _inside(box, area) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def _signer_lines(gt) -> tuple[str, str]:
    """The printed line just above the signature area (the title) and just below it (the signer's name)."""
    x0, y0, x1, y1 = gt["signature_box"]
    right = [ln for ln in gt["lines"] if ln["box"][2] > x0 and ln["box"][0] < x1]
    above = max((ln for ln in right if ln["box"][3] <= y0 + 5), key=lambda ln: ln["box"][3])
    below = min((ln for ln in right if ln["box"][1] >= y1 - 5), key=lambda ln: ln["box"][1])
    return above["text"], below["text"]


SIGNED = [
    pytest.param(dict(signature=True, seal=True), "colour", id="blue-pen-red-seal"),
    pytest.param(dict(signature=True), "colour", id="blue-pen"),
    pytest.param(dict(signature=True, black_marks=True), "grey", id="black-pen"),
]


@pytest.mark.parametrize("spec,ink", SIGNED)
@pytest.mark.parametrize("seed", [31, 77])
def test_signature_text_gone_printed_text_stays(spec, ink, seed):
    page, gt = _page(spec, seed)
    assert preprocess.plan_for(page.image, page.dpi).ink == ink
    result = ocr.recognise(page)
    area = gt["signature_box"]
    signatures = [r for r in result.regions if r.kind == "signature"]
    assert signatures, "the signature is found as a page region"
    assert any(_inside(r.box, area) for r in signatures)
    printed = set(normalise(gt["text"]).split())
    # nothing is read out of the scribble: a word inside the signature area is printed text
    scribbled = [w.text for w in result.words if _inside(w.box, area) and w.text not in printed]
    assert scribbled == []
    text = normalise(result.text)
    title, name = _signer_lines(gt)
    assert title in text and name in text
    body = [ln["text"] for ln in gt["lines"] if ln["text"].startswith("Điều 1.")]
    assert body and body[0][:30] in text


def test_plan_by_page_class():
    colour, _ = _page(dict(signature=True, seal=True), 5)
    grey = replace_image(colour, cv2.cvtColor(cv2.cvtColor(colour.image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR))
    g4 = replace_image(colour, bilevel(cv2.cvtColor(grey.image, cv2.COLOR_BGR2RGB)))
    plans = {name: preprocess.plan_for(p.image, p.dpi) for name, p in
             (("colour", colour), ("grey", grey), ("bilevel", g4))}
    assert {name: p.ink for name, p in plans.items()} == {"colour": "colour", "grey": "grey", "bilevel": "bilevel"}
    # coloured ink goes to paper only where there is colour; a bilevel page is read as scanned
    assert [plans[n].colour_to_paper for n in ("colour", "grey", "bilevel")] == [True, False, False]
    assert [plans[n].flatten for n in ("colour", "grey", "bilevel")] == [True, True, False]
    assert [plans[n].erase_scribbles for n in ("colour", "grey", "bilevel")] == [True, True, False]
    assert plans["colour"].dpi == 200 and plans["colour"].page_class.startswith("colour-200dpi")


def replace_image(page: Page, image: np.ndarray) -> Page:
    return Page(ref=page.ref, image=np.ascontiguousarray(image), dpi=page.dpi, encoded=None)
