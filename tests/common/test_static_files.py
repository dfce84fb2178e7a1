"""Static files: content-hashed names kept by browsers for good, compressed on the wire, and a favicon."""
from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import url_for

from app import create_app
from app.common.assets import hashed_name
from app.config import TestConfig

pytestmark = pytest.mark.one_database  # nothing here depends on the database

HASHED = re.compile(r"^/static/css/app\.[0-9a-f]{12}\.css$")


@pytest.fixture(scope="module")
def static_app(tmp_path_factory):
    """An app on an empty in-memory database: serving files needs none."""
    return create_app({"STATIC_CACHE_DIR": str(tmp_path_factory.mktemp("static-cache"))} | {
        k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper() and k != "STATIC_CACHE_DIR"})


def _url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def _source(app, filename: str) -> bytes:
    with open(f"{app.static_folder}/{filename}", "rb") as f:
        return f.read()


def test_pages_name_static_files_by_their_content(static_app):
    url = _url(static_app, "css/app.css")
    assert HASHED.match(url), url
    page = static_app.test_client().get("/masuk").get_data(as_text=True)
    assert f'href="{url}"' in page


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "site.css").write_text("body{color:red}")
    before = hashed_name(tmp_path, "site.css")
    (tmp_path / "site.css").write_text("body{color:blue}")
    after = hashed_name(tmp_path, "site.css")
    assert before != after and before.startswith("site.") and after.endswith(".css")
    assert hashed_name(tmp_path, "missing.css") == "missing.css"


def test_a_hashed_name_is_cached_for_good_and_sent_compressed(static_app):
    client = static_app.test_client()
    url = _url(static_app, "css/app.css")
    source = _source(static_app, "css/app.css")

    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200
    assert zipped.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.data) == source and len(zipped.data) < len(source) / 2

    squeezed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br" and brotli.decompress(squeezed.data) == source

    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data == source
    assert plain.headers["X-Content-Type-Options"] == "nosniff"


def test_plain_and_outdated_names_are_cached_briefly(static_app):
    client = static_app.test_client()
    for url in ("/static/css/app.css", "/static/css/app.0123456789ab.css"):
        response = client.get(url)
        assert response.status_code == 200 and response.data == _source(static_app, "css/app.css")
        assert response.headers["Cache-Control"] == "max-age=3600, public", url


def test_revalidation_answers_not_modified(static_app):
    client = static_app.test_client()
    url = _url(static_app, "js/inbox.js")
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_nothing_outside_the_static_folder_is_served(static_app):
    client = static_app.test_client()
    for url in ("/static/../__init__.py", "/static/%2e%2e/__init__.py", "/static/css/missing.css"):
        assert client.get(url).status_code == 404, url


def test_favicon_is_a_small_real_icon(static_app):
    client = static_app.test_client()
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    assert response.data[:4] == b"\x00\x00\x01\x00" and len(response.data) < 8 * 1024  # an ICO directory
    page = client.get("/masuk").get_data(as_text=True)
    assert re.search(r'<link rel="icon" href="/static/favicon\.[0-9a-f]{12}\.ico"', page)
