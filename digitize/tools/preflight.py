"""The one wrapper around Apache PDFBox Preflight (Debian libpdfbox2-java), a PDF/A-1b validator.

Runs `Validator_A1b xml FILE` in a JVM and parses its XML report. The Debian jars do not carry a
Class-Path, so the classpath is assembled here: preflight needs pdfbox, fontbox, xmpbox,
commons-logging, javax.activation (FileDataSource) and jaxb-api (DatatypeConverter, XML mode).
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache

from digitize.errors import InputError, InternalError, MissingDependency
from digitize.settings import java_dir
from digitize.tools import on_file
from digitize.tools import run as tools_run

JAVA_DIR = java_dir()
JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api")
MAIN_CLASS = "org.apache.pdfbox.preflight.Validator_A1b"
_TIMEOUT_S = 300
PREFLIGHT_MINIMUM = (2, 0)  # PDFBox 2 Preflight


@dataclass(frozen=True)
class PreflightResult:
    ok: bool
    errors: tuple[tuple[str, str], ...]  # (Preflight error code such as "7.11.2", message)
    raw: str  # Preflight's XML report

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.errors)


@lru_cache(maxsize=1)
def classpath() -> str:
    paths = [os.path.join(JAVA_DIR, f"{jar}.jar") for jar in JARS]
    missing = [os.path.basename(p) for p in paths if not os.path.isfile(p)]
    if missing:
        raise MissingDependency("preflight", f"missing jars in {JAVA_DIR}: {', '.join(missing)} "
                            "(Debian packages libpdfbox2-java libactivation-java libjaxb-api-java)")
    return os.pathsep.join(paths)


def preflight_version() -> str:
    """Preflight prints its version in the usage text (no arguments, exit status 1)."""
    return tools_run.version("java", "libpdfbox2-java", PREFLIGHT_MINIMUM, ("-cp", classpath(), MAIN_CLASS),
                             pattern=r"Version\s*:\s*(\S+)")


def preflight(pdf: str | os.PathLike | bytes) -> PreflightResult:
    """Validate one file (path or PDF bytes) against PDF/A-1b."""
    return on_file(pdf, _run)


def _run(path: str, label: str) -> PreflightResult:
    preflight_version()
    proc = tools_run.run("java", "default-jre-headless", ["-cp", classpath(), MAIN_CLASS, "xml", path],
                         label=label, timeout=_TIMEOUT_S)
    raw = proc.stdout
    start = raw.find("<?xml")
    if start < 0:
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise InternalError(label, f"Preflight failed to run: {detail[:200]}")
    return parse_report(raw[start:], label)


def parse_report(xml: str, label: str = "<report>") -> PreflightResult:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as e:
        raise InputError(label, f"unreadable Preflight report: {e}") from None
    errors = tuple(
        ((e.findtext("code") or "").strip(), " ".join((e.findtext("details") or "").split()))
        for e in root.iter("error")
    )
    exc = root.find("exceptionThrown")
    if exc is not None:
        errors += (("exception", " ".join((exc.findtext("message") or "").split())),)
    valid = (root.findtext("isValid") or "").strip() == "true"
    return PreflightResult(ok=valid and not errors, errors=errors, raw=xml)
