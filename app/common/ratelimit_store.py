"""Rate-limit counters in the application's database, shared by every web process.

Flask-Limiter's `memory://` storage counts per process: with two gunicorn workers a client gets
twice its limit. This module keeps fixed-window counters in the `rate_limit_counters` table and
registers them with `limits` as the storage scheme `database://` (the application's own
database; the default when RATELIMIT_STORAGE_URI is unset). `redis://` and the other schemes of
`limits` still work. The same counters back the login lockout (`app/accounts/service.py`),
inside the request's transaction.
"""
from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import Double, String, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

SCHEME = "database"
SWEEP_EVERY = 500  # increments per process between two sweeps of expired rows
SWEEP_BATCH = 1000  # expired rows deleted per sweep at most


class RateLimitCounter(db.Model):
    """One fixed-window counter: hits under a key until the window expires (epoch seconds)."""

    __tablename__ = "rate_limit_counters"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(Double, index=True)


_table = RateLimitCounter.__table__


def _dialect(executor) -> str:
    """The dialect name of a Connection or a Session."""
    dialect = getattr(executor, "dialect", None) or executor.get_bind().dialect
    return dialect.name


def increment(executor, *, key: str, expiry: float, now: float, amount: int = 1) -> tuple[int, float]:
    """Add `amount` to a key's counter in one atomic upsert (a new window when expired); count and window end."""
    insert = postgresql.insert if _dialect(executor) == "postgresql" else sqlite.insert
    expired = _table.c.expires_at <= now
    stmt = insert(_table).values(key=key, count=amount, expires_at=now + expiry)
    stmt = stmt.on_conflict_do_update(index_elements=[_table.c.key], set_={
        "count": case((expired, amount), else_=_table.c.count + amount),
        "expires_at": case((expired, now + expiry), else_=_table.c.expires_at),
    })
    row = executor.execute(stmt.returning(_table.c.count, _table.c.expires_at)).one()
    return row.count, row.expires_at


def current(executor, *, key: str, now: float) -> tuple[int, float]:
    """A key's count and window end; (0, now) when absent or expired."""
    row = executor.execute(select(_table.c.count, _table.c.expires_at).where(_table.c.key == key)).first()
    if row is None or row.expires_at <= now:
        return 0, now
    return row.count, row.expires_at


def extend(executor, *, key: str, until: float) -> None:
    """Keep a key's window open until `until` (a lockout lasts its full time after the last failure)."""
    executor.execute(_table.update().where(_table.c.key == key).values(expires_at=until))


def clear(executor, *, key: str | None = None, prefix: str | None = None) -> int:
    """Delete one key, or every key starting with `prefix`; the number of rows deleted."""
    stmt = delete(_table)
    if key is not None:
        stmt = stmt.where(_table.c.key == key)
    if prefix is not None:
        stmt = stmt.where(_table.c.key.startswith(prefix, autoescape=True))
    return executor.execute(stmt).rowcount or 0


def sweep(executor, *, now: float, batch: int = SWEEP_BATCH) -> int:
    """Delete up to `batch` expired counters; the number deleted."""
    stale = select(_table.c.key).where(_table.c.expires_at <= now).limit(batch)
    return executor.execute(delete(_table).where(_table.c.key.in_(stale))).rowcount or 0


class DatabaseStorage(Storage):
    """`limits` storage on the application's database (`database://`): fixed-window counters."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._since_sweep = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count a hit in its own short transaction (a refused or failed request still counts)."""
        now = time.time()
        with db.engine.begin() as conn:
            count, _ = increment(conn, key=key, expiry=expiry, now=now, amount=amount)
            self._since_sweep += 1
            if self._since_sweep >= SWEEP_EVERY:
                self._since_sweep = 0
                sweep(conn, now=now)
        return count

    def get(self, key: str) -> int:
        """The hits counted in the key's current window."""
        with db.engine.connect() as conn:
            return current(conn, key=key, now=time.time())[0]

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (epoch seconds)."""
        with db.engine.connect() as conn:
            return current(conn, key=key, now=time.time())[1]

    def check(self) -> bool:
        """True when the database answers."""
        try:
            with db.engine.connect() as conn:
                conn.execute(select(func.count()).select_from(_table).where(_table.c.key == ""))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        """Forget every counter."""
        with db.engine.begin() as conn:
            return conn.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with db.engine.begin() as conn:
            clear(conn, key=key)
