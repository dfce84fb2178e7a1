"""The request is the transaction boundary: commit on success, roll back on error, 409 on races."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps

from flask import request
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from app.common.errors import Conflict
from app.common.models import CreatedAtMixin
from app.extensions import db


class IdempotencyKey(CreatedAtMixin, db.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    response: Mapped[str] = mapped_column(Text)


def _scoped_key(raw: str) -> str:
    from flask_login import current_user

    who = str(current_user.get_id()) if current_user.is_authenticated else "anon"
    return hashlib.sha256(f"{who}|{request.method}|{request.path}|{raw}".encode()).hexdigest()


def transactional(view: Callable | None = None, *, idempotent: bool = False) -> Callable:
    """Commit the view's work as one transaction; optionally honour Idempotency-Key."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args, **kwargs):
            key = request.headers.get("Idempotency-Key") if idempotent else None
            scoped = _scoped_key(key[:200]) if key else None
            if scoped:
                stored = db.session.get(IdempotencyKey, scoped)
                if stored is not None:
                    return json.loads(stored.response)
            try:
                result = func(*args, **kwargs)
                if scoped:
                    from flask_login import current_user

                    db.session.add(IdempotencyKey(
                        key=scoped, user_id=current_user.id if current_user.is_authenticated else None,
                        response=json.dumps(result, default=str)))
                db.session.commit()
            except StaleDataError as exc:
                db.session.rollback()
                raise Conflict() from exc
            except IntegrityError as exc:
                db.session.rollback()
                if scoped and db.session.get(IdempotencyKey, scoped) is not None:
                    return json.loads(db.session.get(IdempotencyKey, scoped).response)
                raise Conflict("Data bentrok dengan perubahan lain. Coba lagi.") from exc
            except BaseException:
                db.session.rollback()
                raise
            return result

        return wrapper

    return decorator(view) if view is not None else decorator


def cleanup_idempotency_keys(before) -> int:
    """Forget replay records older than `before` (scheduler housekeeping)."""
    rows = list(db.session.scalars(select(IdempotencyKey).where(IdempotencyKey.created_at < before)))
    for row in rows:
        db.session.delete(row)
    return len(rows)
