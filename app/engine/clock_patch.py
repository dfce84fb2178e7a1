"""Make SpiffWorkflow's timer events read the application clock.

The library calls ``datetime.now(timezone.utc)`` inside its timer module (see
docs/ENGINE.md). We swap that module's ``datetime`` for a subclass whose ``now`` asks
`app.common.clock.now`, so a scheduler tick "as of" a given moment fires exactly the
timers due by then, in every thread independently (the override is a context variable).
The swap itself is `internals.use_timer_clock`.
"""
from __future__ import annotations

from datetime import datetime

from app.common import clock

from . import internals


class EngineDatetime(datetime):
    """datetime whose now() is the application clock."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - same contract as datetime.now
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)


def install() -> None:
    """Patch the timer module once (idempotent)."""
    internals.use_timer_clock(EngineDatetime)
