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


def with_unwritten(model, case_id: int, stored: list) -> list:
    """`stored` (rows of `model` read without an autoflush) followed by the rows of the case added to the
    session and not written yet, in the order they were added: what an autoflushed read would have seen."""
    from app.extensions import db

    seen = {id(row) for row in stored}
    return stored + [row for row in db.session.new
                     if isinstance(row, model) and row.case_id == case_id and id(row) not in seen]

