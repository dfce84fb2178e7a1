"""Account takeover through jemput bola and magic links (issue 18, item 4).

The attack: a staff account submits a case "on behalf of" an administrator, the case's messages
carry a magic link and a 6-digit code for that administrator, the code is guessed in parallel
past its attempt counter, and the code's session is a full session of the account. Each link of
that chain is closed here: cases on someone's behalf only for applicant accounts, links and codes
only for applicant accounts, guesses counted atomically per account and limited per client, and a
passwordless session that is signed in on its own case's pages only.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts import tokens
from app.accounts.models import MagicLink, UserRole
from app.cases import service as cases
from app.cases.models import Case
from app.common import clock
from app.common.errors import ValidationFailed
from app.extensions import db
from tests.support.api import ApiClient, rate_limited_client
from tests.support.pages import csrf_token, login, submit

REGISTRATION = "SIPA-2026-991001"


def _case_for(email: str, registration: str = REGISTRATION) -> int:
    case = cases.create_draft(actor=accounts.get_by_email(email), service_key="sip_apoteker", data={})
    case.registration_number = registration
    db.session.flush()
    return case.id


def _applicant_case_with_code(app, registration: str = REGISTRATION) -> tuple[int, str, str]:
    with app.app_context():
        case_id = _case_for("pemohon@demo.local", registration)
        token, code = tokens.create_magic_link(user=accounts.get_by_email("pemohon@demo.local"), case_id=case_id,
                                               task_id=None)
        db.session.commit()
        return case_id, token, code


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# -- jemput bola only for applicant accounts -------------------------------------------------------


@pytest.mark.parametrize("target", ["admin@demo.local", "kadis@demo.local", "supervisor@demo.local"])
def test_staff_cannot_open_a_case_on_behalf_of_a_staff_account(client, target):
    """A case entered for an administrator would mail the officer's victim a passwordless way in."""
    officer = ApiClient(client, "loket@demo.local")
    victim = ApiClient(client, target).user["id"]
    response = officer.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}, "applicant_id": victim})
    assert response.status_code == 422
    assert "applicant_id" in response.get_json()["error"]["fields"]


def test_staff_can_still_open_a_case_for_an_applicant(client):
    """The guard keeps jemput bola working for the people it is for."""
    officer = ApiClient(client, "loket@demo.local")
    applicant = ApiClient(client, "pemohon@demo.local").user["id"]
    response = officer.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}, "applicant_id": applicant})
    assert response.status_code == 201, response.get_json()


def test_assisted_intake_refuses_a_staff_account_as_applicant(ctx):
    """The intake service itself refuses, not only the page that looks the applicant up by email."""
    from app.inbox import intake

    officer, admin = accounts.get_by_email("loket@demo.local"), accounts.get_by_email("admin@demo.local")
    with pytest.raises(ValidationFailed):
        intake.start_application(officer=officer, applicant=admin, service_key="sip_apoteker")


# -- links and codes only for applicant accounts ---------------------------------------------------


def test_no_magic_link_or_code_is_made_for_a_staff_account(ctx):
    """Even a case that names an administrator as applicant (old data) mails no passwordless way in."""
    from app.notifications import service as notifications

    case = db.session.get(Case, _case_for("admin@demo.local"))
    queued = notifications.notify_case(case, "action_required")
    assert queued and all("/akun/tautan/" not in note.body for note in queued)
    assert db.session.scalars(select(MagicLink).where(MagicLink.case_id == case.id)).all() == []
    with pytest.raises(tokens.MagicLinkRefused):
        tokens.create_magic_link(user=case.applicant, case_id=case.id, task_id=None)


def test_a_link_sent_to_an_applicant_who_became_staff_no_longer_signs_in(app, client):
    """The check is repeated when a link is used: roles granted after it was sent count."""
    _case_id, token, _code = _applicant_case_with_code(app)
    with app.app_context():
        user = accounts.get_by_email("pemohon@demo.local")
        user.role_rows.append(UserRole(role="admin"))
        db.session.commit()
    assert client.get(f"/akun/tautan/{token}").status_code == 400
    assert client.get("/admin/pengguna").status_code == 302  # not signed in


def test_a_code_made_for_a_staff_account_by_old_code_never_opens_staff_pages(app, client):
    """A link row that names an administrator (written before the fix) is refused when used."""
    with app.app_context():
        admin = accounts.get_by_email("admin@demo.local")
        case_id = _case_for("admin@demo.local")
        db.session.add(MagicLink(user_id=admin.id, case_id=case_id, task_id=None, token_hash="0" * 64,
                                 code_hash=tokens._digest(f"{case_id}:123456"),
                                 expires_at=clock.now() + timedelta(days=1)))
        db.session.commit()
    response = submit(client, "/akun/kode", {"nomor": REGISTRATION, "kode": "123456"})
    assert response.status_code == 422
    assert client.get("/admin/pengguna").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


# -- guessing the 6-digit code ---------------------------------------------------------------------


def test_parallel_wrong_guesses_never_get_more_than_the_attempt_limit(app):
    """40 guesses at once: the counter must be taken before the comparison, atomically, by each guess."""
    case_id, _token, code = _applicant_case_with_code(app)
    guessers = [app.test_client() for _ in range(40)]
    forms = [{"nomor": REGISTRATION, "kode": _wrong(code), "csrf_token": csrf_token(c, "/akun/kode")}
             for c in guessers]
    start, answers = threading.Barrier(len(guessers)), []

    def guess(client, form):
        start.wait()
        answers.append(client.post("/akun/kode", data=form).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(guessers, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(answers)) == [422]
    with app.app_context():
        link = db.session.scalar(select(MagicLink).where(MagicLink.case_id == case_id))
        assert link.attempts == tokens.MAX_CODE_ATTEMPTS  # exactly the limit compared, never more
    right = app.test_client()
    assert submit(right, "/akun/kode", {"nomor": REGISTRATION, "kode": code}).status_code == 422  # dead


def test_the_attempt_limit_counts_per_account_across_its_cases(app, client):
    """Wrong guesses on one case of an account also use up the codes of its other cases."""
    _first, _token, code = _applicant_case_with_code(app)
    second_id, _token2, second_code = _applicant_case_with_code(app, "SIPA-2026-991003")
    for _ in range(tokens.MAX_CODE_ATTEMPTS):
        submit(client, "/akun/kode", {"nomor": REGISTRATION, "kode": _wrong(code)})
    answer = submit(client, "/akun/kode", {"nomor": "SIPA-2026-991003", "kode": second_code})
    assert answer.status_code == 422
    assert client.get(f"/permohonan/{second_id}").status_code == 302


def test_code_guesses_are_rate_limited_per_client(app):
    """Spraying one guess at many cases is stopped per client, not only per account."""
    client = rate_limited_client(app)
    token = csrf_token(client, "/akun/kode")
    codes = [client.post("/akun/kode", data={"nomor": f"SIPA-2026-{n:06d}", "kode": "123456",
                                             "csrf_token": token}).status_code for n in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429


# -- what a passwordless session may open ----------------------------------------------------------


def test_a_code_session_opens_its_case_and_nothing_else(app, client):
    """A right code is a way back to one case, not the account: other pages ask for the password."""
    case_id, _token, code = _applicant_case_with_code(app)
    with app.app_context():
        other_case = _case_for("pemohon@demo.local", "SIPA-2026-991004")
        db.session.commit()
    response = submit(client, "/akun/kode", {"nomor": REGISTRATION, "kode": code})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/permohonan/{case_id}")
    assert client.get(f"/permohonan/{case_id}").status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 200
    for page in (f"/permohonan/{other_case}", "/permohonan", "/akun/profil", "/petugas/tugas", "/admin/pengguna"):
        answer = client.get(page)
        assert answer.status_code == 302 and "/masuk" in answer.headers["Location"], page
    assert client.get(f"/api/v1/cases/{other_case}").status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_password_login_lifts_the_case_scope(app, client):
    """After a full login the same browser reaches the whole account again."""
    _case_id, token, _code = _applicant_case_with_code(app)
    assert client.get(f"/akun/tautan/{token}").status_code == 302
    assert client.get("/akun/profil").status_code == 302
    login(client, "pemohon@demo.local")
    assert client.get("/akun/profil").status_code == 200


def test_a_link_session_downloads_its_case_s_permit_and_no_other(app, client):
    """The permit of the linked case is part of that case; another case's permit asks for the password."""
    from tests.permits.support import issue_and_commit

    mine, other = issue_and_commit(app), issue_and_commit(app)
    with app.app_context():
        token, _code = tokens.create_magic_link(user=accounts.get_by_email("pemohon@demo.local"),
                                                case_id=mine["case_id"], task_id=None)
        db.session.commit()
    assert client.get(f"/akun/tautan/{token}").status_code == 302
    url = "/api/v1/permits/{}.pdf"
    assert client.get(url.format(mine["number"].replace("/", "-"))).status_code == 200
    assert client.get(url.format(other["number"].replace("/", "-"))).status_code == 401
