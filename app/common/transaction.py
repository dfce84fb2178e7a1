"""The request is the transaction boundary: commit on success, roll back on error, 409 on races."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import partial, wraps

from flask import request
from sqlalchemy import ForeignKey, Index, String, Text, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from app.common.errors import Conflict, ValidationFailed
from app.common.i18n import N_
from app.common.models import CreatedAtMixin
from app.extensions import db


class IdempotencyKey(CreatedAtMixin, db.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries of the same request."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_created_at", "created_at"),)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    response: Mapped[str] = mapped_column(Text)
    request_sha256: Mapped[str | None] = mapped_column(String(64))


# Marked messages: error responses translate them into the reader's language.
KEY_REUSED = N_("Idempotency-Key ini sudah dipakai untuk permintaan lain. Gunakan kunci baru untuk permintaan baru.")


def _scoped_key(raw: str) -> str:
    """The stored key: the caller (user id, or one namespace for anonymous callers), method, path and key."""
    from flask_login import current_user

    who = f"user:{current_user.get_id()}" if current_user.is_authenticated else "anon"
    return hashlib.sha256(f"v2|{who}|{request.method}|{request.path}|{raw}".encode("utf-8", "replace")).hexdigest()


def request_fingerprint() -> str:
    """SHA-256 of what the request asks for: method, path, query and body (JSON canonical, form fields, files)."""
    digest = hashlib.sha256(f"{request.method}|{request.path}|".encode("utf-8", "replace"))
    digest.update(request.query_string + b"|")
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(json.dumps(["field", name, value]).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(json.dumps(["file", name, upload.filename]).encode())
            for chunk in iter(partial(upload.stream.read, 64 * 1024), b""):
                digest.update(chunk)
            upload.stream.seek(0)
    else:
        body = request.get_json(silent=True) if request.is_json else None
        digest.update(json.dumps(body, sort_keys=True, separators=(",", ":")).encode() if body is not None
                      else request.get_data(cache=True))
    return digest.hexdigest()


def _replay(stored: IdempotencyKey, fingerprint: str):
    """The first response again, or 422 when the key came with another request (IETF idempotency-key draft)."""
    if stored.request_sha256 != fingerprint:
        raise ValidationFailed(KEY_REUSED, fields={"Idempotency-Key": [KEY_REUSED]},
                               extra={"reason": "idempotency_key_reused"})
    return json.loads(stored.response)


def transactional(view: Callable | None = None, *, idempotent: bool = False) -> Callable:
    """Commit the view's work as one transaction; optionally honour Idempotency-Key."""

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args, **kwargs):
            key = request.headers.get("Idempotency-Key") if idempotent else None
            scoped = _scoped_key(key) if key else None
            fingerprint = request_fingerprint() if scoped else None
            if scoped:
                stored = db.session.get(IdempotencyKey, scoped)
                if stored is not None:
                    return _replay(stored, fingerprint)
            try:
                result = func(*args, **kwargs)
                if scoped:
                    from flask_login import current_user

                    db.session.add(IdempotencyKey(
                        key=scoped, user_id=current_user.id if current_user.is_authenticated else None,
                        response=json.dumps(result, default=str), request_sha256=fingerprint))
                db.session.commit()
            except StaleDataError as exc:
                db.session.rollback()
                raise Conflict() from exc
            except IntegrityError as exc:
                db.session.rollback()
                stored = db.session.get(IdempotencyKey, scoped) if scoped else None
                if stored is not None:  # a concurrent retry stored it first
                    return _replay(stored, fingerprint)
                raise Conflict(N_("Data bentrok dengan perubahan lain. Coba lagi.")) from exc
            except BaseException:
                db.session.rollback()
                raise
            return result

        return wrapper

    return decorator(view) if view is not None else decorator


def cleanup_idempotency_keys(before) -> int:
    """Forget replay records older than `before` (each scheduler tick: workers/scheduler.py)."""
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return result.rowcount or 0
