"""Who gets a task: automatic assignment per group, and absences with a delegate."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.common import clock
from tests.inbox.support import aware, make_case, make_officer, make_task
from tests.support.api import ApiClient
from tests.support.flow import submit_application

MONDAY = aware("2026-11-23T09:00:00+07:00")


@pytest.fixture
def team(ctx):
    from app.accounts import service as accounts
    from app.extensions import db

    team = {"andi": accounts.get_by_email("loket@demo.local"), "budi": make_officer("loket2@demo.local", "Budi Loket"),
            "citra": make_officer("loket3@demo.local", "Citra Loket"),
            "supervisor": accounts.get_by_email("supervisor@demo.local")}
    db.session.commit()
    return team


def _open(task):
    """Announce a task as the case flow does when it becomes ready."""
    from app.common import signals

    signals.task_opened.send(task.case, case=task.case, task=task)
    return task


def test_round_robin_hands_new_tasks_to_each_officer_in_turn(app, client):
    with app.app_context():
        from app.accounts import service as accounts
        from app.extensions import db
        from app.inbox import routing

        make_officer("loket2@demo.local", "Budi Loket")
        routing.set_routing(group_key="verifikator", mode="round_robin",
                            actor=accounts.get_by_email("supervisor@demo.local"))
        db.session.commit()
    applicant = ApiClient(client, "pemohon@demo.local")
    task_ids = [submit_application(applicant)["current_steps"][0]["task_id"] for _ in range(3)]
    with app.app_context():
        from app.extensions import db
        from app.inbox.models import Task

        tasks = [db.session.get(Task, task_id) for task_id in task_ids]
        assert [(t.state, t.assignee.name) for t in tasks] == [
            ("claimed", "Andi Verifikator"), ("claimed", "Budi Loket"), ("claimed", "Andi Verifikator")]


def test_least_loaded_picks_the_officer_with_fewest_open_tasks(team):
    from app.inbox import routing

    with clock.frozen_at(MONDAY):
        routing.set_routing(group_key="verifikator", mode="least_loaded", actor=team["supervisor"])
        make_task(make_case(), assignee=team["andi"])
        make_task(make_case(), assignee=team["budi"])
        make_task(make_case(), assignee=team["budi"], group="teknis_dinkes")
        task = _open(make_task(make_case()))
    assert task.assignee_id == team["citra"].id and task.state == "claimed"
    assert task.at_risk_at is not None


def test_manual_groups_leave_tasks_for_claiming_and_absent_officers_get_none(team):
    from app.inbox import routing

    with clock.frozen_at(MONDAY):
        assert _open(make_task(make_case())).assignee_id is None
        routing.set_routing(group_key="verifikator", mode="round_robin", actor=team["supervisor"])
        for officer in ("andi", "citra"):
            routing.create_absence(user=team[officer], actor=team[officer], delegate=team["budi"],
                                   starts_on=MONDAY.date(), ends_on=MONDAY.date() + timedelta(days=4))
        picked = {_open(make_task(make_case())).assignee_id for _ in range(3)}
    assert picked == {team["budi"].id}


def test_only_supervisors_choose_how_a_group_is_assigned(team):
    from app.common.errors import Forbidden, ValidationFailed
    from app.inbox import routing

    with pytest.raises(Forbidden):
        routing.set_routing(group_key="verifikator", mode="round_robin", actor=team["andi"])
    with pytest.raises(ValidationFailed):
        routing.set_routing(group_key="verifikator", mode="by_mood", actor=team["supervisor"])


def test_an_absence_hands_open_tasks_to_the_delegate_and_redirects_new_assignments(team):
    from app.inbox import routing, service

    with clock.frozen_at(MONDAY):
        held = make_task(make_case(), assignee=team["andi"])
        other_group = make_task(make_case(), assignee=team["andi"], group="kabid", bpmn_id="persetujuan")
        routing.create_absence(user=team["andi"], actor=team["andi"], delegate=team["budi"], starts_on=MONDAY.date(),
                               ends_on=MONDAY.date() + timedelta(days=2), note="Cuti")
        assert (held.assignee_id, held.state) == (team["budi"].id, "claimed")
        assert (other_group.assignee_id, other_group.state) == (None, "ready")  # Budi is not in kabid
        fresh = make_task(make_case())
        service.assign(task=fresh, actor=team["supervisor"], assignee=team["andi"])
        assert fresh.assignee_id == team["budi"].id
    with clock.frozen_at(MONDAY + timedelta(days=3)):
        later = make_task(make_case())
        service.assign(task=later, actor=team["supervisor"], assignee=team["andi"])
        assert later.assignee_id == team["andi"].id


def test_an_absence_starting_later_is_handed_over_by_the_scheduler_job(team):
    from app.inbox import jobs, routing

    with clock.frozen_at(MONDAY):
        held = make_task(make_case(), assignee=team["andi"])
        routing.create_absence(user=team["andi"], actor=team["andi"], delegate=team["citra"],
                               starts_on=MONDAY.date() + timedelta(days=1), ends_on=MONDAY.date() + timedelta(days=2))
        assert jobs.run_due(MONDAY)["absences_handed_over"] == 0
        assert held.assignee_id == team["andi"].id
    tuesday = MONDAY + timedelta(days=1)
    assert jobs.run_due(tuesday)["absences_handed_over"] == 1
    assert held.assignee_id == team["citra"].id
    assert jobs.run_due(tuesday)["absences_handed_over"] == 0  # a re-run changes nothing


def test_a_delegate_must_be_an_officer_of_the_same_group_and_not_delegating_back(team):
    from app.accounts import service as accounts
    from app.common.errors import ValidationFailed
    from app.inbox import routing

    kabid = accounts.get_by_email("kabid@demo.local")
    with clock.frozen_at(MONDAY):
        with pytest.raises(ValidationFailed) as refused:
            routing.create_absence(user=team["andi"], actor=team["andi"], delegate=kabid, starts_on=MONDAY.date(),
                                   ends_on=MONDAY.date())
        assert "delegate_id" in refused.value.fields
        routing.create_absence(user=team["andi"], actor=team["andi"], delegate=team["budi"], starts_on=MONDAY.date(),
                               ends_on=MONDAY.date() + timedelta(days=5))
        with pytest.raises(ValidationFailed):
            routing.create_absence(user=team["budi"], actor=team["budi"], delegate=team["andi"],
                                   starts_on=MONDAY.date() + timedelta(days=1), ends_on=MONDAY.date() + timedelta(days=2))
        with pytest.raises(ValidationFailed):
            routing.create_absence(user=team["andi"], actor=team["andi"], delegate=team["citra"],
                                   starts_on=MONDAY.date() + timedelta(days=2), ends_on=MONDAY.date() + timedelta(days=3))


def test_officers_set_and_end_their_absence_on_the_page(app, client):
    from tests.inbox.support import PageClient

    with app.app_context():
        from app.extensions import db

        make_officer("loket2@demo.local", "Budi Loket")
        db.session.commit()
        budi_id = __import__("app.accounts.service", fromlist=["get_by_email"]).get_by_email("loket2@demo.local").id
    page = PageClient(client, "loket@demo.local")
    today = clock.now().astimezone(clock.JAKARTA).date()
    response = page.post("/petugas/ketidakhadiran", data={"starts_on": today.isoformat(),
                                                          "ends_on": (today + timedelta(days=2)).isoformat(),
                                                          "delegate_id": str(budi_id), "note": "Dinas luar"})
    assert response.status_code == 302
    html = page.text("/petugas/ketidakhadiran")
    assert "pengganti: Budi Loket" in html
    bad = page.post("/petugas/ketidakhadiran", data={"starts_on": today.isoformat(), "ends_on": "kemarin",
                                                     "delegate_id": str(budi_id)})
    assert bad.status_code == 422 and "Tanggal tidak valid" in bad.get_data(as_text=True)
    with app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from app.inbox.models import Absence

        absence_id = db.session.scalar(select(Absence.id))
    assert page.post(f"/petugas/ketidakhadiran/{absence_id}/akhiri").status_code == 302
    assert "pengganti: Budi Loket" not in page.text("/petugas/ketidakhadiran")


def test_a_supervisor_chooses_the_assignment_mode_on_the_page(app, client):
    from tests.inbox.support import PageClient

    supervisor = PageClient(client, "supervisor@demo.local")
    assert 'id="mode-verifikator"' in supervisor.text("/petugas/penugasan")
    assert supervisor.post("/petugas/penugasan", data={"group": "verifikator", "mode": "least_loaded"}).status_code == 302
    assert 'value="least_loaded" selected' in supervisor.text("/petugas/penugasan")
    assert PageClient(app.test_client(), "loket@demo.local").get("/petugas/penugasan").status_code == 403
