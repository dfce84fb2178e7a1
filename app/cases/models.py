"""Cases (permohonan), their documents and their append-only audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import CreatedAtMixin, utcnow
from app.common.types import JSONType, UTCDateTime
from app.extensions import db


class Case(CreatedAtMixin, db.Model):
    """An application and the read model of where its workflow stands."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_applicant_created", "applicant_id", "created_at"),
        Index("ix_cases_status_service", "status", "service_key"),
        Index("ix_cases_next_timer_at", "next_timer_at"),
        # Substring search on registration numbers (PostgreSQL with pg_trgm; migration 0014).
        Index("ix_cases_registration_number_trgm", "registration_number", postgresql_using="gin",
              postgresql_ops={"registration_number": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        Index("ix_cases_registration_number_pattern", "registration_number",
              postgresql_ops={"registration_number": "text_pattern_ops"}).ddl_if(dialect="postgresql"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    service_key: Mapped[str] = mapped_column(String(64), ForeignKey("services.key"))
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(32), default="draft")
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    workflow_state: Mapped[str | None] = mapped_column(Text)
    current_step: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    estimated_completion: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incident_element: Mapped[str | None] = mapped_column(String(200))
    incident_message: Mapped[str | None] = mapped_column(Text)
    status_before_incident: Mapped[str | None] = mapped_column(String(32))
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    applicant = relationship("User", foreign_keys=[applicant_id], lazy="joined")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    # Joined: nearly every change of a case asks for its parsed model (by the version's content hash), and
    # the version row is small (its files are deferred). Lists that never need it opt out (lazyload).
    process_version = relationship("ProcessVersion", lazy="joined")
    service = relationship("Service", lazy="joined")
    # The SOP clock (app/sla), loaded with its case too: every change of a case reads it, and the row is small.
    # Lists that never show it opt out (lazyload); the database deletes a clock with its case.
    clock = relationship("CaseClock", uselist=False, lazy="joined", passive_deletes=True)


class CaseEvent(db.Model):
    """One line of a case's audit trail; rows are only ever added."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(200))
    bpmn_id: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSONType)

    actor = relationship("User", lazy="joined")


class Document(CreatedAtMixin, db.Model):
    """An uploaded file of a case; the file lives in storage under a random key."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_case_requirement", "case_id", "requirement"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    requirement: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    task_id: Mapped[str | None] = mapped_column(String(36))


class Counter(db.Model):
    """Gap-free sequences (registration and permit numbers), advanced under a row lock."""

    __tablename__ = "counters"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
