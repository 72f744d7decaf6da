"""Browser tests: a live server on its own database, driven by Debian's Chromium via Playwright.

Nothing is downloaded: Playwright launches /usr/bin/chromium (override with CHROMIUM). The app
under test (tests/database.py) is separate from the integration tests' `app` and commits for real, so each test makes its own
users (unique phone numbers and e-mails) instead of relying on a rollback.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from werkzeug.serving import make_server

from tests.database import own_database_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "locale": "vi-VN", "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "vi-VN"}


def pytest_collection_modifyitems(config, items) -> None:
    """Every test in this folder is a browser test, even one that forgets `pytestmark`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    """The app the browser talks to: its own database, committed for real."""
    # No SERVER_NAME: requests arrive as 127.0.0.1:<port>, and URLs are built from them.
    with own_database_app(tmp_path_factory, "browser", SERVER_NAME=None) as app:
        yield app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 and a free port, in a daemon thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def results_dir(pytestconfig) -> Path:
    """test-results/ at the project root (git-ignored): failure screenshots and snapshots."""
    path = Path(pytestconfig.rootpath) / "test-results"
    path.mkdir(exist_ok=True)
    return path


def _new_page(browser: Browser, live_server: str, options: dict) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    return context, page


def _close(request, context: BrowserContext, page: Page, results_dir: Path) -> None:
    report = getattr(request.node, "report_call", None)
    try:
        if report is not None and report.failed and not page.is_closed():
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            page.screenshot(path=str(results_dir / f"failed-{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def phone_page(request, browser: Browser, live_server: str, results_dir: Path) -> Iterator[Page]:
    """A 360 × 740 touch phone, Vietnamese locale: the layout most visitors see."""
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    _close(request, context, page, results_dir)


@pytest.fixture
def desktop_page(request, browser: Browser, live_server: str, results_dir: Path) -> Iterator[Page]:
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    _close(request, context, page, results_dir)
