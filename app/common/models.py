"""Helpers shared by the domain models."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.common import clock
from app.common.types import UTCDateTime


def utcnow() -> datetime:
    """Default for timestamp columns: the application clock."""
    return clock.now()


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
