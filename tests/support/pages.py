"""Helpers to use the HTML pages like a browser would (CSRF token included)."""
from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """Open a page and read the CSRF token of its form."""
    page = client.get(path)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def submit(client, path: str, data: dict, *, form_page: str | None = None, **kw):
    """POST a form with the CSRF token of the page it lives on."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token}, **kw)


def login(client, email: str, password: str = "Demo#2026"):
    """Log in through the login page."""
    response = submit(client, "/masuk", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
