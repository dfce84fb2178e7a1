"""Indicators after the office changes: extensions of the deadline, applicants' own open steps."""
from __future__ import annotations

from tests.dashboard.support import NOW, august, make_task


def test_an_extension_moves_the_on_time_limit(office, supervisor):
    from app.dashboard import service
    from app.extensions import db
    from app.sla.models import CaseClock

    db.session.get(CaseClock, office["B"].id).extension_days = 2
    db.session.commit()
    assert service.summary(supervisor, period=august(), now=NOW)["on_time_rate"] == 1.0


def test_open_overdue_and_at_risk_tasks_are_counted_now_without_the_applicants_steps(office, supervisor):
    from app.dashboard import service
    from app.extensions import db
    from tests.dashboard.support import REVISE

    make_task(office["D"], "perbaikan", **REVISE, created="2026-08-26 09:00")
    db.session.commit()
    data = service.summary(supervisor, period=august(), now=NOW)
    assert data["open_cases"] == 2  # D and F; the open complaint is not a case of a service
    assert (data["open_tasks"], data["overdue_tasks"], data["at_risk_tasks"]) == (2, 1, 1)
