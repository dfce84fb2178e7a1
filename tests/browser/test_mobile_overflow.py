"""Every page of every role on a 360 px phone: nothing wider than the screen, no word split inside a table
cell, touch targets at least 44 px tall.

The pages are the app's GET routes that the authorization table lets the role open, with the ids of the
table's world (one submitted case, its task, a permit, a complaint, ...). The layout does not depend on the
database, so this runs on SQLite only; each role keeps one browser context for all its pages.
"""
from __future__ import annotations

import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import log_in
from tests.security.authz import ROLES, build_world
from tests.security.test_authorization_table import HTML_SKIP, TABLE, concrete

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

WIDTH = 360
HEADER_MAX = 64  # one line: the brand and the menu button
# Roles of the office and the applicant, each signed in as its demo account.
PHONE_ROLES = ["applicant_a", "loket", "teknis_dinkes", "kadis", "pengaduan", "supervisor", "analyst", "admin"]
FILE_ROUTE = re.compile(r"\.(csv|json|pdf)$")

# What a page reports: its width, words split across lines inside table cells, and small touch targets.
MEASURE = """() => {
  const words = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\\s\\-\\/]+/g;
      let m;
      while ((m = re.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (tops.size > 1) { words.push(m[0]); }
      }
    }
  }
  const small = [];
  const targets = 'button, a.button, summary, select, .top nav a, input:not([type=hidden]):not([type=checkbox])' +
                  ':not([type=radio]):not([type=file])';
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest('.djs-container, .dmn-decision-table-container')) { continue; }
    if (box.height < 43.5) { small.push(el.tagName.toLowerCase() + ' "' + (el.textContent || el.name || '').trim().slice(0, 30) + '" ' + Math.round(box.height)); }
  }
  const wide = [...document.querySelectorAll('main *')].filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(-3).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
  return { width: document.scrollingElement.scrollWidth, words: words.slice(0, 5), small: small.slice(0, 5), wide,
           header: document.querySelector('header.top').getBoundingClientRect().height };
}"""


@pytest.fixture(scope="module")
def phone_world(tmp_path_factory, sqlite_template):
    """The authorization table's world on SQLite, served on a free local port for the whole module."""
    from app import create_app
    from tests.conftest import _config

    instance = tmp_path_factory.mktemp("phone")
    path = instance / "phone.db"
    shutil.copy(sqlite_template, path)
    app = create_app(_config(f"sqlite:///{path}", instance))
    world = build_world(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="phone-server", daemon=True)
    thread.start()
    yield app, world, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def pages_for(app, role: str, world) -> list[str]:
    """The HTML pages `role` may open: GET routes outside the API that the table marks ok for it, and not
    open to everyone (those are visited once, signed out)."""
    rules = sorted({rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods})
    found = []
    for rule in rules:
        row = TABLE.get(("GET", rule))
        if row is None or rule.startswith("/api/") or rule in HTML_SKIP or FILE_ROUTE.search(rule):
            continue
        everyone = all(outcome == "ok" for outcome in row.expect.values())
        if row.expect[role] == "ok" and (everyone == (role == "anonymous")):
            found.append(concrete(rule, row, world))
    return found


def _visit_all(context, paths: list[str]) -> list[str]:
    page = context.new_page()
    problems = []
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("load")
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found = page.evaluate(MEASURE)
        if found["width"] > WIDTH:
            problems.append(f"{path}: {found['width']} px wide (the widest: {found['wide']})")
        if found["header"] > HEADER_MAX:
            problems.append(f"{path}: the header is {found['header']} px tall")
        if found["words"]:
            problems.append(f"{path}: words split inside table cells: {found['words']}")
        if found["small"]:
            problems.append(f"{path}: touch targets under 44 px: {found['small']}")
    return problems


@pytest.mark.parametrize("role", ["anonymous", *PHONE_ROLES])
def test_every_page_of_the_role_fits_a_phone(browser, phone_world, role):
    app, world, base_url = phone_world
    context = browser.new_context(base_url=base_url, viewport={"width": WIDTH, "height": 740}, locale="id-ID")
    context.set_default_timeout(30000)
    try:
        if ROLES[role]:
            log_in(context.new_page(), ROLES[role])
        paths = pages_for(app, role, world)
        assert paths, f"no pages found for {role}"
        problems = _visit_all(context, paths)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_header_menu_opens_without_javascript(browser, phone_world):
    app, world, base_url = phone_world
    context = browser.new_context(base_url=base_url, viewport={"width": WIDTH, "height": 740}, locale="id-ID",
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, ROLES["admin"])
        page.goto("/petugas/tugas")
        logout = page.locator("header nav button", has_text="Keluar")
        assert not logout.is_visible()
        page.click("header summary")
        assert logout.is_visible() and page.locator("header nav a", has_text="Pengguna").is_visible()
        with page.expect_navigation():
            page.locator("header nav a", has_text="Log audit").click()
        assert page.url.endswith("/admin/audit")
    finally:
        context.close()


# -- weight of a first visit (empty cache): everything the browser received, compressed as sent ---------------

TRANSFERRED = """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .map(e => ({ name: e.name, bytes: e.transferSize }))"""


def _first_load(browser, base_url: str, email: str, path: str) -> list[dict]:
    signed_in = browser.new_context(base_url=base_url)
    log_in(signed_in.new_page(), email)
    state = signed_in.storage_state()
    signed_in.close()
    context = browser.new_context(base_url=base_url, storage_state=state, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        return page.evaluate(TRANSFERRED)
    finally:
        context.close()


@pytest.mark.parametrize(("email", "where", "budget"), [
    ("loket@demo.local", "task", 250 * 1024),
    ("analis@demo.local", "/analis/model/sip_apoteker", 1200 * 1024),
])
def test_first_load_stays_within_its_budget(browser, phone_world, email, where, budget):
    app, world, base_url = phone_world
    path = f"/petugas/tugas/{world.task_id}" if where == "task" else where
    entries = _first_load(browser, base_url, email, path)
    total = sum(e["bytes"] for e in entries)
    print(f"first load of {path}: {total} bytes")  # noqa: T201 - the measured weight, for the record
    assert total <= budget, f"{path} weighs {total} bytes: " + ", ".join(
        f"{e['name'].rsplit('/', 1)[-1]} {e['bytes']}" for e in sorted(entries, key=lambda e: -e["bytes"])[:6])
    names = " ".join(e["name"] for e in entries)
    assert "bpmn-embedded" not in names or where != "task"  # the modeler's icon font only in the modeler
    assert "dmn-modeler" not in names  # loaded when a decision table is opened
