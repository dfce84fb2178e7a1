"""Human-task rows: the read model every inbox, dashboard and escalation sweep reads."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import CreatedAtMixin
from app.common.types import JSONType, UTCDateTime
from app.extensions import db

TASK_STATES = ("ready", "claimed", "completed", "cancelled")
OPEN_STATES = ("ready", "claimed")


class Task(CreatedAtMixin, db.Model):
    """One human task of a case; its id is the workflow task's id."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_group_state_due", "group_key", "state", "due_at"),
        Index("ix_tasks_assignee_state_due", "assignee_id", "state", "due_at"),
        Index("ix_tasks_state_next_check", "state", "next_check_at"),
        Index("ix_tasks_case", "case_id"),
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
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    case = relationship("Case", lazy="joined")
    assignee = relationship("User", foreign_keys=[assignee_id])
