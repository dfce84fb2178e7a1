"""The analysts' workspace: saved model tests (scenarios) and the model change log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import CreatedAtMixin, utcnow
from app.common.types import JSONType, UTCDateTime
from app.extensions import db


class ModelTest(CreatedAtMixin, db.Model):
    """A saved test run of a service's model: sample data per step and the expected path."""

    __tablename__ = "model_tests"
    __table_args__ = (UniqueConstraint("service_key", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[dict] = mapped_column(JSONType)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_version: Mapped[int | None] = mapped_column(Integer)
    last_passed: Mapped[bool | None] = mapped_column()
    last_result: Mapped[dict | None] = mapped_column(JSONType)

    created_by = relationship("User")


class ModelEvent(db.Model):
    """One line of a service model's audit trail: a version stored, deployed or rolled back."""

    __tablename__ = "model_events"
    __table_args__ = (Index("ix_model_events_service_id", "service_key", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    actor = relationship("User", lazy="joined")
