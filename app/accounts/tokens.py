"""Signed, expiring tokens for account emails, and single-use magic links back to a case."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from app.common import clock
from app.extensions import db

from .models import MagicLink, User

VERIFY_HOURS = 48
MAGIC_LINK_DAYS = 7
MAX_CODE_ATTEMPTS = 5


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def email_verification_token(user: User) -> str:
    """A token proving the holder received mail at the user's address."""
    return _serializer("verify-email").dumps({"uid": user.id, "email": user.email})


def user_for_verification_token(token: str) -> User | None:
    """The user a verification token names, if it is valid and unexpired."""
    try:
        payload = _serializer("verify-email").loads(token, max_age=VERIFY_HOURS * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, int(payload.get("uid", 0)))
    if user is None or user.email != payload.get("email"):
        return None
    return user


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def create_magic_link(*, user: User, case_id: int, task_id: str | None) -> tuple[str, str]:
    """A single-use link token and 6-digit code that open one case's pending step without a password."""
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.session.add(MagicLink(user_id=user.id, case_id=case_id, task_id=task_id, token_hash=_digest(token),
                             code_hash=_digest(f"{case_id}:{code}"),
                             expires_at=clock.now() + timedelta(days=MAGIC_LINK_DAYS)))
    return token, code  # written with the caller's other rows: nothing here needs the link's id


def _consume(link: MagicLink | None) -> MagicLink | None:
    if link is None or link.used_at is not None or link.expires_at <= clock.now():
        return None
    link.used_at = clock.now()
    return link


def use_magic_link(token: str) -> MagicLink | None:
    """Spend a magic link token (once); None when unknown, used or expired."""
    return _consume(db.session.scalar(select(MagicLink).where(MagicLink.token_hash == _digest(token))))


def use_magic_code(*, case_id: int, code: str) -> MagicLink | None:
    """Spend a 6-digit code for a case (once); None when wrong, used or expired."""
    open_links = select(MagicLink).where(MagicLink.case_id == case_id, MagicLink.used_at.is_(None))
    if any(row.attempts >= MAX_CODE_ATTEMPTS for row in db.session.scalars(open_links)):
        return None  # too many wrong guesses: only the mailed link still works
    link = db.session.scalar(open_links.where(MagicLink.code_hash == _digest(f"{case_id}:{code.strip()}"))
                             .order_by(MagicLink.id.desc()))
    if link is None:
        db.session.execute(update(MagicLink).where(MagicLink.case_id == case_id, MagicLink.used_at.is_(None))
                           .values(attempts=MagicLink.attempts + 1))
        return None
    return _consume(link)
