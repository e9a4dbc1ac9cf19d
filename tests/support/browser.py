"""Debian's chromium driven by Playwright, started the one way the browser tests share."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# without the background-networking flags chromium keeps dialling hosts the closed network refuses
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless chromium for the length of the block."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_for_js(page, expression: str, timeout_s: float = 60) -> None:
    """What `page.wait_for_function` does, without the `eval` the station's CSP refuses (Playwright
    compiles the predicate inside the page on each poll): the expression evaluated until true, bounded."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_s}s: {expression}"
        page.wait_for_timeout(100)
