"""Browser test infrastructure: the app served on a free local port (SQLite and PostgreSQL), and Chromium.

The live server runs the test's app (see tests/conftest.py) in a background thread with werkzeug's
`make_server`; Playwright drives Debian's Chromium (one browser per module, a fresh context per test).
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def live_server(app):
    """The app served at http://127.0.0.1:<free port> while the test runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


NO_CHROMIUM = "Chromium not installed: apt-get install -y chromium"  # tests/conftest.py reports these skips


@pytest.fixture(scope="module")
def browser(request):
    """One headless Chromium per browser test module (the officer workspace tests share one).

    Playwright's sync API keeps an event loop running in the test thread while it is open, so it is
    closed when the module is done: later tests may then run asyncio code or their own Playwright.
    """
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height},
                                      locale="id-ID")
        context.set_default_timeout(30000)  # a loaded test machine renders slowly
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, email: str, password: str = "Demo#2026") -> None:
    """Sign in through the login page."""
    page.goto("/masuk")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
