"""Processing settings shared by `run`, `batch` and `watch`, and the one reader of the DIGITIZE_*
environment variables. Limits keep hostile input (decompression bombs, huge files) from being
processed at all."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from digitize import __version__
from digitize.errors import UsageError

# The package's version is also the output-format version: it goes into every document's XMP and
# record, and into the settings key, so a new version re-processes instead of skipping.
PIPELINE_VERSION = __version__
DEFAULT_STORE = "./digitize-store"
# The receiving organisation named in the stamp and in the demo key's certificate.
DEFAULT_ORGANISATION = "Bộ phận Một cửa (DEMO)"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 * 1024 * 1024
    max_pixels_per_page: int = 120_000_000  # ~A0 at 300 dpi; anything larger is refused
    max_pages_per_file: int = 2000
    min_side_px: int = 64  # a 1x1 "image" is not a scan


@dataclass(frozen=True)
class SigningSettings:
    """What of the signer goes into the settings key (never a secret: the key password and PIN stay in the
    environment)."""
    signer: str = "demo"  # demo | p12 | pkcs11 (the scheme only: a path is not part of the output)
    tsa: bool = False
    ltv: bool = False
    stamp: bool = True
    organisation: str = DEFAULT_ORGANISATION
    copy_form: str = "SAO Y"


PDFA_LEVELS = ("1b", "2b", "3b")
OCR_MODELS = ("fast", "best")


@dataclass(frozen=True)
class Settings:
    """Every switch that reaches the stages: validated here once, carried to the workers as it is, and
    hashed into the settings key (an environment switch read inside a worker could differ from the
    coordinator's, and the key would then describe text it was not made with)."""
    pdfa: str = "2b"  # 1b | 2b | 3b
    profile: str = "auto"
    profiles_dir: str | None = None
    sign: bool = True  # as the CLI: documents are signed unless asked not to
    ocr_lang: str = "vie"
    ocr_model: str = "fast"  # fast (Debian's packaged `vie`) | best (tessdata_best, installed by make setup)
    redo_ocr: bool = False
    jpeg_quality: int = 85  # only for pages we had to re-encode (rotated/deskewed or non-JPEG)
    assumed_dpi: float = 200.0  # when a file states no resolution
    min_dpi: float = 200.0
    deskew: bool = True
    orient: bool = True
    post_correct: bool = False
    ocr_tones: bool = True  # tone marks chosen with the syllable language model (DIGITIZE_OCR_TONES)
    limits: Limits = field(default_factory=Limits)
    signing: SigningSettings | None = None  # None: documents are not signed

    def __post_init__(self) -> None:
        if self.pdfa not in PDFA_LEVELS:
            raise UsageError("--pdfa", f"must be 1b, 2b or 3b, not {self.pdfa!r}")
        if self.ocr_model not in OCR_MODELS:
            raise UsageError("--ocr-model", f"must be fast or best, not {self.ocr_model!r}")

    def key(self) -> str:
        """Hash of everything that changes the output document: same input + same key = no-op."""
        data = asdict(self)
        data.pop("limits", None)
        data["signing"] = data["signing"] or {}  # the form keys of earlier versions had
        data["version"] = PIPELINE_VERSION
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


# --- the environment (the only place DIGITIZE_* variables are read) ----------------------------


def _env(name: str) -> str | None:
    return os.environ.get(f"DIGITIZE_{name}") or None


def store_location(given: str | os.PathLike | None = None) -> str:
    """`--store`, else DIGITIZE_STORE, else ./digitize-store."""
    return str(given or _env("STORE") or DEFAULT_STORE)


def objects_location(given: str | None = None) -> str:
    """The shared folder for objects and keys of a PostgreSQL store: given, else DIGITIZE_OBJECTS."""
    return str(given or _env("OBJECTS") or DEFAULT_STORE)


def organisation(given: str | None = None) -> str:
    """`--organisation`, else DIGITIZE_ORGANISATION, else the demo default."""
    return given or _env("ORGANISATION") or DEFAULT_ORGANISATION


def profile_dirs(given: Sequence[str | os.PathLike] = ()) -> list[Path]:
    """Folders of the user's profiles: those given (`--profiles`), else DIGITIZE_PROFILES
    (os.pathsep-separated)."""
    if given:
        return [Path(p) for p in given]
    return [Path(p) for p in (_env("PROFILES") or "").split(os.pathsep) if p]


def ocr_engine() -> str:
    """DIGITIZE_OCR_ENGINE: `auto` (default), `tesserocr`, `cli` or `module:Class`."""
    return _env("OCR_ENGINE") or "auto"


DEFAULT_OCR_MODEL = "fast"  # see README "OCR model": the benchmark's accuracy per second


def ocr_model(given: str | None = None) -> str:
    """`--ocr-model`, else DIGITIZE_OCR_MODEL, else the default; `fast` or `best`."""
    return given or _env("OCR_MODEL") or DEFAULT_OCR_MODEL


def ocr_tones() -> bool:
    """DIGITIZE_OCR_TONES: 1 (default) to choose tone marks with the syllable language model, 0 not to."""
    return (_env("OCR_TONES") or "1") not in ("0", "false", "no", "off")


def dask_timeout() -> float:
    """DIGITIZE_DASK_TIMEOUT: seconds to wait for a Dask scheduler before giving up (default 30)."""
    raw = _env("DASK_TIMEOUT")
    try:
        value = float(raw) if raw else 30.0
    except ValueError:
        raise UsageError("DIGITIZE_DASK_TIMEOUT", f"not a number of seconds: {raw!r}") from None
    if value <= 0:
        raise UsageError("DIGITIZE_DASK_TIMEOUT", f"must be more than 0 seconds: {raw!r}")
    return value


def tessdata_best() -> Path:
    """Where `make setup` puts tessdata_best `vie` (DIGITIZE_TESSDATA_BEST overrides)."""
    import sys

    return Path(_env("TESSDATA_BEST") or Path(sys.prefix) / "share" / "digitize" / "tessdata-best")


def java_dir() -> str:
    """Where the Preflight jars are (DIGITIZE_JAVA_DIR, default Debian's /usr/share/java)."""
    return _env("JAVA_DIR") or "/usr/share/java"


def fault_marker() -> str | None:
    """DIGITIZE_FAULT_MARKER: the marker file of an armed crash-test fault (digitize/store/faults.py)."""
    return _env("FAULT_MARKER")


def fault_kill_after_stored() -> int | None:
    """DIGITIZE_FAULT_KILL_COORDINATOR_AFTER_STORED: crash tests only; unset in normal use."""
    value = _env("FAULT_KILL_COORDINATOR_AFTER_STORED")
    return int(value) if value else None


def acting_user() -> str | None:
    """DIGITIZE_USER: who review commands act as (default: the login name)."""
    return _env("USER")


KEY_PASSWORD_ENV = "DIGITIZE_KEY_PASSWORD"  # the PKCS#12 file's password
TOKEN_PIN_ENV = "DIGITIZE_PIN"  # the PKCS#11 token's PIN
USER_PASSWORD_ENV = "DIGITIZE_PASSWORD"  # a review-station user's password (`digitize users add`)


def secret(name: str) -> str | None:
    """A secret from the environment (KEY_PASSWORD_ENV, TOKEN_PIN_ENV); never logged."""
    return os.environ.get(name)


def trust_dir() -> str | None:
    """An operator's own trust bundle for `verify` (DIGITIZE_TRUST_DIR; replaces the built-in Vietnamese store)."""
    return _env("TRUST_DIR")
