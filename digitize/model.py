"""Typed values that flow between stages. Results are frozen; levels and verdicts are enums.

Data flows one way: PageRef -> Page -> (PageQuality, Geometry) -> OcrPage -> PageResult
-> Document (with Fields) -> PDF/A bytes -> signed bytes -> Record in the store.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from digitize.messages import LEGACY, Message, from_dicts

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the straightened page image


@dataclass(frozen=True)
class PageRef:
    """Where a page comes from on paper: the source file and 1-based page number."""

    path: str
    page: int = 1
    page_count: int = 1

    def __str__(self) -> str:
        return self.path if self.page_count == 1 else f"{self.path}:{self.page}"


@dataclass(frozen=True, eq=False)
class Page:
    """A decoded page image (BGR uint8). `encoded` keeps the scanner's JPEG bytes so that
    an untouched page goes into the PDF without a lossy re-encode."""

    ref: PageRef
    image: np.ndarray
    dpi: float | None  # None when the file does not say
    encoded: bytes | None = None  # original JPEG bytes, valid only while the image is unchanged
    has_text_layer: bool = False


class Warning_(str, enum.Enum):
    LOW_DPI = "low_dpi"
    UNKNOWN_DPI = "unknown_dpi"
    BLANK = "blank"
    TOO_DARK = "too_dark"
    TOO_LIGHT = "too_light"
    LOW_CONTRAST = "low_contrast"
    CUT_OFF = "cut_off"
    SKEWED = "skewed"
    GRAYSCALE = "grayscale"
    LOW_OCR_CONFIDENCE = "low_ocr_confidence"


@dataclass(frozen=True)
class PageQuality:
    dpi: float | None
    width_px: int
    height_px: int
    brightness: float  # mean grey 0..255
    contrast: float  # grey standard deviation
    ink_ratio: float  # share of dark pixels after binarisation
    blank: bool
    cut_off: bool
    is_colour: bool
    warnings: tuple[Warning_, ...] = ()


@dataclass(frozen=True)
class Geometry:
    """What the geometry stage did: clockwise rotation applied, then deskew angle (degrees,
    positive = the scan was turned counter-clockwise and we turned it back)."""

    rotation: int = 0
    deskew: float = 0.0
    orientation_confidence: float = 0.0


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float  # 0..100
    box: Box
    line: int  # index into OcrPage.lines
    marks_from: str = ""  # the OCR's own reading, when the tone corrector chose other marks for the word


@dataclass(frozen=True)
class Region:
    """A part of a page that is not printed text (`seal`, `stamp`, `signature`, `handwriting`) or that orders
    it (`table`); `box` in pixels of the straightened page."""

    kind: str
    box: Box


@dataclass(frozen=True)
class OcrPage:
    words: tuple[Word, ...]
    lines: tuple[str, ...]
    width_px: int
    height_px: int
    regions: tuple[Region, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def mean_confidence(self) -> float:
        if not self.words:
            return 0.0
        return float(sum(w.confidence for w in self.words) / len(self.words))


@dataclass(frozen=True)
class PageResult:
    """Everything later stages need of one page; small enough to cross process boundaries."""

    ref: PageRef
    jpeg: bytes  # the straightened colour page image as it goes into the PDF
    dpi: float  # resolution of `jpeg` (declared or assumed)
    width_px: int
    height_px: int
    quality: PageQuality
    geometry: Geometry
    ocr: OcrPage

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{self.ref}: {w.value}" for w in self.quality.warnings)


@dataclass(frozen=True)
class Field:
    name: str
    value: Any
    raw: str
    confidence: float
    page: int | None = None
    box: Box | None = None
    valid: bool = True
    needs_review: bool = False
    reasons: tuple[Message, ...] = ()  # why a person should look at it: codes of digitize.messages
    label: str = ""  # the label printed for it, when it was read after one

    def __post_init__(self) -> None:
        if any(not isinstance(r, Message) for r in self.reasons):  # a plain sentence: kept, shown as written
            object.__setattr__(self, "reasons", tuple(r if isinstance(r, Message) else Message(LEGACY, {"text": str(r)})
                                                      for r in self.reasons))

    @property
    def reason(self) -> str:
        """The reasons in English, one line (CLI, logs, the JSON `reason`); pages render `reasons` instead."""
        return "; ".join(str(r) for r in self.reasons)

    def flag(self, *reasons: Message, valid: bool | None = None) -> "Field":
        """This field with more reasons to look at it (and needs_review); `valid=False` marks it invalid too."""
        return replace(self, needs_review=True, reasons=self.reasons + reasons,
                       valid=self.valid if valid is None else valid)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "Field":
        box = d.get("box")
        return Field(d["name"], d.get("value"), d.get("raw") or "", d.get("confidence") or 0.0, d.get("page"),
                     tuple(box) if box else None, bool(d.get("valid", True)), bool(d.get("needs_review", False)),
                     from_dicts(d.get("reasons"), d.get("reason")), d.get("label") or "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "raw": self.raw,
            "confidence": round(self.confidence, 1),
            "page": self.page,
            "box": list(self.box) if self.box else None,
            "valid": self.valid,
            "needs_review": self.needs_review,
            "reason": self.reason,
            "reasons": [r.as_json() for r in self.reasons],
            **({"label": self.label} if self.label else {}),
        }


@dataclass(frozen=True)
class Extraction:
    doc_type: str
    score: float
    fields: tuple[Field, ...] = ()
    valid_until: str | None = None  # ISO date; None = permanent or unknown
    validity_rule: str = ""
    candidate: str = ""  # the nearest profile when it did not win by the classification margin
    runner_up: str = ""
    runner_up_score: float = 0.0


@dataclass(frozen=True)
class DocumentInput:
    """One document of a dossier: one source file (a multi-page TIFF or PDF is one document)."""

    path: str
    dossier: str  # dossier code (manifest) or folder / file name
    ordinal: int = 1
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    input: DocumentInput
    source_sha256: str
    pages: tuple[PageResult, ...]
    extraction: Extraction | None = None

    @property
    def text(self) -> str:
        return "\n\f".join(p.ocr.text for p in self.pages)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for p in self.pages for w in p.warnings)


@dataclass(frozen=True)
class SignatureSummary:
    signer: str
    level: str  # PAdES level: B-B, B-T, B-LT, B-LTA
    signing_time: str  # ISO 8601
    cert_sha256: str

    def as_dict(self) -> dict[str, str]:
        return {
            "signer": self.signer,
            "level": self.level,
            "signing_time": self.signing_time,
            "cert_sha256": self.cert_sha256,
        }


@dataclass(frozen=True)
class Record:
    """A stored document: what `run --json` prints and `store ls` lists."""

    id: str
    dossier: str
    source: str
    source_sha256: str
    settings_key: str  # hash of the settings that shaped the output; same input + settings = no-op
    doc_type: str
    pages: int
    pdf: str  # absolute path of the stored object
    sha256: str
    fields: tuple[Field, ...]
    warnings: tuple[str, ...]
    signature: SignatureSummary | None
    created_at: str
    pipeline_version: str
    valid_until: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dossier": self.dossier,
            "source": self.source,
            "doc_type": self.doc_type,
            "pages": self.pages,
            "pdf": self.pdf,
            "sha256": self.sha256,
            "fields": {f.name: f.value for f in self.fields},
            "warnings": list(self.warnings),
            "signature": self.signature.as_dict() if self.signature else None,
            "valid_until": self.valid_until,
            "status": "ok",
        }
