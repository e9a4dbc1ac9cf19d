"""Seeded scanner and paper damage applied to a clean rendered page.

A spec is a dict; every key is optional:
  dpi: n              resolution of the page, for physical sizes (seal diameter, fold width); default 300
  signature_box: box  [x0, y0, x1, y1] of the signer's blank area (default: lower right of the page)
  seal: bool          red round seal over the left part of the signature area (`signature_box`)
  signature: bool     blue handwritten-like stroke in the signature area
  seal_text: str      text around the seal ring
  black_marks, stamp, portal_stamp, bilevel: what real scans show, see samples/realmarks.py
  show_through: a     mirrored back side (`back` image) shows through with strength a (0..1)
  yellow: a           yellowed paper tint strength (0..1)
  light: a            uneven illumination: brightness falls by up to a (0..1) across the page
  fold: a             shadow of a horizontal fold across the page middle, depth a (0..1)
  low_contrast: c     ink and paper pulled towards grey 180: contrast multiplied by c (0..1)
  dark: d             brightness multiplied by d (too-dark scan)
  specks: n           n small dark specks (dust)
  skew: deg           rotation by deg degrees, positive = counter-clockwise (content turned left)
  rotation: r         then turned clockwise by r in {0, 90, 180, 270}
  blur: sigma         gaussian blur, sigma in pixels
  noise: sigma        gaussian sensor noise, sigma in grey levels
  jpeg: q             JPEG re-encode at quality q (block artefacts)
The order above is the physical order: ink and paper first, then the page on the scanner glass
(skew, rotation), then optics (blur) and sensor (noise), then compression.
"""
from __future__ import annotations

import io
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from samples import realmarks
from samples.layout import font

ORDER = ("seal", "signature", "black_marks", "stamp", "portal_stamp", "show_through", "yellow", "light", "fold", "low_contrast", "dark",
         "specks", "skew", "rotation", "blur", "noise", "bilevel", "jpeg")


def applied(spec: dict) -> list[str]:
    """Names of the damage a spec really applies, in the order applied (for the ground truth)."""
    return [k for k in ORDER if spec.get(k)]


def _multiply(img: Image.Image, layer: Image.Image, box: tuple[int, int]) -> None:
    """Multiply-blend an RGBA ink layer onto img at box (ink darkens paper, never lightens)."""
    x, y = box
    region = (x, y, x + layer.width, y + layer.height)
    base = np.asarray(img.crop(region), dtype=np.float32)
    ink = np.asarray(layer, dtype=np.float32)
    a = ink[..., 3:4] / 255.0
    out = base * (1.0 - a * (1.0 - ink[..., :3] / 255.0))
    img.paste(Image.fromarray(out.clip(0, 255).astype(np.uint8)), region[:2])


def _seal(img: Image.Image, cx: int, cy: int, r: int, text: str, rng: np.random.Generator,
          red=(205, 32, 45, 225)) -> None:
    size = 2 * r + 8
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    c = size // 2
    d.ellipse([c - r, c - r, c + r, c + r], outline=red, width=max(2, r // 16))
    d.ellipse([c - int(r * 0.66), c - int(r * 0.66), c + int(r * 0.66), c + int(r * 0.66)],
              outline=red, width=max(1, r // 30))
    star = [(c + int(r * 0.25 * (1 if k % 2 == 0 else 0.4) * math.sin(k * math.pi / 5)),
             c - int(r * 0.25 * (1 if k % 2 == 0 else 0.4) * math.cos(k * math.pi / 5))) for k in range(10)]
    d.polygon(star, fill=red)
    f = font("B", max(8, r // 6))
    chars = list(text)
    span = 300.0  # degrees of the ring used by the text
    for i, ch in enumerate(chars):
        ang = -span / 2 + span * i / max(1, len(chars) - 1)
        glyph = Image.new("RGBA", (r // 3, r // 3), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((r // 6, r // 6), ch, font=f, fill=red, anchor="mm")
        glyph = glyph.rotate(-ang, resample=Image.BICUBIC)
        rad = math.radians(ang)
        gx = c + int(r * 0.83 * math.sin(rad)) - glyph.width // 2
        gy = c - int(r * 0.83 * math.cos(rad)) - glyph.height // 2
        layer.alpha_composite(glyph, (gx, gy))
    # stamps never ink evenly: modulate alpha with a smooth random field
    field = cv2.resize(rng.uniform(0.45, 1.0, (8, 8)).astype(np.float32), (size, size))
    arr = np.asarray(layer).copy()
    arr[..., 3] = (arr[..., 3] * field).astype(np.uint8)
    layer = Image.fromarray(arr).rotate(float(rng.uniform(-25, 25)), resample=Image.BICUBIC)
    _multiply(img, layer, (cx - c, cy - c))


def _signature(img: Image.Image, box, rng: np.random.Generator, dpi: float, ink=(25, 45, 165)) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    t = np.linspace(0, 1, 400)
    loops = rng.integers(3, 6)
    xs = w * (0.25 + 0.5 * t) + w * 0.06 * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
    ys = h * (0.5 + 0.28 * np.sin(2 * np.pi * (loops + 0.5) * t + rng.uniform(0, 6)) * (1 - 0.5 * t)
              + 0.08 * rng.uniform(-1, 1))
    width = max(2, int(dpi / 110))
    d.line(list(zip(xs.tolist(), ys.tolist())), fill=(*ink, 235), width=width, joint="curve")
    d.line([(w * 0.2, h * 0.78), (w * 0.8, h * 0.7)], fill=(*ink, 200), width=width)
    _multiply(img, layer, (x0, y0))


def degrade(image: Image.Image, spec: dict, seed: int, back: Image.Image | None = None) -> Image.Image:
    """Apply the damage of `spec` (see module doc) to an RGB page; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    img = image.convert("RGB")
    if spec.get("seal") or spec.get("signature") or spec.get("stamp") or spec.get("portal_stamp"):
        img = img.copy()  # ink is drawn in place
    w, h = img.size
    dpi = float(spec.get("dpi", 300))
    mm = dpi / 25.4
    box = spec.get("signature_box") or [int(w * 0.55), int(h * 0.7), int(w * 0.9), int(h * 0.78)]
    if spec.get("seal"):
        r = int(17 * mm)
        _seal(img, int(box[0] + (box[2] - box[0]) * 0.3), int((box[1] + box[3]) / 2), r,
              spec.get("seal_text", "ỦY BAN NHÂN DÂN") + " *", rng,
              *([(25, 25, 25, 235)] if spec.get("black_marks") else []))
    if spec.get("signature"):
        _signature(img, box, rng, dpi, *([(20, 20, 20)] if spec.get("black_marks") else []))
    if spec.get("stamp"):
        realmarks.incoming_stamp(img, dpi, rng, spec.get("stamp_at"))
    if spec.get("portal_stamp"):
        realmarks.portal_stamp(img, dpi, f"{int(rng.integers(10, 28))}.0{int(rng.integers(1, 9))}.2025 "
                                         f"{int(rng.integers(8, 18))}:{int(rng.integers(10, 59))}:49 +07:00")
    out = np.array(img)
    if any(spec.get(k) for k in ("show_through", "light", "fold", "yellow", "low_contrast", "dark")):
        out = _paper(out, image, spec, back, rng, mm)
    if spec.get("specks"):
        for _ in range(int(spec["specks"])):
            cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
            cv2.circle(out, (cx, cy), int(rng.integers(1, max(2, int(0.4 * mm)))), (60, 60, 60), -1)
    if spec.get("skew"):
        paper = tuple(float(v) for v in np.median(out[: max(4, h // 100)], axis=(0, 1)))
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(spec["skew"]), 1.0)  # + = counter-clockwise
        out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)
    if spec.get("rotation"):
        out = np.ascontiguousarray(np.rot90(out, k=-(int(spec["rotation"]) // 90)))  # clockwise
    if spec.get("blur"):
        out = cv2.GaussianBlur(out, (0, 0), float(spec["blur"]))
    if spec.get("noise"):
        noise = rng.standard_normal(out.shape[:2], dtype=np.float32) * float(spec["noise"])
        out = (out.astype(np.float32) + noise[..., None]).clip(0, 255).astype(np.uint8)
    if spec.get("bilevel"):
        out = realmarks.bilevel(out)
    img = Image.fromarray(out)
    if spec.get("jpeg"):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=int(spec["jpeg"]), subsampling=2, optimize=False)
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return img


def _paper(arr: np.ndarray, image: Image.Image, spec: dict, back, rng: np.random.Generator,
           mm: float) -> np.ndarray:
    """Paper and illumination effects as one per-pixel gain, then tone changes."""
    h, w = arr.shape[:2]
    a = arr.astype(np.float32)
    gain = None

    def mul(g):
        nonlocal gain
        gain = g if gain is None else gain * g

    if spec.get("show_through"):
        src = ImageOps.mirror(back if back is not None else image).convert("L").resize((w, h))
        ghost = cv2.GaussianBlur(np.asarray(src, np.float32), (0, 0), 1.2 * mm / 4)
        mul(1.0 - float(spec["show_through"]) * (1.0 - ghost / 255.0))
    if spec.get("light"):  # smooth low-frequency illumination field
        lo = rng.uniform(0, 1, (4, 3)).astype(np.float32)
        mul(1.0 - float(spec["light"]) * cv2.resize(lo, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1))
    if spec.get("fold"):
        y = np.arange(h, dtype=np.float32)
        mid = h * rng.uniform(0.45, 0.55)
        fold = 1.0 - float(spec["fold"]) * np.exp(-((y - mid) / (2.5 * mm)) ** 2)
        mul(np.repeat(fold[:, None], w, axis=1))
    if gain is not None:
        a *= gain[..., None]
    if spec.get("yellow"):
        k = float(spec["yellow"])
        a *= np.array([1.0 - 0.02 * k, 1.0 - 0.07 * k, 1.0 - 0.24 * k], np.float32)
    if spec.get("low_contrast"):
        a = 180.0 + (a - 180.0) * float(spec["low_contrast"])
    if spec.get("dark"):
        a *= float(spec["dark"])
    return a.clip(0, 255).astype(np.uint8)
