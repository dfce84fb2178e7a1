"""The API reference page renders the spec with local assets only, within the CSP."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.one_database]


def test_reference_page_renders_the_spec(new_page, live_server):
    page = new_page()
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server, "data:", "blob:"))
            else None)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag-section")
    assert "SatuPintu API" in page.inner_text(".swagger-ui .info .title")
    page.click(".opblock-tag-section h3 >> text=accounts_api")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/auth/token']")
    page.click(".opblock-summary-path[data-path='/api/v1/auth/token']")
    page.wait_for_selector(".opblock.is-open .responses-table")
    assert "429" in page.inner_text(".opblock.is-open .responses-table")
    assert not outside, outside
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
