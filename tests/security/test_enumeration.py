"""Account enumeration: logins, registration and the lockout answer alike, at equal cost, whether an account exists.

Costs are counted (argon2 hashes and verifications), never timed. The lockout counts failures
per (typed account, client address), so a stranger can neither tell a real account from its 429
nor lock its owner out.
"""
from __future__ import annotations

import re
import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.accounts.test_account_pages import _last_email
from tests.support.pages import submit

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def argon2_calls(monkeypatch):
    """How many argon2 hashes and verifications the app computed."""
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):
        calls["verify"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def _token(client, email: str, password: str, environ: dict | None = None):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base=environ or {})


def _users_named(app, email: str) -> int:
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.email == email))


def _register(client, email: str, name: str = "Siti Aminah"):
    return client.post("/api/v1/auth/register", json={"email": email, "password": "rahasia123", "name": name})


def test_an_unknown_account_costs_one_verification_and_no_hashing(client, argon2_calls):
    """The dummy hash is computed once at start; recomputing it per unknown login doubled its cost (518 vs 983 ms)."""
    for email in ("tidak.ada1@contoh.id", "tidak.ada2@contoh.id", "tidak.ada3@contoh.id"):
        assert _token(client, email, "salah-123").status_code == 401
    assert argon2_calls == {"hash": 0, "verify": 3}
    for _ in range(3):
        assert _token(client, "pemohon@demo.local", "salah-123").status_code == 401
    assert argon2_calls == {"hash": 0, "verify": 6}


def test_registering_a_taken_address_answers_like_a_new_one(client, app):
    """A 409 for a known email told anyone which addresses have accounts; the owner is mailed instead."""
    new = _register(client, "baru@contoh.id")
    taken = _register(client, "pemohon@demo.local")
    assert new.status_code == taken.status_code == 201
    strip = {"email"}
    assert {k: v for k, v in new.get_json().items() if k not in strip} == \
           {k: v for k, v in taken.get_json().items() if k not in strip}
    assert _users_named(app, "pemohon@demo.local") == 1
    notice = _last_email(app, "pemohon@demo.local")
    assert notice is not None and notice.template == "account_exists" and "/akun/lupa-sandi" in notice.body
    assert "/akun/verifikasi/" in _last_email(app, "baru@contoh.id").body


def test_registering_costs_one_hash_whether_the_address_is_taken_or_not(client, argon2_calls):
    """Creating an account hashes its password; answering for a taken address must cost the same."""
    _register(client, "baru@contoh.id")
    assert argon2_calls["hash"] == 1
    _register(client, "pemohon@demo.local")
    assert argon2_calls["hash"] == 2


def test_an_unverified_owner_gets_the_verification_link_again(client, app):
    """Someone who registered and lost the mail registers again: the same answer, and a fresh link."""
    _register(client, "lupa@contoh.id")
    first = _last_email(app, "lupa@contoh.id").id
    assert _register(client, "lupa@contoh.id").status_code == 201
    again = _last_email(app, "lupa@contoh.id")
    assert again.id != first and "/akun/verifikasi/" in again.body
    assert _users_named(app, "lupa@contoh.id") == 1


def test_a_registration_losing_the_race_for_its_address_is_not_a_500(client, app, monkeypatch):
    """Both requests saw the address free; the second insert hits the unique constraint and must answer alike."""
    from app.accounts import service

    real = service.get_by_email
    seen = {"first": True}

    def racing_lookup(email):
        if seen.pop("first", False):
            return None  # the other registration committed right after this check
        return real(email)

    monkeypatch.setattr(service, "get_by_email", racing_lookup)
    response = _register(client, "pemohon@demo.local")
    assert response.status_code == 201, response.get_json()
    assert _users_named(app, "pemohon@demo.local") == 1


def test_simultaneous_registrations_of_one_address_create_one_account(app):
    """Two registrations at the same moment: one account, and neither caller gets a 500."""
    barrier, results = threading.Barrier(4), []

    def register():
        client = app.test_client()
        barrier.wait()
        results.append(_register(client, "kembar@contoh.id").status_code)

    threads = [threading.Thread(target=register) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * 4
    assert _users_named(app, "kembar@contoh.id") == 1


@pytest.mark.parametrize("email", ["pemohon@demo.local", "tidak.ada@contoh.id"])
def test_the_lockout_answers_the_same_for_real_and_unknown_accounts(client, email):
    """A 429 only for real accounts revealed which addresses exist."""
    for _ in range(5):
        assert _token(client, email, "salah-123").status_code == 401
    locked = _token(client, email, "Demo#2026")
    assert locked.status_code == 429
    assert "dikunci sementara" in locked.get_json()["error"]["message"]
    assert int(locked.headers["Retry-After"]) > 0


def test_the_login_page_locks_unknown_accounts_too(client):
    """The page gives the same 429 page for an address without an account."""
    for _ in range(5):
        assert submit(client, "/masuk", {"email": "tidak.ada@contoh.id", "password": "salah"}).status_code == 401
    assert submit(client, "/masuk", {"email": "tidak.ada@contoh.id", "password": "salah"}).status_code == 429


def test_a_stranger_cannot_lock_the_owner_out(client):
    """Failures count per (account, client): the attacker's client is locked, the owner's is not."""
    for _ in range(6):
        _token(client, "pemohon@demo.local", "salah-123", ATTACKER)
    assert _token(client, "pemohon@demo.local", "Demo#2026", ATTACKER).status_code == 429
    assert _token(client, "pemohon@demo.local", "Demo#2026", OWNER).status_code == 200


def test_a_password_reset_lifts_the_lock_on_every_client(client, app):
    """The owner who proves control of the mailbox is let in again at once, also from the locked client."""
    for _ in range(5):
        _token(client, "pemohon@demo.local", "salah-123", OWNER)
    assert _token(client, "pemohon@demo.local", "Demo#2026", OWNER).status_code == 429
    client.post("/api/v1/auth/password-reset", json={"email": "pemohon@demo.local"})
    token = re.search(r"/akun/reset/([A-Za-z0-9_.\-]+)", _last_email(app, "pemohon@demo.local").body).group(1)
    assert client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": token, "password": "BaruSekali2026"}).status_code == 200
    assert _token(client, "pemohon@demo.local", "BaruSekali2026", OWNER).status_code == 200


def test_parallel_wrong_guesses_get_no_more_answers_than_the_limit(app):
    """Each attempt is counted before it is answered: 12 guesses at once get at most 5 real answers."""
    barrier, results = threading.Barrier(12), []

    def guess(n: int):
        client = app.test_client()
        barrier.wait()
        results.append(_token(client, "loket@demo.local", f"tebakan-{n}").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [401] * 5 + [429] * 7
    assert _token(app.test_client(), "loket@demo.local", "Demo#2026").status_code == 429
