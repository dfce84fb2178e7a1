"""The notification outbox: every message to send, with its delivery state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import CreatedAtMixin
from app.common.types import JSONType, UTCDateTime
from app.extensions import db

CHANNELS = ("email", "sms", "whatsapp", "in_app")
STATES = ("pending", "sending", "sent", "failed", "dead")


class Notification(CreatedAtMixin, db.Model):
    """One message on one channel; in-app messages are 'sent' when written."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_state_next", "state", "next_attempt_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    context: Mapped[dict | None] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
