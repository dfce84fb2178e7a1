"""The scheduler tick fires due BPMN timers as of a given moment, once."""
from __future__ import annotations

from datetime import timedelta

from tests.support.api import ApiClient
from tests.support.flow import submit_application, take_group_task


def test_revision_not_returned_in_14_days_expires_the_case(client, app):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    response = loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "revision", "verification_note": "KTP buram.",
        "document_verdicts": {"ktp": {"verdict": "revise", "note": "Buram."}}}})
    case = response.get_json()["case"]
    assert case["status"] == "waiting_applicant"
    with app.app_context():
        from app.cases.models import Case
        from app.extensions import db

        next_timer = db.session.get(Case, case["id"]).next_timer_at
    day8 = (next_timer + timedelta(hours=1)).isoformat()  # the 7-day reminder
    result = app.test_cli_runner().invoke(args=["worker", "run-once", "--now", day8])
    assert result.exit_code == 0, result.output
    assert applicant.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "waiting_applicant"
    day15 = (next_timer + timedelta(days=8)).isoformat()
    result = app.test_cli_runner().invoke(args=["worker", "run-once", "--now", day15])
    assert result.exit_code == 0, result.output
    final = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert final["status"] == "expired"
    kinds = [h["kind"] for h in final["history"]]
    assert kinds.count("timer_fired") == 2
    # A second tick as of the same moment does nothing more.
    app.test_cli_runner().invoke(args=["worker", "run-once", "--now", day15])
    again = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert [h["kind"] for h in again["history"]].count("timer_fired") == 2
    assert client.get("/healthz").get_json()["scheduler"]["last_tick_at"] is not None
