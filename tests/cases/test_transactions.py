"""One transaction per state change: all of it or nothing, and no lost update under races."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.support.api import ApiClient
from tests.support.flow import all_ok, submit_application


def _counts(app, case_id):
    with app.app_context():
        from app.cases.models import Case, CaseEvent
        from app.extensions import db
        from app.inbox.models import Task

        case = db.session.get(Case, case_id)
        tasks = [(t.bpmn_id, t.state) for t in db.session.scalars(select(Task).where(Task.case_id == case_id))]
        events = db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id))
        return case.status, case.version, case.workflow_state, sorted(tasks), events


def test_a_failure_mid_step_leaves_no_partial_rows(client, app, monkeypatch):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task_id = case["current_steps"][0]["task_id"]
    before = _counts(app, case["id"])

    # Break the step after the engine ran and the next task row was written.
    from app.cases import events

    real_record = events.record

    def record_then_fail(case, kind, **kwargs):
        event = real_record(case, kind, **kwargs)
        if kind == "task_created":
            raise RuntimeError("disk full")
        return event

    monkeypatch.setattr(events, "record", record_then_fail)
    body = {"data": {"verification_outcome": "complete", "document_verdicts": all_ok()}}
    response = loket.post(f"/api/v1/tasks/{task_id}/complete", json=body)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert _counts(app, case["id"]) == before

    monkeypatch.undo()
    assert loket.post(f"/api/v1/tasks/{task_id}/complete", json=body).status_code == 200
    assert _counts(app, case["id"])[0] == "waiting_agency"


def test_two_officers_completing_one_task_at_once_exactly_one_wins(client, app):
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        accounts.create_user(email="loket2@demo.local", name="Budi Loket", password="Demo#2026",
                             roles=("officer",), groups=("verifikator",), verified=True)
        db.session.commit()
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    task_id = case["current_steps"][0]["task_id"]
    officers = [ApiClient(app.test_client(), "loket@demo.local"), ApiClient(app.test_client(), "loket2@demo.local")]
    barrier = threading.Barrier(2)
    results: list[int] = []
    body = {"data": {"verification_outcome": "complete", "document_verdicts": all_ok()}}

    def race(officer):
        barrier.wait()
        results.append(officer.post(f"/api/v1/tasks/{task_id}/complete", json=body).status_code)

    threads = [threading.Thread(target=race, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [200, 409]
    status, _version, _state, tasks, _events = _counts(app, case["id"])
    assert status == "waiting_agency"
    assert tasks.count(("verifikasi", "completed")) == 1
    assert [t for t in tasks if t[0] == "rekomendasi_dinkes"] == [("rekomendasi_dinkes", "ready")]


@pytest.mark.parametrize("attempts", [2])
def test_two_claims_at_once_one_wins(client, app, attempts):
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db

        accounts.create_user(email="loket2@demo.local", name="Budi Loket", password="Demo#2026",
                             roles=("officer",), groups=("verifikator",), verified=True)
        db.session.commit()
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    task_id = case["current_steps"][0]["task_id"]
    officers = [ApiClient(app.test_client(), "loket@demo.local"), ApiClient(app.test_client(), "loket2@demo.local")]
    barrier = threading.Barrier(attempts)
    results: list[int] = []

    def race(officer):
        barrier.wait()
        results.append(officer.post(f"/api/v1/tasks/{task_id}/claim").status_code)

    threads = [threading.Thread(target=race, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [200, 409]


def test_stale_case_write_is_a_conflict(app):
    """A writer holding an old version of the case row cannot overwrite a newer one."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    with app.app_context():
        from app.accounts.service import get_by_email
        from app.cases import service as cases
        from app.extensions import db

        case = cases.create_draft(actor=get_by_email("pemohon@demo.local"), service_key="sip_apoteker", data={})
        db.session.commit()
        with Session(db.engine) as other:
            from app.cases.models import Case

            stale = other.get(Case, case.id)
            case.data = {"nama_lengkap": "Nama Baru"}
            db.session.commit()
            stale.data = {"nama_lengkap": "Nama Lama"}
            with pytest.raises(StaleDataError):
                other.commit()
        db.session.refresh(case)
        assert case.data == {"nama_lengkap": "Nama Baru"}
