"""What analysts read in their language: model problems and the change log's own notes.

Indonesian is the default and the source of every message; the English assertions need the compiled
English catalog (`make messages` + `pybabel compile`).
"""
from __future__ import annotations

import re

from tests.modeler.conftest import model_text, upload

BARE = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", model_text("sip_apoteker.bpmn"), flags=re.S)
VALUES = {"version": 3, "previous": 2, "requester": "Ani Analis", "approver": "Budi Admin"}


def test_the_change_logs_own_notes_are_read_back_with_their_values(app):
    from app.modeler import deploys

    stored = deploys.DEPLOYED_AFTER_NOTE % VALUES
    assert stored == "versi 3 aktif (sebelumnya versi 2); diminta Ani Analis, disetujui Budi Admin"
    with app.test_request_context():
        assert deploys.shown_note(stored) == stored
        assert deploys.shown_note(deploys.OPERATOR_NOTE) == deploys.OPERATOR_NOTE
        assert deploys.shown_note("Perbaikan tarif; sudah dicek Kabid.") == "Perbaikan tarif; sudah dicek Kabid."
        assert deploys.shown_note(None) is None


def test_a_model_problem_is_written_in_indonesian_by_default(analyst):
    response = upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": BARE})
    messages = [p["message"] for p in response.get_json()["error"]["problems"]]
    assert "proses 'sip_apoteker' tidak memiliki diagram (BPMNDI); gunakan 'Susun otomatis'" in messages


def test_a_model_problem_follows_the_analysts_language(analyst):
    """Needs the compiled English catalog."""
    analyst.client.get("/bahasa/en")
    response = upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": BARE})
    error = response.get_json()["error"]
    assert error["message"] == "The model is not valid; no version was saved."
    assert "process 'sip_apoteker' has no diagram (BPMNDI); use 'Auto layout'" in [p["message"] for p in error["problems"]]


def test_the_change_logs_own_notes_follow_the_language(app):
    """Needs the compiled English catalog."""
    from app.modeler import deploys

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert deploys.shown_note(deploys.DEPLOYED_AFTER_NOTE % VALUES) == (
            "version 3 active (previously version 2); requested by Ani Analis, approved by Budi Admin")
        assert deploys.shown_note(deploys.AWAITING_NOTE) == "waiting for a second person's approval"
