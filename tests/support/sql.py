"""What the application sends to the database, for tests that count or inspect statements."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs (within an application context)."""
    from app.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
