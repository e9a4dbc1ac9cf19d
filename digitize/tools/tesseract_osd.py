"""The one wrapper around tesseract's orientation and script detection (OSD, `--psm 0`).

Used by the geometry stage only for pages whose line shapes leave up-versus-down unclear;
OCR itself goes through digitize.tools.tesseract. OSD fails on pages with too few characters,
which is an answer ("don't know"), not an error: we return None.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
from PIL import Image

from digitize.tools.run import one_thread

TIMEOUT_S = 20


@dataclass(frozen=True)
class Osd:
    rotate: int  # clockwise turn that makes the image upright: 0, 90, 180, 270
    confidence: float  # tesseract's orientation confidence (about 0..40; < 1 is a guess)
    script: str


def available() -> bool:
    return shutil.which("tesseract") is not None


def orientation(image: np.ndarray, dpi: int = 300) -> Osd | None:
    """OSD on a grey or BGR image; None when tesseract cannot tell (too little text) or is missing."""
    if not available():
        return None
    import pytesseract

    one_thread()  # the CLI inherits it: pages run in parallel processes instead
    pil = Image.fromarray(image if image.ndim == 2 else image[:, :, ::-1])
    try:
        text = pytesseract.image_to_osd(pil, config=f"--psm 0 --dpi {dpi}", timeout=TIMEOUT_S)
    except (pytesseract.TesseractError, RuntimeError, subprocess.SubprocessError):
        return None
    return parse(text)


def parse(text: str) -> Osd | None:
    """Parse `tesseract --psm 0` output ("Rotate: 180", "Orientation confidence: 12.3", ...)."""
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    script = re.search(r"Script:\s*(\S+)", text)
    if not rotate or not conf:
        return None
    return Osd(int(rotate.group(1)) % 360, float(conf.group(1)), script.group(1) if script else "")
