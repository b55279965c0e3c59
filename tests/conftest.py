"""Fixtures shared by the browser tests and the hub's browser test: one headless Debian
chromium for the whole session, driven by Playwright's sync API; and a clock for the
widgets' race windows.

Playwright's sync API runs an event loop of its own and refuses to start a second one
while the first is open, so every test that drives a browser shares this one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without these, chromium tries to reach Google's services, which are refused here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium "
            "(`make test` installs it with scripts/ensure-chromium.sh)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives every run a fresh, throw-away user data dir.
        browser = pw.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Clock:
    """time.monotonic() held still: it moves by advance() and by the calls made slow."""

    def __init__(self, monkeypatch):
        self.now = 100.0
        self._monkeypatch = monkeypatch
        monkeypatch.setattr(time, "monotonic", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def make_slow(self, owner, name: str, seconds: float) -> None:
        """From now on ``owner.name`` takes ``seconds`` of this clock."""
        original = getattr(owner, name)

        def slow(*args, **kw):
            self.advance(seconds)
            return original(*args, **kw)

        self._monkeypatch.setattr(owner, name, slow)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)
