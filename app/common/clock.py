"""The one clock of the application.

Everything that asks "what time is it" (engine timers, SLA due dates, the scheduler)
goes through `now()`, so operators and tests can run a tick "as of" another moment
(`flask worker run-once --now ...`) without patching the system clock.
"""
from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
_override: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("clock_override", default=None)


def now() -> datetime:
    """Current time, timezone-aware UTC (or the override set by `frozen_at`)."""
    fixed = _override.get()
    return fixed if fixed is not None else datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    """Run the block as if the time were `moment` (must be timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs a timezone-aware datetime")
    token = _override.set(moment.astimezone(UTC))
    try:
        yield moment
    finally:
        _override.reset(token)


def to_local(moment: datetime | None) -> datetime | None:
    """Express a UTC moment in office time (Asia/Jakarta)."""
    return moment.astimezone(JAKARTA) if moment is not None else None


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the Jakarta offset, as the API speaks."""
    return moment.astimezone(JAKARTA).isoformat(timespec="seconds") if moment is not None else None
