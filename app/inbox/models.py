"""Human-task rows: the read model every inbox, dashboard and escalation sweep reads."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, bindparam, event, or_, select, text
from sqlalchemy.orm import Mapped, Session, lazyload, mapped_column, relationship

from app.common.models import CreatedAtMixin, peek_transaction_cache, transaction_cache, with_unwritten
from app.common.types import JSONType, UTCDateTime
from app.extensions import db

TASK_STATES = ("ready", "claimed", "completed", "cancelled")
OPEN_STATES = ("ready", "claimed")
STALE_RISK = ("state IN ('ready', 'claimed') AND due_at IS NOT NULL "
              "AND (at_risk_for_due_at IS NULL OR at_risk_for_due_at <> due_at)")


class Task(CreatedAtMixin, db.Model):
    """One human task of a case; its id is the workflow task's id."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_group_state_due", "group_key", "state", "due_at"),
        Index("ix_tasks_assignee_state_due", "assignee_id", "state", "due_at"),
        Index("ix_tasks_state_next_check", "state", "next_check_at"),
        Index("ix_tasks_case", "case_id"),
        # Open rows whose risk moment was set for another due date: the inbox job's sweep (migration 0014).
        Index("ix_tasks_risk_stale", "id", postgresql_where=text(STALE_RISK), sqlite_where=text(STALE_RISK)),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    group_key: Mapped[str] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16), default="ready")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_working_days: Mapped[int | None] = mapped_column(Integer)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_schema: Mapped[str | None] = mapped_column(String(200))
    form_ui_schema: Mapped[str | None] = mapped_column(String(200))
    case_status: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[dict | None] = mapped_column(JSONType)
    follow_up_on: Mapped[date | None] = mapped_column(Date)  # hidden from inbox lists until this office day
    follow_up_note: Mapped[str | None] = mapped_column(String(500))
    at_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when 75% of the task's SLA is used
    at_risk_for_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the due date at_risk_at was set for
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    case = relationship("Case", lazy="joined")
    assignee = relationship("User", foreign_keys=[assignee_id])


# The task rows of a case read in the current transaction (app.common.models.transaction_cache): the open rows,
# and the rows of the ids asked for. A change reads them once: the workflow's task sync first, then the pause
# rules and the estimate. Rows are never reopened, and the rows a change adds are kept here once written.
_CASE_ROWS = "inbox.case_rows"


def case_task_rows(case_id: int, ids: Iterable[str] = ()) -> list[Task]:
    """The case's open task rows, and its rows of `ids` whatever their state, as this session sees them.

    Stored rows are read without flushing the caller's pending work, and at most once per transaction (again
    only for ids not asked for before); rows added and not written yet follow, as an autoflushed read would
    have returned them. No row joins its case (Task.case is lazy="joined"), which is in the session already.
    """
    asked = set(ids)
    kept = transaction_cache(_CASE_ROWS)
    known = kept.get(case_id)
    if known is None or not asked <= known["ids"]:
        with db.session.no_autoflush:
            if asked:
                stored = db.session.scalars(_rows_query(True), {"case_id": case_id, "ids": sorted(asked)})
            else:
                stored = db.session.scalars(_rows_query(False), {"case_id": case_id})
            rows = {row.id: row for row in stored}
        known = kept[case_id] = {"rows": {**known["rows"], **rows} if known else rows,
                                 "ids": asked | known["ids"] if known else asked}
    return [row for row in with_unwritten(Task, case_id, list(known["rows"].values()))
            if row.state in OPEN_STATES or row.id in asked]


@cache
def _rows_query(with_ids: bool):
    """The statement of `case_task_rows`, built once (parameters: case_id, and ids when `with_ids`)."""
    wanted = Task.state.in_(OPEN_STATES)
    if with_ids:
        wanted = or_(wanted, Task.id.in_(bindparam("ids", expanding=True)))
    return select(Task).options(lazyload(Task.case)).where(Task.case_id == bindparam("case_id"), wanted)


@event.listens_for(Session, "pending_to_persistent")
def _task_written(session: Session, instance) -> None:
    if isinstance(instance, Task):
        kept = peek_transaction_cache(_CASE_ROWS, session)
        if kept is not None and instance.case_id in kept:
            kept[instance.case_id]["rows"][instance.id] = instance


# -- officer workspace: internal notes, absences, saved filters, automatic assignment -----------


class CaseNote(CreatedAtMixin, db.Model):
    """An internal note between officers about a case; never shown to applicants."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)

    author = relationship("User", lazy="joined")


class Absence(CreatedAtMixin, db.Model):
    """An officer's absence: meanwhile their tasks and new assignments go to the delegate."""

    __tablename__ = "officer_absences"
    __table_args__ = (Index("ix_officer_absences_user_ends", "user_id", "ends_on"),
                      Index("ix_officer_absences_starts", "starts_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # open tasks handed over
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    delegate = relationship("User", foreign_keys=[delegate_id])


class SavedFilter(CreatedAtMixin, db.Model):
    """Inbox filter parameters saved by an officer, optionally shared with one of their groups."""

    __tablename__ = "saved_filters"
    __table_args__ = (Index("ix_saved_filters_owner", "owner_id"), Index("ix_saved_filters_group", "group_key"))
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    group_key: Mapped[str | None] = mapped_column(String(64))

    owner = relationship("User", lazy="joined")


ROUTING_MODES = ("manual", "round_robin", "least_loaded")


class GroupRouting(db.Model):
    """How new tasks of a group are assigned: by claiming (manual) or automatically."""

    __tablename__ = "group_routing"
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default="manual")
    last_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
