"""Working-day calendar, case clocks, escalation ladder and the supervisors' breach view (docs/SLA.md)."""
from __future__ import annotations

from flask import Flask

from app.common import signals


def init_app(app: Flask) -> None:
    """Register the API and pages, and follow cases through the domain signals."""
    from app.extensions import api

    from .api import bp as api_bp
    from .views import bp as pages_bp

    api.register_blueprint(api_bp)
    app.register_blueprint(pages_bp)
    signals.case_status_changed.connect(on_case_status_changed, weak=False)
    signals.task_closed.connect(on_task_closed, weak=False)
    signals.task_opened.connect(on_task_opened, weak=False)


def on_case_status_changed(sender, *, case, old: str, new: str, actor_id: int | None = None, **_) -> None:
    """The clock pauses, resumes or stops with the case's status."""
    from . import clocks

    clocks.follow_status(case, old=old, new=new, actor_id=actor_id)


def on_task_closed(sender, *, case, task, outcome: str, actor_id: int | None = None, **_) -> None:
    """A completed completeness check (berkas lengkap) starts the case's clock."""
    from . import clocks, ledger

    if outcome == "completed" and (task.result or {}).get(ledger.FILE_COMPLETE_FIELD) == ledger.FILE_COMPLETE_VALUE:
        clocks.start(case, actor_id=actor_id)


def on_task_opened(sender, *, case, task, **_) -> None:
    """A new task waits for its first escalation rung; the case's estimate takes the new step in."""
    from . import escalation, ledger

    task.case = case
    task.next_check_at = escalation.next_check(task, 0)
    if case.status not in ("draft", *ledger.FINAL_STATUSES) and ledger.get(case) is not None:
        ledger.refresh_soon(case)
