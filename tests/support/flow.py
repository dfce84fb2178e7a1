"""A case walked through the HTTP API as the applicant and the demo officers do it (shared by many tests)."""
from __future__ import annotations

from tests.support.api import MINIMAL_PDF, MINIMAL_PNG, ApiClient, completion
from tests.support.data import requirements, sample_application


def submit_application(applicant: ApiClient) -> dict:
    """A sip_apoteker application with its example data and every required file, submitted."""
    created = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()})
    assert created.status_code == 201, created.get_json()
    case = created.get_json()
    assert case["status"] == "draft"
    for req in requirements():
        if not req["required"]:
            continue
        if ".pdf" in req["accept"]:
            response = applicant.upload(case["id"], req["key"], MINIMAL_PDF, f"{req['key']}.pdf")
        else:
            response = applicant.upload(case["id"], req["key"], MINIMAL_PNG, f"{req['key']}.png")
        assert response.status_code == 201, response.get_json()
    submitted = applicant.post(f"/api/v1/cases/{case['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


def all_ok() -> dict:
    """Every required document accepted (the verification form's verdicts)."""
    return {r["key"]: {"verdict": "ok"} for r in requirements() if r["required"]}


def take_group_task(officer: ApiClient, case_id: int) -> dict:
    """Claim the case's one task waiting in the officer's groups."""
    inbox = officer.get("/api/v1/tasks?scope=group").get_json()
    mine = [t for t in inbox["items"] if t["case_id"] == case_id]
    assert len(mine) == 1, inbox
    task = mine[0]
    claimed = officer.post(f"/api/v1/tasks/{task['id']}/claim")
    assert claimed.status_code == 200, claimed.get_json()
    return task


def complete_task(officer: ApiClient, task_id: str, data: dict) -> dict:
    """Complete a task through the API (200 expected); returns the case."""
    response = officer.post(f"/api/v1/tasks/{task_id}/complete", json=completion(data))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["case"]
