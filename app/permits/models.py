"""Issued permits (SK/izin), their signed documents and public verification tokens."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.types import UTCDateTime
from app.extensions import db

PERMIT_STATUSES = ("valid", "revoked")  # "expired" is derived from valid_until, never stored


class Permit(db.Model):
    """A permit issued for a case; the number is gap-free per service and year."""

    __tablename__ = "permits"
    __table_args__ = (Index("ix_permits_status_valid_until", "status", "valid_until"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    service_key: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[date | None] = mapped_column(Date)
    verify_token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The signed PDF in upload storage (random key) and what went into it.
    storage_key: Mapped[str | None] = mapped_column(String(64))
    conditions: Mapped[str | None] = mapped_column(Text)
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_nip: Mapped[str | None] = mapped_column(String(32))
    signing_cert_sha256: Mapped[str | None] = mapped_column(String(64))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("permits.id"))

    case = relationship("Case")
    replaces = relationship("Permit", remote_side=[id])


class PermitReminder(db.Model):
    """An expiry reminder (60 or 14 days before) that was handled for a permit: one row each, ever."""

    __tablename__ = "permit_reminders"
    __table_args__ = (UniqueConstraint("permit_id", "days_before"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("permits.id", ondelete="CASCADE"), index=True)
    days_before: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False when a later, more urgent reminder made this one moot (e.g. a permit issued 30 days before expiry).
    notified: Mapped[bool] = mapped_column(Boolean, default=True)
