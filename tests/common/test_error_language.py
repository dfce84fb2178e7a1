"""Error messages in the reader's language: marked defaults translated when the response is built.

Indonesian is the default and the source of every message, so the Indonesian assertions hold as is; the
English ones need the compiled English catalog (`make messages` + `pybabel compile`).
"""
from __future__ import annotations

import json

from app.common.i18n import DEFAULT_LOCALE


def test_an_http_error_without_a_message_of_ours_gets_the_apps_message_not_werkzeugs(client):
    missing = client.get("/api/v1/tidak-ada")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "Data tidak ditemukan."
    wrong_method = client.delete("/api/v1/services")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"] == {"code": "method_not_allowed",
                                                "message": "Metode permintaan ini tidak diizinkan untuk alamat ini."}


def test_a_message_raised_already_translated_passes_through_unchanged(app):
    from app.common.errors import NotFound, error_body, shown_message

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        body = error_body(404, "not_found", "Something a view wrote in English.", {"x": ["Also English."]})
        assert body["error"]["message"] == "Something a view wrote in English."
        assert body["error"]["fields"] == {"x": ["Also English."]}
        assert shown_message(NotFound("A message of its own.")) == "A message of its own."


def test_marked_defaults_are_kept_in_indonesian_until_shown(app):
    from app.common.errors import NotFound, shown_message

    error = NotFound()
    assert error.message == "Data tidak ditemukan."  # the source, whatever the language of the request
    with app.test_request_context():
        assert shown_message(error) == "Data tidak ditemukan."


def test_default_messages_and_field_messages_follow_the_language(client):
    """Needs the compiled English catalog."""
    client.get("/bahasa/en")
    missing = client.get("/api/v1/tidak-ada")
    assert missing.get_json()["error"]["message"] == "Not found."
    bad = client.get("/api/v1/dashboard/summary", headers={"Accept": "application/json"})
    assert bad.status_code == 401 and bad.get_json()["error"]["message"] == "Please sign in first."


def test_the_date_range_message_states_the_range_the_schemas_accept():
    from app.common.schemas import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE

    assert EARLIEST_DATE.isoformat() in DATE_RANGE_MESSAGE and LATEST_DATE.isoformat() in DATE_RANGE_MESSAGE


def test_the_overload_refusal_is_in_the_language_of_the_cookie():
    from app.common.load import LoadShedder, refusal_texts

    texts = refusal_texts(7, lambda locale, text: f"[{locale}] {text}")
    shedder = LoadShedder(lambda environ, start: [b""], max_in_flight=1, max_waiting=0, max_wait_ms=0,
                          retry_after=7, texts=texts)
    answers = []

    def refuse(cookie: str, accept: str) -> bytes:
        environ = {"PATH_INFO": "/", "HTTP_COOKIE": cookie, "HTTP_ACCEPT": accept}
        return b"".join(shedder._refuse(environ, lambda status, headers: answers.append(status)))

    english = json.loads(refuse("lang=en", "application/json"))["error"]["message"]
    assert english.startswith("[en] ") and "7 detik" in english
    assert json.loads(refuse("", "application/json"))["error"]["message"].startswith(f"[{DEFAULT_LOCALE}] ")
    assert json.loads(refuse("lang=xx", "application/json"))["error"]["message"].startswith("[id] ")
    page = refuse("theme=dark; lang=en", "text/html").decode()
    assert 'lang="en"' in page and "[en] Server sedang sibuk" in page
    assert answers == ["503 Service Unavailable"] * 4


def test_without_a_translator_the_refusal_is_the_indonesian_source():
    from app.common.load import refusal_texts

    texts = refusal_texts(5)
    assert texts["en"]["message"] == texts["id"]["message"] == (
        "Server sedang sibuk melayani banyak permintaan. Silakan coba lagi dalam 5 detik.")
