"""The security log's page names kinds and outcomes in the reader's language."""
from __future__ import annotations

from app.audit import service
from app.audit.views import OUTCOMES
from tests.support.pages import login


def test_kinds_and_outcomes_are_marked_indonesian_sources():
    assert service.KINDS["logout"] == "Keluar" and OUTCOMES["ok"] == "Berhasil"


def test_the_audit_page_names_kinds_and_outcomes_in_english_when_asked(client):
    login(client, "admin@demo.local")
    indonesian = client.get("/admin/audit").get_data(as_text=True)
    assert ">Keluar<" in indonesian and ">Semua<" in indonesian
    client.get("/bahasa/en")
    english = client.get("/admin/audit").get_data(as_text=True)
    assert ">Log out<" in english and ">All<" in english
    assert ">Keluar<" not in english


def test_a_bad_filter_is_reported_in_the_page_language(client):
    login(client, "admin@demo.local")
    page = client.get("/admin/audit", query_string={"from": "2026-02-01", "to": "2026-01-01"})
    assert page.status_code == 422
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in page.get_data(as_text=True)
