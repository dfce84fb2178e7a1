"""Open redirects through `next`: one guard (app.common.urls.safe_next) for every page that honours it.

`next=/%09/evil.example` used to pass the four hand-written copies of the guard and answer
`Location: //evil.example` (browsers drop the tab); a newline in `next` was a 500.
"""
from __future__ import annotations

import pytest

from app.common.urls import safe_next
from tests.support.pages import CSRF

# Known spellings of "another site" (after the query string is decoded once by the server).
BYPASSES = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "\t//evil.example", " //evil.example", "/\n/evil.example", "/\r\n/evil.example", "/%09/evil.example",
    "/%5Cevil.example", "/%5C%5Cevil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/%252F/evil.example",
    "https:evil.example", "https://evil.example", "http:/evil.example", "//evil.example@localhost",
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "/\u200b/evil.example", "/\u2028/evil.example", "/\u00a0/evil.example", "/\uff0fevil.example",
    "\uff0f\uff0fevil.example", "/\uff3cevil.example", "/%EF%BC%8Fevil.example", "evil.example",
    "./evil", "", "/" + "a" * 5000,
]
LOCAL = ["/", "/lacak?nomor=SIPA-2026-000123", "/permohonan/5#berkas", "/inbox?q=Budi%20Santoso"]


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_next_refuses_other_sites(target):
    """Every known bypass spelling is refused, so callers fall back to their own page."""
    assert safe_next(target) is None


@pytest.mark.parametrize("target", LOCAL)
def test_safe_next_keeps_local_paths(target):
    """Ordinary local paths (with query and fragment) still work."""
    assert safe_next(target) == target


def _location_is_local(response) -> bool:
    location = response.headers.get("Location", "")
    return location.startswith("/") and not location.startswith(("//", "/\\")) and "evil" not in location


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:%20x=1",
                                    "%2F%2Fevil.example", "/%5Cevil.example"])
def test_language_switch_never_redirects_off_site(client, target):
    """GET /bahasa/en?next=... answers a local redirect (never a 500, never //evil)."""
    response = client.get(f"/bahasa/en?next={target}")
    assert response.status_code == 302 and _location_is_local(response), response.headers.get("Location")


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/evil.example"])
def test_login_never_redirects_off_site(client, target):
    """After a successful login, a hostile `next` leads home instead (a newline is not a 500)."""
    page = client.get("/masuk").get_data(as_text=True)
    response = client.post(f"/masuk?next={target}", data={"email": "pemohon@demo.local", "password": "Demo#2026",
                                                          "csrf_token": CSRF.search(page).group(1)})
    assert response.status_code == 302 and _location_is_local(response), response.headers.get("Location")
