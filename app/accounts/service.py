"""Accounts: password hashing, authentication, API tokens, users and groups."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.common import clock, ratelimit_store
from app.common.i18n import DEFAULT_LOCALE, LANGUAGES, N_, select_locale
from app.common.signals import security_event
from app.extensions import db

from .models import ApiToken, Group, User, UserRole


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["PASSWORD_HASH_TIME_COST"], memory_cost=cfg["PASSWORD_HASH_MEMORY_KIB"],
                          parallelism=1)


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


@functools.lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1).hash("dummy-password")


def prepare_dummy_hash(app: Flask) -> None:
    """Compute, once at start, the hash that logins of unknown accounts are checked against."""
    _dummy_hash(app.config["PASSWORD_HASH_TIME_COST"], app.config["PASSWORD_HASH_MEMORY_KIB"])


def verify_password(user: User | None, password: str) -> bool:
    """Check a password; spends the same work (one verification, no hashing) when the user does not exist."""
    hasher = _hasher()
    if user is None or not user.password_hash:
        try:
            hasher.verify(_dummy_hash(hasher.time_cost, hasher.memory_cost), password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_by_email(email: str) -> User | None:
    """A user by email, case-insensitive."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get(user_id: int) -> User | None:
    """A user by id."""
    return db.session.get(User, user_id)


class AccountLocked(Exception):
    """Too many wrong passwords: the account is locked for a while."""

    def __init__(self, minutes: int):
        super().__init__(f"locked for {minutes} minutes")
        self.minutes = minutes


def _login_subject(user: User | None, email: str) -> str:
    """The account a login names: its id, or a keyed digest of the typed email (never the email)."""
    if user is not None:
        return f"user:{user.id}"
    from app.audit.service import identifier_digest

    return f"login:{identifier_digest(email)}"


def _lockout_prefix(email: str) -> str:
    from app.audit.service import identifier_digest

    return f"lockout:{identifier_digest(email)}:"


def _lockout_key(email: str) -> str:
    """Failures are counted per (typed account, client address): nobody can lock out everyone else."""
    from app.extensions import client_address

    return _lockout_prefix(email) + (client_address() if has_request_context() else "-")


def authenticate(email: str, password: str, *, channel: str = "page") -> User | None:
    """The active user with these credentials, or None; repeated failures lock the (account, client) a while.

    Known and unknown accounts cost the same and answer the same, locked included. Each attempt
    is counted atomically before its answer, so parallel guesses cannot pass the limit. Counts
    and the security log are written in the request's transaction: the caller commits even when
    the login fails. `channel` names the way in ("page", "api") for the log.
    """
    cfg = current_app.config
    user = get_by_email(email)
    now = clock.now().timestamp()
    subject, key = _login_subject(user, email), _lockout_key(email)
    window = cfg["LOGIN_LOCK_MINUTES"] * 60
    count, until = ratelimit_store.current(db.session, key=key, now=now)
    if count < cfg["LOGIN_MAX_FAILURES"]:
        ok = verify_password(user, password) and user is not None and user.is_active
        count, until = ratelimit_store.increment(db.session, key=key, expiry=window, now=now)
    else:
        verify_password(None, password)  # same work as a normal attempt
        ok, count = False, count + 1
    if count > cfg["LOGIN_MAX_FAILURES"]:
        security_event.send(None, kind="login", actor_id=None, subject=subject, ok=False,
                            detail={"channel": channel, "reason": "locked"})
        raise AccountLocked(max(1, int((until - now) // 60) + 1))
    if ok:
        ratelimit_store.clear(db.session, key=key)
        security_event.send(None, kind="login", actor_id=user.id, subject=subject, ok=True,
                            detail={"channel": channel})
        return user
    reason = "inactive" if user is not None and not user.is_active and user.password_hash else "bad_credentials"
    security_event.send(None, kind="login", actor_id=None, subject=subject, ok=False,
                        detail={"channel": channel, "reason": reason})
    if count == cfg["LOGIN_MAX_FAILURES"]:  # the lock lasts its full time from the last failure
        ratelimit_store.extend(db.session, key=key, until=now + window)
        security_event.send(None, kind="login_locked", actor_id=None, subject=subject, ok=False,
                            detail={"channel": channel, "minutes": cfg["LOGIN_LOCK_MINUTES"]})
    return None


def unlock_logins(email: str) -> None:
    """Lift the login lockout of an account for every client (its owner proved control of the mailbox)."""
    ratelimit_store.clear(db.session, prefix=_lockout_prefix(email))


def set_locale(user: User, locale: str) -> None:
    """Remember the language the user reads pages and messages in (the language switch, signed in)."""
    if locale in LANGUAGES and user.locale != locale:
        user.locale = locale


def set_password(user: User, password: str) -> None:
    """Store a new password hash; existing sessions and tokens stop working."""
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        token.revoked_at = clock.now()


def create_user(*, email: str, name: str, password: str | None = None, roles: tuple[str, ...] = ("applicant",),
                groups: tuple[str, ...] = (), phone: str | None = None, nik: str | None = None,
                verified: bool = False, nip: str | None = None, locale: str | None = None) -> User:
    """Create a user with roles and group memberships (messages in `locale`, Indonesian by default)."""
    user = User(email=email.strip().lower(), name=name, phone=phone, nik=nik, nip=nip,
                email_verified_at=clock.now() if verified else None, locale=locale or DEFAULT_LOCALE)
    if password:
        user.password_hash = hash_password(password)
    user.role_rows = [UserRole(role=r) for r in roles]
    user.groups = [ensure_group(g) for g in groups]
    db.session.add(user)
    db.session.flush()
    return user


# Stored as the groups' names in Indonesian (marked, so pages can show them translated); agencies are proper names.
GROUP_NAMES = {
    "pemohon": (N_("Pemohon"), None),
    "verifikator": (N_("Petugas Verifikasi Berkas (Front Office)"), "DPMPTSP"),
    "teknis_dinkes": (N_("Tim Teknis Dinas Kesehatan"), "Dinas Kesehatan"),
    "teknis_pupr": (N_("Tim Teknis Dinas PUPR"), "Dinas Pekerjaan Umum dan Penataan Ruang"),
    "teknis_dlh": (N_("Tim Teknis Dinas Lingkungan Hidup"), "Dinas Lingkungan Hidup"),
    "teknis_dishub": (N_("Tim Teknis Dinas Perhubungan"), "Dinas Perhubungan"),
    "kabid": (N_("Kepala Bidang Perizinan"), "DPMPTSP"),
    "penandatangan": (N_("Kepala Dinas (Penandatangan)"), "DPMPTSP"),
    "pengaduan": (N_("Petugas Pengaduan"), "DPMPTSP"),
    "bendahara": (N_("Petugas Retribusi"), "DPMPTSP"),
}


def ensure_group(key: str) -> Group:
    """The group with this key, created with a known name when missing."""
    group = db.session.scalar(select(Group).where(Group.key == key))
    if group is None:
        name, agency = GROUP_NAMES.get(key, (key.replace("_", " ").title(), None))
        group = Group(key=key, name=name, agency=agency)
        db.session.add(group)
        db.session.flush()
    return group


def list_groups() -> list[Group]:
    """All groups by key."""
    return list(db.session.scalars(select(Group).order_by(Group.key)))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User) -> str:
    """Create a bearer token for the API; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_HOURS"]
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token),
                            expires_at=clock.now() + timedelta(hours=hours)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The user of a valid, unexpired, unrevoked bearer token."""
    # One round trip: every API request starts here (user, roles and groups joined, not selectin-loaded).
    owner = joinedload(ApiToken.user)
    query = (select(ApiToken).where(ApiToken.token_hash == _token_digest(token))
             .options(owner.joinedload(User.role_rows), owner.joinedload(User.groups)))
    row = db.session.scalars(query).unique().first()
    if row is None or row.revoked_at is not None or row.expires_at <= clock.now() or not row.user.is_active:
        return None
    return row.user


def end_sessions(*, user: User) -> None:
    """End every page session of the user: their session ids carry the generation bumped here."""
    user.session_generation = User.session_generation + 1  # one atomic UPDATE at the flush
    db.session.flush()


def revoke_token(*, token: str) -> bool:
    """Revoke one bearer token; False when it was unknown or already revoked."""
    result = db.session.execute(update(ApiToken).where(ApiToken.token_hash == _token_digest(token),
                                                       ApiToken.revoked_at.is_(None))
                                .values(revoked_at=clock.now()).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def revoke_tokens(*, user: User) -> int:
    """Revoke every bearer token of the user; how many were still valid."""
    result = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=clock.now()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def log_out(*, user: User, token: str | None = None, everywhere: bool = False) -> None:
    """Sign out: the given token, or the page sessions; with `everywhere`, every session and token."""
    if token is not None:
        revoke_token(token=token)
    if everywhere:
        revoke_tokens(user=user)
    if token is None or everywhere:
        end_sessions(user=user)
    security_event.send(None, kind="logout", actor_id=user.id, subject=f"user:{user.id}", ok=True,
                        detail={"via": "token" if token is not None else "session", "everywhere": everywhere})


def is_staff(user: User) -> bool:
    """Officers, supervisors, analysts and admins (anyone but a pure applicant)."""
    return user.has_role("officer", "supervisor", "analyst", "admin")


def is_applicant_account(user: User) -> bool:
    """An active account holding the applicant role and nothing else: no staff role, no office group.

    Only such accounts may be applied for by an officer (jemput bola) or receive magic links and codes.
    """
    return (user.is_active_account and user.roles == ["applicant"]
            and all(key == "pemohon" for key in user.group_keys))


RESET_HOURS = 2


def _reset_serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_stamp(user: User) -> int:
    return int(user.password_changed_at.timestamp()) if user.password_changed_at else 0


def request_password_reset(email: str, *, base_url: str) -> None:
    """Mail a signed, expiring reset link when the account exists; say nothing either way."""
    user = get_by_email(email)
    security_event.send(None, kind="password_reset_requested", actor_id=None, subject=_login_subject(user, email),
                        ok=user is not None and user.is_active, detail={})
    if user is None or not user.is_active:
        return
    token = _reset_serializer().dumps({"uid": user.id, "stamp": _password_stamp(user)})
    from app.notifications import service as notifications

    notifications.notify_user(user, "password_reset", N_("Atur ulang kata sandi SatuPintu"),
                              {"link": f"{base_url.rstrip('/')}/akun/reset/{token}", "hours": RESET_HOURS})


def reset_password(token: str, new_password: str) -> User | None:
    """Set a new password from a reset token; None when the token is bad, expired or already used."""
    from itsdangerous import BadSignature, SignatureExpired

    try:
        payload = _reset_serializer().loads(token, max_age=RESET_HOURS * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = get(int(payload.get("uid", 0)))
    if user is None or payload.get("stamp") != _password_stamp(user):
        return None  # used once already: the password (and its stamp) changed
    set_password(user, new_password)
    unlock_logins(user.email)
    security_event.send(None, kind="password_changed", actor_id=user.id, subject=f"user:{user.id}", ok=True,
                        detail={"via": "reset_link"})
    return user


PASSWORD_RULE = N_("Minimal 8 karakter, mengandung huruf dan angka.")


def password_problems(password: str) -> list[str]:
    """Why a password is too weak (empty list when acceptable)."""
    problems = []
    if len(password) < 8:
        problems.append(_("Minimal 8 karakter."))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problems.append(_("Harus mengandung huruf dan angka."))
    return problems


def register_applicant(*, email: str, password: str, name: str, phone: str | None, nik: str | None,
                       base_url: str) -> User | None:
    """Create an applicant account and mail its verification link; for a taken address, mail its owner instead.

    Both ways cost one password hash and one message and look the same to the caller (no account
    enumeration); a registration racing another for the same address ends the same way. Returns
    the new user, or None when the address was taken.
    """
    existing = get_by_email(email)
    if existing is None:
        try:
            with db.session.begin_nested():
                # The applicant's mail speaks the language they registered in.
                user = create_user(email=email, name=name, password=password, phone=phone, nik=nik,
                                   roles=("applicant",), locale=select_locale())
        except IntegrityError:  # registered at the same moment by another request
            existing = get_by_email(email)
        else:
            send_verification(user, base_url=base_url)
            return user
    hash_password(password)  # the work creating the account would have cost
    if existing is not None:
        _tell_owner_of_registration(existing, base_url=base_url)
    return None


def _tell_owner_of_registration(user: User, *, base_url: str) -> None:
    """Someone registered with a taken address: its owner gets the verification link again, or a notice."""
    if user.email_verified_at is None:
        send_verification(user, base_url=base_url)
        return
    from app.notifications import service as notifications

    notifications.notify_user(user, "account_exists", N_("Percobaan pendaftaran dengan email Anda"),
                              {"login_link": f"{base_url.rstrip('/')}/masuk",
                               "reset_link": f"{base_url.rstrip('/')}/akun/lupa-sandi"})


def send_verification(user: User, *, base_url: str) -> None:
    """Mail (again) the link that verifies the user's email address."""
    if user.email_verified_at is not None:
        return
    from app.notifications import service as notifications

    from .tokens import VERIFY_HOURS, email_verification_token

    link = f"{base_url.rstrip('/')}/akun/verifikasi/{email_verification_token(user)}"
    notifications.notify_user(user, "verify_email", N_("Verifikasi email akun SatuPintu"),
                              {"link": link, "hours": VERIFY_HOURS})


def verify_email(token: str) -> User | None:
    """Mark the address verified; None when the token is bad or expired."""
    from .tokens import user_for_verification_token

    user = user_for_verification_token(token)
    if user is not None and user.email_verified_at is None:
        user.email_verified_at = clock.now()
    return user


def update_profile(user: User, *, name: str, phone: str | None, nik: str | None, address: str | None) -> User:
    """Change the applicant's own profile data."""
    user.name, user.phone, user.nik, user.address = name, phone, nik, address
    return user


# -- administration of accounts --------------------------------------------------------------


def list_users(*, q: str = "", role: str | None = None, page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    """Users by name or email fragment and role, by id."""
    query = select(User)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(func.lower(User.email).like(like) | func.lower(User.name).like(like))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(db.session.scalars(query.order_by(User.id).limit(per_page).offset((page - 1) * per_page)))
    return items, total


def change_access(*, user: User, actor: User, roles: list[str], groups: list[str], active: bool) -> list[str]:
    """An administrator sets a user's roles, groups and active flag; each change goes to the security log.

    Returns what changed ("roles", "groups", "active"). Administrators cannot take away their own
    admin role or deactivate themselves, so an office never locks itself out.
    """
    from app.common.errors import ValidationFailed

    from .models import ROLES

    unknown = sorted(set(roles) - set(ROLES))
    known_groups = {g.key for g in list_groups()}
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["roles"] = [_("Peran tidak dikenal: %(roles)s.", roles=", ".join(unknown))]
    if not roles:
        errors["roles"] = [_("Pilih minimal satu peran.")]
    if set(groups) - known_groups:
        errors["groups"] = [_("Kelompok tidak dikenal.")]
    if user.id == actor.id and ("admin" not in roles or not active):
        errors["roles"] = [_("Anda tidak dapat mencabut peran admin atau menonaktifkan akun Anda sendiri.")]
    if errors:
        raise ValidationFailed(fields=errors)
    changed = []
    old_roles, new_roles = user.roles, sorted(set(roles))
    if old_roles != new_roles:
        user.role_rows = [UserRole(role=r) for r in new_roles]
        changed.append("roles")
        security_event.send(None, kind="roles_changed", actor_id=actor.id, subject=f"user:{user.id}", ok=True,
                            detail={"old": old_roles, "new": new_roles})
    old_groups, new_groups = user.group_keys, sorted(set(groups))
    if old_groups != new_groups:
        user.groups = [ensure_group(g) for g in new_groups]
        changed.append("groups")
        security_event.send(None, kind="groups_changed", actor_id=actor.id, subject=f"user:{user.id}", ok=True,
                            detail={"old": old_groups, "new": new_groups})
    if user.is_active_account != active:
        user.is_active_account = active
        changed.append("active")
        if not active:  # a deactivated account's sessions and tokens stop working, also once reactivated
            revoke_tokens(user=user)
            end_sessions(user=user)
        security_event.send(None, kind="account_status_changed", actor_id=actor.id, subject=f"user:{user.id}",
                            ok=True, detail={"active": active})
    db.session.flush()
    return changed


VERIFY_NOTE_MAX = 300


def mark_email_verified(*, user: User, actor: User, note: str) -> bool:
    """An administrator marks the address verified by hand (e.g. the owner cannot receive mail).

    The note says how the address or the person was checked; it goes to the security log with the
    change. Returns False when the address was already verified (nothing changes, nothing logged).
    """
    from app.common.errors import Forbidden, ValidationFailed

    if not actor.has_role("admin"):
        raise Forbidden(_("Hanya administrator yang dapat memverifikasi email secara manual."))
    note = (note or "").strip()
    if not 3 <= len(note) <= VERIFY_NOTE_MAX:
        raise ValidationFailed(fields={"note": [_("Tuliskan cara pemeriksaannya (3–%(max)s karakter).",
                                                  max=VERIFY_NOTE_MAX)]})
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = clock.now()
    security_event.send(None, kind="email_verified_manually", actor_id=actor.id, subject=f"user:{user.id}",
                        ok=True, detail={"note": note})
    db.session.flush()
    return True
