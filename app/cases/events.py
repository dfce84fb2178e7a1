"""The audit trail: append one event per thing that happened to a case."""
from __future__ import annotations

from typing import Any

from app.common import clock
from app.extensions import db

from .models import Case, CaseEvent


def record(case: Case, kind: str, *, actor_id: int | None, step: str | None = None, bpmn_id: str | None = None,
           note: str | None = None, data: dict[str, Any] | None = None, actor_role: str | None = None) -> CaseEvent:
    """Append an event to the case's audit trail (flushed with the caller's transaction)."""
    event = CaseEvent(case_id=case.id, at=clock.now(), actor_id=actor_id, actor_role=actor_role, kind=kind,
                      step=step, bpmn_id=bpmn_id, note=note, data=data)
    db.session.add(event)
    return event
