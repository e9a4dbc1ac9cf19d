"""Page check and sample generation speed, as ratios against a reference operation timed in the same run
(JPEG encoding of the same page; saving a blank A4 page), so the machine's speed cancels out. These were
timed tests once; speed is measured here, not asserted by the test suite."""
from __future__ import annotations

import time

import cv2
import numpy as np
from PIL import Image

from digitize.model import Page, PageRef
from digitize.settings import Settings
from digitize.stages import quality
from samples import generate as G


def _best_of(n: int, work) -> float:
    """The fastest of n runs: the least disturbed by other processes on the machine."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_stages() -> dict:
    img, _ = G.make_page("giay_tiep_nhan", 1, 300, dict(skew=3.0, noise=4, seal=True, signature=True, yellow=0.4))
    bgr = cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)
    page = Page(PageRef("bench.jpg"), bgr, 300.0)
    check = _best_of(3, lambda: quality.assess(page, Settings()))
    encode = _best_of(3, lambda: cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 85]))
    generate = _best_of(2, lambda: G.make_page("giay_tiep_nhan", 1, 300, dict(skew=3.0, noise=4, seal=True)))
    blank = _best_of(3, lambda: Image.new("RGB", (2480, 3508), (250, 248, 240)).tobytes())
    return {"page_check_ms": round(check * 1000, 1), "page_check_vs_jpeg_encode": round(check / encode, 2),
            "sample_page_s": round(generate, 2), "sample_page_vs_blank_a4": round(generate / blank, 1)}


if __name__ == "__main__":
    print(bench_stages())
