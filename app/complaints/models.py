"""Complaints (pengaduan): the public ticket of a complaint case and its public response."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import CreatedAtMixin
from app.common.types import UTCDateTime
from app.extensions import db

COMPLAINT_STATUSES = ("received", "forwarded", "escalated", "answered", "rejected")


class Complaint(CreatedAtMixin, db.Model):
    """A complaint: what the complainant wrote, where it stands, and the answer given in public."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_public_answered", "is_public", "answered_at"),
                      Index("ix_complaints_status_created", "status", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(String(20), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    complainant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: filed anonymously
    name: Mapped[str] = mapped_column(String(150))
    contact: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    registration_number: Mapped[str | None] = mapped_column(String(32))  # the application it is about, if any
    status: Mapped[str] = mapped_column(String(16), default="received")
    category: Mapped[str | None] = mapped_column(String(32))
    complaint_type: Mapped[str | None] = mapped_column(String(32))
    forwarded_to: Mapped[str | None] = mapped_column(String(64))  # group key of the responsible unit
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_response: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")
    complainant = relationship("User")
