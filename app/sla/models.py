"""SLA rows: calendar corrections, the case clock and its ledger, task escalations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import CreatedAtMixin, utcnow
from app.common.types import UTCDateTime
from app.extensions import db

HOLIDAY_KINDS = ("national", "cuti_bersama", "local", "working_day")
CLOCK_STATES = ("pending", "running", "paused", "stopped")
ENTRY_STATES = ("running", "paused", "stopped")


class Holiday(CreatedAtMixin, db.Model):
    """A day off added by the office (or, kind=working_day, a listed holiday cancelled by decree)."""

    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="local")


class CaseClock(db.Model):
    """A case's SOP clock: figures derived from its ledger, kept for lists and the lapse sweep."""

    __tablename__ = "case_clocks"
    __table_args__ = (Index("ix_case_clocks_lapse_check_at", "lapse_check_at"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    sop_days: Mapped[int] = mapped_column(Integer)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    paused_reason: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_count: Mapped[int] = mapped_column(Integer, default=0)
    pending_pause_reason: Mapped[str | None] = mapped_column(String(100))
    pending_pause_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_working_days: Mapped[float] = mapped_column(Float, default=0.0)
    target_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapse_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deemed_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class ClockEntry(db.Model):
    """One line of a clock's ledger: from `at` the clock runs, pauses (with a reason) or stops.

    Rows are only ever added; the segment of an entry lasts until the next entry's `at`.
    """

    __tablename__ = "clock_entries"
    __table_args__ = (Index("ix_clock_entries_case_id", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class ClockExtension(db.Model):
    """Extra working days granted on a case's deadline by a supervisor, with the reason."""

    __tablename__ = "clock_extensions"
    __table_args__ = (Index("ix_clock_extensions_case_id", "case_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class TaskEscalation(db.Model):
    """A rung of the escalation ladder applied to a task; (task, level) is unique, so once only."""

    __tablename__ = "task_escalations"
    __table_args__ = (UniqueConstraint("task_id", "level"), Index("ix_task_escalations_case_id", "case_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    percent: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DailyRun(db.Model):
    """A once-a-day job that ran (e.g. the officers' digest), so a second scheduler skips it."""

    __tablename__ = "sla_daily_runs"
    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
