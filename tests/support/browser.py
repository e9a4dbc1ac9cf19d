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


def log_in(page, url: str, user: str, password: str) -> None:
    """The station's log-in form filled on `page`, waiting for the queue it leads to."""
    page.goto(url + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/queue")


def screenshot(page, path, full_page: bool = True) -> None:
    """A screenshot for a person to look at (the folder is made; nothing is compared)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
