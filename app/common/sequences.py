"""Gap-free counters: the increment holds a row lock until the transaction ends."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.cases.models import Counter
from app.extensions import db


def next_value(key: str) -> int:
    """Advance and return the counter `key` (1 on first use); rolled back with the transaction."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(Counter).values(key=key, value=0).on_conflict_do_nothing(index_elements=["key"]))
    return db.session.execute(
        update(Counter).where(Counter.key == key).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one()
