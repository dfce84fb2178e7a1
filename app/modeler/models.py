"""The analysts' workspace: saved model tests (scenarios), the model change log and deploy requests."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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


DEPLOY_STATES = ("pending", "approved", "rejected", "withdrawn")
PENDING_ONLY = "state = 'pending'"


class DeployRequest(db.Model):
    """An analyst's request to make a version active; a second person approves or rejects it (four-eyes)."""

    __tablename__ = "model_deploy_requests"
    __table_args__ = (
        # One open request per version: a second request, or a race of two, fails instead of queueing twice.
        Index("uq_model_deploy_requests_pending", "service_key", "version", unique=True,
              postgresql_where=text(PENDING_ONLY), sqlite_where=text(PENDING_ONLY)),
        Index("ix_model_deploy_requests_state_id", "state", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")
