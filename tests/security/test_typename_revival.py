"""Stored case data is plain JSON: a `typename` key never revives a class, and an unreadable state is an incident.

SpiffWorkflow's serializer rebuilds any dict carrying `typename` as the registered class of that name. Form fields,
officers' verdict keys, script results and message payloads all reach task data, so each is tried here; a state
stored before the fix (or otherwise corrupt) must put the case in incident, keep its pages up, and be repairable.
"""
from __future__ import annotations

import pytest

from app.engine import Engine, UnreadableState
from tests.engine import models
from tests.support.api import ApiClient
from tests.support.flow import all_ok, submit_application, take_group_task
from tests.support.pages import login, submit

ENGINE = Engine(time_limit=0.5)
FORGED = {"typename": "timedelta", "days": 1}
PLAIN_LOOKALIKES = [
    {"x": FORGED},
    FORGED,  # as top-level variables: the task's data delta itself carries the key
    {"x": {"typename": "BpmnWorkflow"}},
    {"x": [{"typename": "UUID", "value": "12345678-1234-5678-1234-567812345678"}]},
    {"x": {"typename": {"nested": True}}},
    {"x": {"~typename": "a", "~~typename": "b", "typename": "c"}},
]


def _reloaded(run):
    return ENGINE.load(run.model, run.serialize())


def _legacy(state: str) -> str:
    """The state as stored before the fix: user keys `typename` written as they were."""
    return state.replace('"~typename"', '"typename"')


@pytest.mark.parametrize("data", PLAIN_LOOKALIKES)
def test_form_data_that_looks_like_a_class_tag_stays_plain_data(data):
    """Completed form data reads back exactly as submitted, never as a timedelta or a load error."""
    model = models.parsed(models.script_after_wait("done = True"), "attack")
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, data)
    assert {k: v for k, v in _reloaded(run).data().items() if k in data} == data


@pytest.mark.parametrize("data", PLAIN_LOOKALIKES)
def test_initial_case_data_that_looks_like_a_class_tag_stays_plain_data(data):
    """The application data a case starts with reads back as submitted in the first task."""
    model = models.parsed(models.script_after_wait("done = True"), "attack")
    run = _reloaded(ENGINE.start(model, {"application": data}))
    assert run.human_tasks()[0].data["application"] == data


def test_script_cannot_forge_a_timedelta_through_a_stored_state():
    """A script's dict with `typename` is the same dict after a save and load, not a revived object."""
    script = 'forged = {"typename": "timedelta", "days": 1}\ntypename = "timedelta"\ndays = 2'
    model = models.parsed(models.script_after_wait(script), "attack")
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, {})
    data = _reloaded(run).data()
    assert data["forged"] == FORGED and data["typename"] == "timedelta" and data["days"] == 2


def test_message_payload_that_looks_like_a_class_tag_stays_plain_data():
    """A partner's payload reaches task data as sent, through the stored state."""
    model = models.parsed(models.message_wait(), "paid")
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, {})
    run = _reloaded(run)
    run.deliver_message("payment_received", {"reference": FORGED, "typename": "UUID"})
    assert _reloaded(run).data()["payment"] == {"reference": FORGED, "typename": "UUID"}


def test_state_stored_before_the_fix_is_refused_and_repairable_without_reviving():
    """A legacy state with a forged tag is unreadable (never revived); the repair keeps it as plain data."""
    model = models.parsed(models.script_after_wait("done = True"), "attack")
    run = ENGINE.start(model, {"application": {"x": FORGED}})
    legacy = _legacy(run.serialize())
    with pytest.raises(UnreadableState) as refused:
        ENGINE.load(model, legacy)
    assert refused.value.forged and "application.x" in refused.value.forged[0]
    repaired, neutralised = ENGINE.repair(model, legacy)
    assert repaired.human_tasks()[0].data["application"] == {"x": FORGED}
    assert neutralised == refused.value.forged
    assert ENGINE.load(model, repaired.serialize()).human_tasks()[0].data["application"] == {"x": FORGED}


# -- through the application ------------------------------------------------------------------------------------


def _verified_with_a_typename_verdict(client) -> tuple[dict, ApiClient]:
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    task = take_group_task(loket, case["id"])
    verdicts = {**all_ok(), "typename": {"verdict": "ok"}}
    done = loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": verdicts}})
    assert done.status_code == 200, done.get_json()
    return done.get_json()["case"], loket


def test_officer_verdict_keyed_typename_does_not_stick_the_case(client):
    """A verdict key `typename` is an ordinary key: the next step loads the case and runs on."""
    case, _ = _verified_with_a_typename_verdict(client)
    assert case["status"] != "incident"
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    task = take_group_task(dinkes, case["id"])
    assert dinkes.get(f"/api/v1/tasks/{task['id']}").status_code == 200
    done = dinkes.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "recommendation": "recommend", "recommendation_note": "Sarana layak."}})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["case"]["status"] != "incident"


def _poison_stored_state(app, case_id: int) -> None:
    """Make the case's state look as the old code stored it (a raw `typename` in a verdict key)."""
    from app.cases.models import Case
    from app.extensions import db

    with app.app_context():
        case = db.session.get(Case, case_id)
        poisoned = _legacy(case.workflow_state)
        assert poisoned != case.workflow_state
        case.workflow_state = poisoned
        db.session.commit()


def _open_task(api: ApiClient, case_id: int) -> dict:
    items = api.get("/api/v1/tasks?scope=group").get_json()["items"] + api.get("/api/v1/tasks").get_json()["items"]
    return next(t for t in items if t["case_id"] == case_id)


def test_unreadable_stored_state_is_an_incident_with_pages_up_and_a_repair(app, client):
    """A poisoned state never 500s: pages render, the next step reports an incident, the analyst's repair runs it."""
    case, _ = _verified_with_a_typename_verdict(client)
    _poison_stored_state(app, case["id"])
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    analyst = ApiClient(client, "analis@demo.local")
    applicant = ApiClient(client, "pemohon@demo.local")
    task = take_group_task(dinkes, case["id"])

    assert applicant.get(f"/api/v1/cases/{case['id']}").status_code == 200
    assert dinkes.get(f"/api/v1/cases/{case['id']}").status_code == 200
    login(client, "teknis.dinkes@demo.local")
    assert client.get(f"/petugas/tugas/{task['id']}").status_code == 200
    done = dinkes.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "recommendation": "recommend", "recommendation_note": "Sarana layak."}})
    assert done.status_code == 200 and done.get_json()["case"]["status"] == "incident"
    assert _open_task(dinkes, case["id"])["id"] == task["id"]  # the step was not taken: it waits for the repair

    shown = analyst.get(f"/api/v1/cases/{case['id']}").get_json()
    assert shown["status"] == "incident" and "incident" in [h["kind"] for h in shown["history"]]
    login(client, "analis@demo.local")
    page = client.get("/analis/insiden").get_data(as_text=True)
    assert case["registration_number"] in page and "Netralkan data lalu coba lagi" in page
    assert "document_verdicts" in page

    repaired = submit(client, f"/analis/insiden/{case['id']}/perbaiki", {}, form_page="/analis/insiden",
                      follow_redirects=True)
    assert "berjalan lagi" in repaired.get_data(as_text=True)
    after = analyst.get(f"/api/v1/cases/{case['id']}").get_json()
    assert after["status"] != "incident"
    assert {"incident_repaired", "incident_retry"} <= {h["kind"] for h in after["history"]}

    done = dinkes.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "recommendation": "recommend", "recommendation_note": "Sarana layak."}})
    assert done.status_code == 200 and done.get_json()["case"]["status"] != "incident"


def test_corrupt_stored_state_is_an_incident_the_repair_reports(app, client):
    """State that no repair can read (broken JSON) is an incident too; the repair says why instead of failing."""
    from app.cases.models import Case
    from app.extensions import db

    case, _ = _verified_with_a_typename_verdict(client)
    with app.app_context():
        row = db.session.get(Case, case["id"])
        row.workflow_state = row.workflow_state[: len(row.workflow_state) // 2]
        db.session.commit()
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    task = take_group_task(dinkes, case["id"])
    done = dinkes.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "recommendation": "recommend", "recommendation_note": "Sarana layak."}})
    assert done.status_code == 200 and done.get_json()["case"]["status"] == "incident"
    login(client, "analis@demo.local")
    page = client.get("/analis/insiden").get_data(as_text=True)
    assert "tidak dapat diperbaiki otomatis" in page
    failed = submit(client, f"/analis/insiden/{case['id']}/perbaiki", {}, form_page="/analis/insiden",
                    follow_redirects=True)
    assert failed.status_code == 200 and "Gagal memperbaiki" in failed.get_data(as_text=True)


def test_payment_arriving_while_the_state_is_unreadable_is_delivered_by_the_repair(app, client, monkeypatch):
    """A message for a case in that state is kept with its incident and delivered once the repair runs the case."""
    from app.accounts.models import User
    from app.cases import service as cases
    from app.cases.models import Case, CaseEvent
    from app.catalog import service as catalog
    from app.extensions import db
    from app.modeler import incidents

    submitted = submit_application(ApiClient(client, "pemohon@demo.local"))
    model = models.parsed(models.message_wait().replace('value="issued"', 'value="approved"'), "paid")
    monkeypatch.setattr(catalog, "model_for_version", lambda version: model)
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, {"note": {"typename": "x"}})
    with app.app_context():
        case = db.session.get(Case, submitted["id"])
        case.workflow_state = _legacy(run.serialize())
        cases.deliver_message(case, "payment_received", {"amount": 150000}, actor_id=None)
        assert case.status == "incident"
        db.session.commit()
        analyst = db.session.scalars(db.select(User).where(User.email == "analis@demo.local")).one()
        incidents.repair(case_id=case.id, actor=analyst)
        db.session.commit()
        assert case.status == "approved"
        kinds = db.session.scalars(db.select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
        assert "incident_repaired" in kinds and "message_received" in kinds


def test_timer_sweep_on_an_unreadable_state_records_one_incident_and_stops_retrying(app, client):
    """The scheduler's load of a poisoned case is an incident, not a crash; the case leaves the timer sweep."""
    from datetime import timedelta

    from app.cases import service as cases
    from app.cases.models import Case, CaseEvent
    from app.common import clock
    from app.extensions import db

    case, _ = _verified_with_a_typename_verdict(client)
    _poison_stored_state(app, case["id"])
    with app.app_context():
        row = db.session.get(Case, case["id"])
        row.next_timer_at = clock.now() - timedelta(minutes=1)
        cases.fire_due_timers(row)
        cases.fire_due_timers(row)
        db.session.commit()
        assert row.status == "incident" and row.next_timer_at is None
        incidents = db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == row.id,
                                                                  CaseEvent.kind == "incident")).all()
        assert len(incidents) == 1 and incidents[0].data["forged"]
