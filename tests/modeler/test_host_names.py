"""A model can only ask for host actions and messages the application has: a typo is a problem, not a no-op."""
from __future__ import annotations

from tests.modeler.conftest import model_text, upload


def _problems(response) -> list[dict]:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]["problems"]


def test_an_unknown_host_action_is_refused_naming_the_known_ones(analyst):
    bad = model_text("pembayaran_retribusi.bpmn").replace('name="hostAction" value="issue_bill"',
                                                          'name="hostAction" value="issue_bil"')
    [problem] = _problems(upload(analyst, "reklame", {"pembayaran_retribusi.bpmn": bad}))
    assert "issue_bil" in problem["message"] and "issue_bill" in problem["message"]
    assert problem["file"] == "pembayaran_retribusi.bpmn" and problem["element_id"]


def test_an_unknown_notification_template_is_refused(analyst):
    bad = model_text("pembayaran_retribusi.bpmn").replace('name="notify" value="payment_reminder"',
                                                          'name="notify" value="payment_remindr"')
    [problem] = _problems(upload(analyst, "reklame", {"pembayaran_retribusi.bpmn": bad}))
    assert "payment_remindr" in problem["message"] and "payment_reminder" in problem["message"]
