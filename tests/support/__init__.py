"""Helpers shared by the test modules (tests import `from support import ...`, never from another
test module or from conftest): where things are, pages and archives to feed the pipeline, the CLI
in-process and as a subprocess, store assertions through the store's Python API, free ports, and
a fault-injecting OCR engine."""
from support.archives import make_archive, write_manifest
from support.cli import DIGITIZE, ENV, digitize, invoke, popen
from support.pages import FONT, PAGE_LINES, render_text_page
from support.paths import CORPUS, REPO, SAMPLES
from support.ports import free_port
from support.signing import ORG, PDFA_INPUT
from support.stores import assert_store_intact, stored

__all__ = [
    "CORPUS", "DIGITIZE", "ENV", "FONT", "ORG", "PAGE_LINES", "PDFA_INPUT", "REPO", "SAMPLES", "assert_store_intact",
    "digitize", "free_port", "invoke", "make_archive", "popen", "render_text_page", "stored", "write_manifest",
]
