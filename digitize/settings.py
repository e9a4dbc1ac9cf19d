"""Processing settings shared by `run`, `batch` and `watch`. Limits keep hostile input
(decompression bombs, huge files) from being processed at all."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field

PIPELINE_VERSION = "0.1.0"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 * 1024 * 1024
    max_pixels_per_page: int = 120_000_000  # ~A0 at 300 dpi; anything larger is refused
    max_pages_per_file: int = 2000
    min_side_px: int = 64  # a 1x1 "image" is not a scan


@dataclass(frozen=True)
class Settings:
    pdfa: str = "2b"  # 1b | 2b | 3b
    profile: str = "auto"
    profiles_dir: str | None = None
    sign: bool = False
    ocr_lang: str = "vie"
    redo_ocr: bool = False
    jpeg_quality: int = 85  # only for pages we had to re-encode (rotated/deskewed or non-JPEG)
    assumed_dpi: float = 200.0  # when a file states no resolution
    min_dpi: float = 200.0
    deskew: bool = True
    orient: bool = True
    post_correct: bool = False
    limits: Limits = field(default_factory=Limits)
    signing: dict = field(default_factory=dict)  # signer spec, stamp, tsa... (no secrets)

    def key(self) -> str:
        """Hash of everything that changes the output document: same input + same key = no-op."""
        data = asdict(self)
        data.pop("limits", None)
        data["version"] = PIPELINE_VERSION
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def trust_dir() -> str | None:
    """An operator's own trust bundle for `verify` (replaces the built-in Vietnamese trust store)."""
    return os.environ.get("DIGITIZE_TRUST_DIR") or None
