"""Retribusi bills (SKRD with a billing code) and the log of every payment callback received."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.types import JSONType, UTCDateTime
from app.extensions import db

BILL_STATUSES = ("issued", "paid", "expired", "cancelled")


class Bill(db.Model):
    """A bill of a case: issued by the model (hostAction issue_bill), paid through the revenue agency's gateway."""

    __tablename__ = "bills"
    __table_args__ = (
        Index("ix_bills_case_status", "case_id", "status"),
        Index("ix_bills_status_issued_at", "status", "issued_at"),
        Index("ix_bills_paid_at", "paid_at"),
        Index("ix_bills_status_expires_at", "status", "expires_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    billing_code: Mapped[str] = mapped_column(String(32), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # rupiah
    basis: Mapped[str | None] = mapped_column(Text)  # how the amount was computed, in words
    status: Mapped[str] = mapped_column(String(16), default="issued")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reference: Mapped[str | None] = mapped_column(String(64), unique=True)  # the gateway's payment reference
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    channel: Mapped[str | None] = mapped_column(String(64))
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    element_id: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # expired or cancelled
    skrd_number: Mapped[str | None] = mapped_column(String(64), unique=True)  # the assessment letter's number
    fee_details: Mapped[dict | None] = mapped_column(JSONType)  # the fee decision's result: rows, rate, legal basis
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proof_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    case = relationship("Case")
    confirmed_by_user = relationship("User", foreign_keys=[confirmed_by_id])
    proof_document = relationship("Document", foreign_keys=[proof_document_id])


class PaymentLog(db.Model):
    """One payment callback as received, with what was decided about it (append-only)."""

    __tablename__ = "payment_logs"
    __table_args__ = (Index("ix_payment_logs_reference", "reference"),
                      Index("ix_payment_logs_billing_code", "billing_code"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="SET NULL"))
    billing_code: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(32))  # accepted, duplicate, or the refusal's error code
    status_code: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict | None] = mapped_column(JSONType)
