"""The inbox query: scopes, filters, follow-up hiding, sorting, paging and tab counts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.common import clock
from tests.inbox.support import aware, make_applicant, make_case, make_officer, make_task

MONDAY = aware("2026-11-23T09:00:00+07:00")


@pytest.fixture
def people(ctx):
    from app.accounts import service as accounts

    return {"loket": accounts.get_by_email("loket@demo.local"), "dinkes": accounts.get_by_email("teknis.dinkes@demo.local"),
            "supervisor": accounts.get_by_email("supervisor@demo.local"),
            "loket2": make_officer("loket2@demo.local", "Budi Loket")}


def _ids(result):
    items, _ = result
    return [t.id for t in items]


def test_mine_lists_only_open_tasks_assigned_to_me(people):
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        mine = make_task(make_case(), assignee=people["loket"])
        make_task(make_case(), assignee=people["loket2"])
        make_task(make_case())
        done = make_task(make_case(), assignee=people["loket"])
        done.state = "completed"
        assert _ids(list_tasks(people["loket"], scope="mine")) == [mine.id]


def test_group_lists_unclaimed_tasks_of_my_groups_only(people):
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        mine = make_task(make_case())
        make_task(make_case(), assignee=people["loket2"])
        make_task(make_case(), group="teknis_dinkes", bpmn_id="rekomendasi_dinkes")
        assert _ids(list_tasks(people["loket"], scope="group")) == [mine.id]
        assert len(_ids(list_tasks(people["dinkes"], scope="group"))) == 1


def test_all_scope_is_refused_to_officers_and_lists_every_open_task_for_supervisors(people):
    from app.common.errors import Forbidden
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        make_task(make_case())
        make_task(make_case(), group="teknis_dinkes", assignee=people["dinkes"])
        with pytest.raises(Forbidden):
            list_tasks(people["loket"], scope="all")
        assert list_tasks(people["supervisor"], scope="all")[1] == 2


def test_filters_by_service_step_and_search_on_registration_number_or_applicant_name(people):
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        rina = make_task(make_case(make_applicant("Rina Marlina")))
        other = make_task(make_case(make_applicant("Joko Susilo")), bpmn_id="verifikasi_ulang")
        sup = people["supervisor"]
        assert _ids(list_tasks(sup, scope="all", q="marlina")) == [rina.id]
        assert _ids(list_tasks(sup, scope="all", q=other.case.registration_number.lower())) == [other.id]
        assert _ids(list_tasks(sup, scope="all", q=other.case.registration_number[:-2])) != []
        assert _ids(list_tasks(sup, scope="all", step="verifikasi_ulang")) == [other.id]
        assert _ids(list_tasks(sup, scope="all", service="sip_apoteker"))
        assert _ids(list_tasks(sup, scope="all", service="tidak_ada")) == []
        assert _ids(list_tasks(sup, scope="all", q="100%_")) == []


def test_due_filters_pick_overdue_due_today_and_at_risk_tasks(people):
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        week_old = make_task(make_case(), created_at=MONDAY - timedelta(days=7))  # due last Thursday
        due_today = make_task(make_case(), created_at=MONDAY - timedelta(days=3), sla_days=1)  # Fri -> Mon 16:00
        fresh = make_task(make_case(), sla_days=10)
    sup = people["supervisor"]
    with clock.frozen_at(MONDAY):
        assert _ids(list_tasks(sup, scope="all", due="overdue")) == [week_old.id]
        assert _ids(list_tasks(sup, scope="all", due="today")) == [due_today.id]
        # Received Friday 09:00 with one working day (15 office hours to Monday 16:00): 8 hours used.
        assert _ids(list_tasks(sup, scope="all", due="at_risk")) == []
    with clock.frozen_at(MONDAY + timedelta(hours=5)):  # 13 of 15 hours used
        assert _ids(list_tasks(sup, scope="all", due="at_risk")) == [due_today.id]
        assert fresh.id not in _ids(list_tasks(sup, scope="all", due="at_risk"))


def test_deferred_tasks_are_hidden_until_their_follow_up_day(people):
    from app.inbox.service import list_tasks, set_follow_up

    with clock.frozen_at(MONDAY):
        task = make_task(make_case(), assignee=people["loket"])
        set_follow_up(task=task, actor=people["loket"], follow_up_on=MONDAY.date() + timedelta(days=2), note="Menunggu KFN")
        assert _ids(list_tasks(people["loket"], scope="mine")) == []
        assert _ids(list_tasks(people["loket"], scope="mine", deferred=True)) == [task.id]
    with clock.frozen_at(MONDAY + timedelta(days=2)):
        assert _ids(list_tasks(people["loket"], scope="mine")) == [task.id]


def test_page_sort_is_by_due_date_and_priority_sort_puts_urgent_first(people):
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        later = make_task(make_case(), sla_days=5, priority=2)
        sooner = make_task(make_case(), sla_days=1)
        sup = people["supervisor"]
        assert _ids(list_tasks(sup, scope="all", sort="due")) == [sooner.id, later.id]
        assert _ids(list_tasks(sup, scope="all", sort="priority")) == [later.id, sooner.id]


def test_pages_carry_the_total_even_past_the_last_page(people):
    from app.inbox.service import list_tasks

    with clock.frozen_at(MONDAY):
        for _ in range(5):
            make_task(make_case())
        sup = people["supervisor"]
        first = list_tasks(sup, scope="all", per_page=2, page=1)
        last = list_tasks(sup, scope="all", per_page=2, page=3)
        beyond = list_tasks(sup, scope="all", per_page=2, page=9)
    assert (len(first[0]), first[1]) == (2, 5)
    assert (len(last[0]), last[1]) == (1, 5)
    assert beyond == ([], 5)


def test_tab_counts_follow_the_scopes(people):
    from app.inbox.service import set_follow_up, tab_counts

    with clock.frozen_at(MONDAY):
        make_task(make_case(), assignee=people["loket"])
        deferred = make_task(make_case(), assignee=people["loket"])
        set_follow_up(task=deferred, actor=people["loket"], follow_up_on=MONDAY.date() + timedelta(days=1))
        make_task(make_case())
        make_task(make_case(), group="teknis_dinkes")
        assert tab_counts(people["loket"]) == {"mine": 1, "group": 1, "all": None, "deferred": 1}
        assert tab_counts(people["supervisor"]) == {"mine": 0, "group": 0, "all": 3, "deferred": 1}


def test_the_job_marks_the_risk_moment_again_when_a_due_date_moves(people):
    from app.inbox import jobs

    with clock.frozen_at(MONDAY):
        task = make_task(make_case())
        before = task.at_risk_at
        assert jobs.run_due(MONDAY)["tasks_risk_marked"] == 0
        task.due_at = task.due_at + timedelta(days=7)  # e.g. the calendar gained a holiday
        assert jobs.run_due(MONDAY)["tasks_risk_marked"] == 1
        assert task.at_risk_at > before and task.at_risk_for_due_at == task.due_at
        assert jobs.run_due(MONDAY)["tasks_risk_marked"] == 0
