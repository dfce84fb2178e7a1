"""Signed, expiring tokens for account emails, and single-use magic links back to a case.

A magic link or code signs its holder in *for one case only*: the session carries the case id
(`CASE_SCOPE_KEY`) and the account counts as signed in only on that case's applicant pages
(`session_scope_allows`); everywhere else the holder is anonymous until a password login.
Links and codes exist only for applicant accounts, so they never open a staff account.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import user_logged_in, user_logged_out
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from app.common import clock
from app.extensions import db

from .models import MagicLink, User

VERIFY_HOURS = 48
MAGIC_LINK_DAYS = 7
MAX_CODE_ATTEMPTS = 5  # per account and minted code: every guess on any of its cases counts
CASE_SCOPE_KEY = "case_scope"
# Where a case-scoped session is signed in: these blueprints' routes that name the scoped case ...
CASE_SCOPED_BLUEPRINTS = frozenset({"portal", "apply", "cases_api", "payments_api", "permits_api"})
# ... and these endpoints whatever they name (logging out must end the session it belongs to).
SCOPE_FREE_ENDPOINTS = frozenset({"web.logout", "static"})


class MagicLinkRefused(Exception):
    """A magic link or code was requested for an account that may not have one (staff, inactive)."""


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


def may_receive_magic_link(user: User | None) -> bool:
    """Only active applicant accounts get passwordless links and codes (never staff, never inactive)."""
    from .service import is_applicant_account

    return user is not None and is_applicant_account(user)


def create_magic_link(*, user: User, case_id: int, task_id: str | None) -> tuple[str, str]:
    """A single-use link token and 6-digit code that open one case's pending step without a password."""
    if not may_receive_magic_link(user):
        raise MagicLinkRefused(f"user {user.id} is not an applicant account")
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.session.add(MagicLink(user_id=user.id, case_id=case_id, task_id=task_id, token_hash=_digest(token),
                             code_hash=_digest(f"{case_id}:{code}"),
                             expires_at=clock.now() + timedelta(days=MAGIC_LINK_DAYS)))
    return token, code  # written with the caller's other rows: nothing here needs the link's id


def _open(now):
    return (MagicLink.used_at.is_(None), MagicLink.expires_at > now)


def _spend(link_id: int) -> MagicLink | None:
    """Mark a link used in one conditional UPDATE, so two parallel uses cannot both win."""
    now = clock.now()
    spent = db.session.execute(update(MagicLink).where(MagicLink.id == link_id, *_open(now))
                               .values(used_at=now).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        return None
    link = db.session.get(MagicLink, link_id, populate_existing=True)
    return link if may_receive_magic_link(link.user) else None  # a role granted since the link was sent


def use_magic_link(token: str) -> MagicLink | None:
    """Spend a magic link token (once); None when unknown, used, expired or not an applicant's."""
    link_id = db.session.scalar(select(MagicLink.id).where(MagicLink.token_hash == _digest(token)))
    return _spend(link_id) if link_id is not None else None


def use_magic_code(*, case_id: int, code: str) -> MagicLink | None:
    """Spend a 6-digit code for a case (once); None when wrong, used, expired or out of attempts.

    A guess first takes one attempt from every open code of the case's account in a single
    conditional UPDATE (`attempts < MAX_CODE_ATTEMPTS`); only the codes it counted against are
    compared. Parallel guesses therefore never get more than MAX_CODE_ATTEMPTS comparisons.
    """
    now = clock.now()
    account = select(MagicLink.user_id).where(MagicLink.case_id == case_id)
    counted = db.session.execute(
        update(MagicLink).where(MagicLink.user_id.in_(account), *_open(now),
                                MagicLink.attempts < MAX_CODE_ATTEMPTS)
        .values(attempts=MagicLink.attempts + 1)
        .returning(MagicLink.id, MagicLink.case_id, MagicLink.code_hash)
        .execution_options(synchronize_session=False)).all()
    wanted = _digest(f"{case_id}:{code.strip()}")
    matches = [row.id for row in counted if row.case_id == case_id and hmac.compare_digest(row.code_hash, wanted)]
    return _spend(max(matches)) if matches else None


# -- the case scope of a passwordless session -------------------------------------------------


def scope_session_to_case(case_id: int) -> None:
    """After a magic link or code login: the session is signed in for this one case only."""
    session[CASE_SCOPE_KEY] = case_id


def session_scope_allows() -> bool:
    """False when a case-scoped session asks for anything but its case's applicant pages."""
    scope = session.get(CASE_SCOPE_KEY)
    if scope is None:
        return True
    if request.endpoint in SCOPE_FREE_ENDPOINTS:
        return True
    args = request.view_args or {}
    if request.endpoint == "permits_api.permit_pdf":  # the permit the case produced, named by its number
        from app.permits import service as permits

        permit = permits.get_by_number(str(args.get("number", "")))
        return permit is not None and permit.case_id == scope
    return request.blueprint in CASE_SCOPED_BLUEPRINTS and args.get("case_id") == scope


def _drop_case_scope(*_args, **_kwargs) -> None:
    session.pop(CASE_SCOPE_KEY, None)  # a password login is a full login; a logout ends the scope


user_logged_in.connect(_drop_case_scope, weak=False)
user_logged_out.connect(_drop_case_scope, weak=False)
