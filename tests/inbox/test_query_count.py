"""The inbox reads rows, not workflows: one statement for the list whatever the number of cases."""
from __future__ import annotations

import re

import pytest

from tests.inbox.support import PageClient, make_applicant, make_case, make_task
from tests.support.api import ApiClient
from tests.support.flow import submit_application
from tests.support.sql import recorded_statements


def _add_cases(n: int, emails: list[str]) -> None:
    from app.accounts import service as accounts
    from app.extensions import db

    officers = [accounts.get_by_email(e) for e in emails]
    for i in range(n):
        case = make_case(make_applicant(f"Pemohon {i}"))
        make_task(case, assignee=officers[i % len(officers)] if i % 3 else None, priority=i % 3)
    db.session.commit()


@pytest.fixture
def officers(ctx):
    from app.accounts import service as accounts
    from app.extensions import db
    from tests.inbox.support import make_officer

    make_officer("loket2@demo.local", "Budi Loket")
    make_officer("loket3@demo.local", "Citra Loket")
    db.session.commit()
    assert accounts.get_by_email("loket@demo.local") is not None
    return ["loket@demo.local", "loket2@demo.local", "loket3@demo.local"]


def test_the_list_is_one_statement_for_5_and_for_50_cases_with_rows_fully_shown(ctx, officers, monkeypatch):
    from app.accounts import service as accounts
    from app.extensions import db
    from app.inbox.service import list_tasks, sla_view

    monkeypatch.setattr("app.sla.service.CACHE_SECONDS", 3600.0)  # the calendar's cache must not lapse midway
    counts = []
    for n in (5, 45):
        _add_cases(n, officers)
        db.session.remove()  # a fresh session, as a new request has
        supervisor = accounts.get_by_email("supervisor@demo.local")
        _ = supervisor.roles, supervisor.group_keys  # loaded with the user, before the page's own work
        sla_view(_first_task())  # the office calendar is built once and cached
        db.session.remove()
        supervisor = accounts.get_by_email("supervisor@demo.local")
        _ = supervisor.roles, supervisor.group_keys
        with recorded_statements() as statements:
            items, total = list_tasks(supervisor, scope="all", per_page=50, sort="due")
            shown = [(t.case.registration_number, t.case.service.name, t.case.applicant.name,
                      t.assignee.name if t.assignee else None, sla_view(t)["working_days_left"]) for t in items]
        counts.append(len(statements))
        assert len(shown) == total == (5 if n == 5 else 50)
        assert all("workflow_state" not in s for s in statements)
        # Only what a list shows: no form data, step results, service fees or requirements decoded per row.
        unused = re.compile(r"\b(cases(_\d+)?\.data|tasks(_\d+)?\.result|services(_\d+)?\.(fee|requirements|"
                            r"description))\b")
        assert not [s for s in statements if unused.search(s)]
    assert counts == [1, 1]


def _first_task():
    from sqlalchemy import select

    from app.extensions import db
    from app.inbox.models import Task

    return db.session.scalars(select(Task).limit(1)).first()


def test_the_inbox_page_sends_the_same_statements_for_5_and_50_cases_and_loads_no_workflow(
        app, client, officers, monkeypatch):
    from app.engine import Engine

    def refuse(*args, **kwargs):
        raise AssertionError("the inbox must not load a workflow")

    submit_application(ApiClient(client, "pemohon@demo.local"))  # one case with a real workflow state
    monkeypatch.setattr(Engine, "load", refuse)
    # The office calendar is rebuilt (one query) when its short cache lapses: keep it for the test's length.
    monkeypatch.setattr("app.sla.service.CACHE_SECONDS", 3600.0)
    page = PageClient(client, "supervisor@demo.local")
    counts = []
    with app.app_context():
        for n in (4, 45):
            _add_cases(n, officers)
            assert page.get("/petugas/tugas?tab=all").status_code == 200  # warm caches (calendar, templates)
            with recorded_statements() as statements:
                response = page.get("/petugas/tugas?tab=all")
            assert response.status_code == 200
            assert response.get_data(as_text=True).count('data-task="') == (5 if n == 4 else 25)
            counts.append(len(statements))
    assert counts[0] == counts[1]
    assert counts[0] <= 12
