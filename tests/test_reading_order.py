"""Reading order of a rendered page whose blocks begin at different heights: a line under the header's left
column that is not part of the header, and a signer block whose title stands above the left-hand line beside it.
The order is the ground truth's (left block, then right block; the header as its two-row table)."""
from __future__ import annotations

import datetime as dt
import random

import cv2
import numpy as np
import pytest

from digitize.model import Page, PageRef
from digitize.stages.ocr import page as ocr
from digitize.vn.metrics import normalise
from samples.docbase import Doc, header, signer, title
from samples.layout import Gap, Line, Para, render

ORDER = ["ỦY BAN NHÂN DÂN", "Hạnh phúc", "Số: 366", "Hưng Đạo, ngày 23 tháng 9 năm 2021", "Quyển số: 02/2021",
         "GIẤY KHAI SINH", "Nơi đăng ký", "Số vào sổ cấp GCN: CS 52013", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
         "Nguyễn Hồng Nhung"]


@pytest.fixture(scope="module")
def rendered():
    doc = Doc(random.Random(7))
    header(doc, ["ỦY BAN NHÂN DÂN", "PHƯỜNG HƯNG ĐẠO"], "PHƯỜNG HƯNG ĐẠO", "366", "Hưng Đạo", dt.date(2021, 9, 23))
    doc.blocks.append(Line("Quyển số: 02/2021", "R", 12, "left"))  # at the margin, under the header's number
    title(doc, "GIẤY KHAI SINH")
    doc.blocks.append(Para("Nơi đăng ký khai sinh: Ủy ban nhân dân phường Hưng Đạo, thành phố Hải Phòng"))
    # the left-hand line begins below the signer's title: no row holds both blocks' first lines
    signer(doc, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Hồng Nhung",
           [Gap(30), Line("Số vào sổ cấp GCN: CS 52013", "R", 12)])
    out = render(doc.blocks, 200)
    image = cv2.cvtColor(np.asarray(out.image), cv2.COLOR_RGB2BGR)
    return out.lines, normalise(ocr.recognise(Page(PageRef("rendered"), image, 200.0)).text)


def test_page_really_has_blocks_at_different_heights(rendered):
    lines, _ = rendered
    box = {ln["text"]: ln["box"] for ln in lines}
    left, title_box = box["Số vào sổ cấp GCN: CS 52013"], box["KT. GIÁM ĐỐC"]
    assert left[1] > box["PHÓ GIÁM ĐỐC"][3] and left[2] < title_box[0]  # lower than the title, and to its left
    assert box["Quyển số: 02/2021"][0] < box["Số: 366"][0]  # at the margin, left of the header's column
    assert [ln["text"] for ln in lines].index("Quyển số: 02/2021") > [ln["text"] for ln in lines].index(
        "Hưng Đạo, ngày 23 tháng 9 năm 2021")  # the truth reads it after the header


def test_blocks_read_in_the_truths_order(rendered):
    _, text = rendered
    found = [text.find(part) for part in ORDER]
    assert -1 not in found, [p for p, at in zip(ORDER, found) if at < 0]
    assert found == sorted(found), [p for p, _ in sorted(zip(ORDER, found), key=lambda x: x[1])]
