"""The security audit log: one append-only row per security-relevant action."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import utcnow
from app.common.types import JSONType, UTCDateTime
from app.extensions import db


class SecurityEvent(db.Model):
    """Who did what to which subject, from which network, and whether it succeeded.

    Minimal by design: the actor is an id plus a role label (never a name), the address is a
    truncated network, and ``detail`` holds ids and reasons, not personal data. There is no
    foreign key to users so that the log outlives the accounts it names.
    """

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_at", "at"),
        Index("ix_security_events_kind_at", "kind", "at"),
        Index("ix_security_events_actor_at", "actor_id", "at"),
        Index("ix_security_events_subject", "subject"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    kind: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(default=True)
    detail: Mapped[dict | None] = mapped_column(JSONType)
