"""Helpers shared by the domain models."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

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


# Rows read once per transaction and kept beside the session: dropped when the outermost transaction ends and
# on any rollback (a savepoint's too), so a later transaction never answers from what it did not read itself.
_TRANSACTION_CACHES = "transaction_caches"


def transaction_cache(name: str) -> dict:
    """The dict named `name` kept for the current transaction of the application's session (created empty)."""
    from app.extensions import db

    return db.session.info.setdefault(_TRANSACTION_CACHES, {}).setdefault(name, {})


def peek_transaction_cache(name: str, session: Session | None = None) -> dict | None:
    """The dict named `name` of the current transaction (of `session`, else the application's), or None."""
    if session is None:
        from app.extensions import db

        session = db.session()
    return session.info.get(_TRANSACTION_CACHES, {}).get(name)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost one: flushes and released savepoints keep what they added
        session.info.pop(_TRANSACTION_CACHES, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:  # noqa: ARG001
    session.info.pop(_TRANSACTION_CACHES, None)  # a savepoint rolled back may have taken rows with it
