"""Interface language: Indonesian by default, English on the applicant's request."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.support.pages import login, submit

pytestmark = pytest.mark.one_database  # nothing here depends on the database

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_pages_are_indonesian_even_when_the_browser_prefers_english(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Katalog layanan" in html
    assert 'hreflang="en"' in html  # the switch is offered


def test_switching_to_english_keeps_the_page_and_translates_it(client):
    response = client.get("/bahasa/en?next=/lacak")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lacak")
    assert "lang=en" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    html = client.get("/lacak").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Track an application" in html and "Registration number" in html
    assert "Lacak permohonan" not in html
    back = client.get("/bahasa/id?next=/lacak")
    assert back.status_code == 302
    assert "Lacak permohonan" in client.get("/lacak").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_the_switch_never_redirects_off_site(client, target):
    response = client.get("/bahasa/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_an_unknown_language_is_ignored(client):
    response = client.get("/bahasa/xx?next=/")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_messages_from_the_server_follow_the_language(client):
    client.get("/bahasa/en")
    response = submit(client, "/masuk", {"email": "pemohon@demo.local", "password": "salah-sekali-1"})
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    login(client, "pemohon@demo.local")
    html = client.get("/permohonan").get_data(as_text=True)
    assert "My applications" in html and "Start a new application" in html


def test_status_words_are_translated_on_the_applicants_pages(client):
    login(client, "pemohon@demo.local")
    started = submit(client, "/permohonan/baru/sip_apoteker", {})
    assert started.status_code == 302
    indonesian = client.get("/permohonan").get_data(as_text=True)
    assert "Draf (belum diajukan)" in indonesian
    client.get("/bahasa/en")
    english = client.get("/permohonan").get_data(as_text=True)
    assert "Draft (not submitted)" in english and "Draf (belum diajukan)" not in english
    assert "Complete the form and upload the required documents, then submit." in english
    review = client.get(started.headers["Location"].replace("/isi", "/periksa")).get_data(as_text=True)
    assert "Details are incomplete:" in review and "Required." in review and "Wajib diisi." not in review


def _marked_messages() -> set[str]:
    found = set()
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2"), ("app/templates/**.txt", "jinja2")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={"_": None, "gettext": None, "N_": None}):
        if isinstance(message, str) and message:
            found.add(message)
    return found


def test_every_marked_message_has_an_english_translation():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    missing = sorted(_marked_messages() - set(translated))
    assert not missing, f"untranslated (run `make messages` and translate): {missing[:10]}"
    for source, english in translated.items():
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(english)), source


# Text a template may write as is: names, acronyms, example values and arrows read the same in every language.
NOT_LANGUAGE = re.compile(r"^(SatuPintu|SKRD|SLA|SOP|IKM|JSON|Rp|KB|Bank BJB|www\.lapor\.go\.id|SIPA-2026-000123|"
                          r"ADU-7KQ2-M9XD|run_all|delete|working_day|data|documents|true|false|&larr;|&rarr;|"
                          r"[·\s]*(SatuPintu|IKM|Rp|KB)?[·\s]*)$")
HIDDEN = [re.compile(p, re.S) for p in (r"{#.*?#}", r"<script.*?</script>", r"<style.*?</style>", r"{{.*?}}",
                                         r"{%.*?%}")]
TEXT_NODE = re.compile(r">([^<]+)<")
ATTRIBUTES = re.compile(r'^([\w-]+="[^"]*"\s*)+$')
READ_ATTRIBUTE = re.compile(r'\s(?:placeholder|title|aria-label|alt|data-label)="([^"{]*[A-Za-z][^"{]*)"')


def test_templates_write_no_text_outside_a_translated_message():
    """A template's words go through `_()`; only names, acronyms and example values are written as is."""
    found = []
    for path in sorted((ROOT / "app" / "templates").rglob("*.html")):
        text = path.read_text("utf-8")
        for pattern in HIDDEN:
            text = pattern.sub("", text)
        for piece in TEXT_NODE.findall(text) + READ_ATTRIBUTE.findall(text):
            piece = piece.strip()
            if ATTRIBUTES.match(piece):  # a tag's attributes split off by a {% if %} inside the tag
                continue
            if re.search(r"[A-Za-z]{2,}", piece) and not NOT_LANGUAGE.match(piece):
                found.append(f"{path.relative_to(ROOT)}: {piece!r}")
    assert not found, found
