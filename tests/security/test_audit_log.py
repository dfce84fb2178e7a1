"""The security log: what is recorded, with how little personal data, and who may read it."""
from __future__ import annotations

import json

from sqlalchemy import select

from tests.modeler.conftest import deploy, model_text, upload
from tests.permits.support import issue_and_commit
from tests.support.api import ApiClient
from tests.support.pages import csrf_token, login, submit


def _events(app, kind: str | None = None) -> list:
    from app.audit.models import SecurityEvent
    from app.extensions import db

    with app.app_context():
        query = select(SecurityEvent).order_by(SecurityEvent.id)
        if kind:
            query = query.where(SecurityEvent.kind == kind)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def _user_id(app, email: str) -> int:
    from app.accounts import service as accounts

    with app.app_context():
        return accounts.get_by_email(email).id


def _everything_stored(app) -> str:
    return json.dumps([[e.kind, e.actor_id, e.actor_label, e.subject, e.ip, e.detail] for e in _events(app)])


def test_page_login_success_names_the_user_by_id_and_role(app, client):
    login(client, "loket@demo.local")
    [event] = _events(app, "login")
    uid = _user_id(app, "loket@demo.local")
    assert (event.ok, event.actor_id, event.subject) == (True, uid, f"user:{uid}")
    assert event.actor_label == "officer:verifikator"
    assert event.detail == {"channel": "page"}
    assert event.ip == "127.0.0.0/24"  # the test client's address, truncated


def test_failed_login_is_kept_although_the_login_fails(app, client):
    assert submit(client, "/masuk", {"email": "kabid@demo.local", "password": "salah"}).status_code == 401
    [event] = _events(app, "login")
    assert event.ok is False and event.actor_id is None
    assert event.subject == f"user:{_user_id(app, 'kabid@demo.local')}"
    assert event.detail == {"channel": "page", "reason": "bad_credentials"}


def test_failed_login_for_an_unknown_email_stores_a_digest_not_the_email(app, client):
    typed = "Orang.Asing@Contoh.id"
    assert client.post("/api/v1/auth/token", json={"email": typed, "password": "x"}).status_code == 401
    client.post("/api/v1/auth/token", json={"email": typed.lower(), "password": "y"})
    first, second = _events(app, "login")
    assert first.subject.startswith("login:") and first.subject == second.subject  # attempts still correlate
    assert first.detail["channel"] == "api"
    assert "asing" not in _everything_stored(app).lower()


def test_lockout_is_recorded_and_later_attempts_say_locked(app, client):
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"email": "pemohon@demo.local", "password": "salah"})
    client.post("/api/v1/auth/token", json={"email": "pemohon@demo.local", "password": "Demo#2026"})
    [locked] = _events(app, "login_locked")
    assert locked.ok is False and locked.detail["minutes"] == app.config["LOGIN_LOCK_MINUTES"]
    assert _events(app, "login")[-1].detail == {"channel": "api", "reason": "locked"}


def test_logout_is_recorded(app, client):
    login(client, "pemohon@demo.local")
    response = submit(client, "/keluar", {}, form_page="/")
    assert response.status_code == 302
    [event] = _events(app, "logout")
    assert event.actor_id == _user_id(app, "pemohon@demo.local") and event.ok


def test_password_reset_records_request_and_change(app, client):
    from app.accounts import service as accounts

    client.post("/api/v1/auth/password-reset", json={"email": "pemohon@demo.local"})
    with app.app_context():
        token = accounts._reset_serializer().dumps({"uid": _user_id(app, "pemohon@demo.local"), "stamp": 0})
    done = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "Baru#2027x"})
    assert done.status_code == 200
    [requested] = _events(app, "password_reset_requested")
    [changed] = _events(app, "password_changed")
    uid = _user_id(app, "pemohon@demo.local")
    assert requested.subject == changed.subject == f"user:{uid}"
    assert changed.detail == {"via": "reset_link"}


def test_admin_changes_roles_and_groups_on_the_users_page(app, client):
    uid = _user_id(app, "teknis.pupr@demo.local")
    login(client, "admin@demo.local")
    page = client.get(f"/admin/pengguna/{uid}")
    assert page.status_code == 200 and "teknis_pupr" in page.get_data(as_text=True)
    response = submit(client, f"/admin/pengguna/{uid}",
                      {"roles": ["officer", "supervisor"], "groups": ["teknis_pupr", "kabid"], "active": "1"})
    assert response.status_code == 302
    [roles] = _events(app, "roles_changed")
    [groups] = _events(app, "groups_changed")
    assert roles.detail == {"old": ["officer"], "new": ["officer", "supervisor"]}
    assert groups.detail == {"old": ["teknis_pupr"], "new": ["kabid", "teknis_pupr"]}
    assert roles.actor_label == "admin" and roles.subject == f"user:{uid}"


def test_users_page_needs_csrf_and_the_admin_role(app, client):
    uid = _user_id(app, "teknis.pupr@demo.local")
    login(client, "supervisor@demo.local")
    assert client.get("/admin/pengguna").status_code == 403
    assert client.post(f"/admin/pengguna/{uid}", data={"roles": ["admin"], "active": "1",
                                                       "csrf_token": csrf_token(client, "/")}).status_code == 403
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})
    login(client, "admin@demo.local")
    assert client.post(f"/admin/pengguna/{uid}", data={"roles": ["admin"], "active": "1"}).status_code == 400
    assert _events(app, "roles_changed") == []


def test_admin_cannot_remove_their_own_admin_role(app, client):
    uid = _user_id(app, "admin@demo.local")
    login(client, "admin@demo.local")
    response = submit(client, f"/admin/pengguna/{uid}", {"roles": ["officer"], "active": "1"})
    assert response.status_code == 422
    assert "peran admin" in response.get_data(as_text=True)


def test_a_deactivated_account_loses_its_session_and_tokens(app, client):
    uid = _user_id(app, "loket@demo.local")
    officer = app.test_client()
    login(officer, "loket@demo.local")
    token_client = ApiClient(app.test_client(), "loket@demo.local")
    assert officer.get("/petugas/tugas").status_code == 200
    login(client, "admin@demo.local")
    assert submit(client, f"/admin/pengguna/{uid}",
                  {"roles": ["officer"], "groups": ["verifikator"]}).status_code == 302
    assert officer.get("/petugas/tugas").status_code == 302  # back to the login page
    assert token_client.get("/api/v1/me").status_code == 401
    [event] = _events(app, "account_status_changed")
    assert event.detail == {"active": False}


def test_model_deploy_is_recorded(app, client):
    analyst = ApiClient(client, "analis@demo.local")
    renamed = model_text("sip_apoteker.bpmn").replace('name="Tetapkan instansi teknis: Dinas Kesehatan"',
                                                      'name="Tetapkan Dinas Kesehatan"')
    assert upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": renamed}).status_code == 201
    assert deploy(client, "sip_apoteker", 2).status_code == 200  # requested by the analyst, approved by the admin
    [requested] = _events(app, "model_deploy_requested")
    assert requested.subject == "model:sip_apoteker" and requested.actor_label == "analyst"
    [event] = _events(app, "model_deployed")
    assert event.subject == "model:sip_apoteker" and event.detail["version"] == 2 and event.detail["previous"] == 1
    assert event.detail["requested_by"] == analyst.user["id"] and event.actor_label == "admin"


def test_permit_revoke_and_reissue_are_recorded(app, client):
    first = issue_and_commit(app)
    second = issue_and_commit(app)
    kadis = ApiClient(client, "kadis@demo.local")
    assert kadis.post(f"/api/v1/permits/{first['number'].replace('/', '-')}/revoke", json={"reason": "Data palsu"}).status_code == 200
    reissued = kadis.post(f"/api/v1/permits/{second['number'].replace('/', '-')}/reissue", json={"reason": "Salah ketik alamat"})
    assert reissued.status_code == 201
    revoked = _events(app, "permit_revoked")
    assert [e.subject for e in revoked] == [f"permit:{first['number']}", f"permit:{second['number']}"]
    [again] = _events(app, "permit_reissued")
    assert again.detail["new_number"] == reissued.get_json()["number"]
    assert again.actor_label == "officer:penandatangan"


def test_a_refused_revoke_leaves_no_event(app, client):
    permit = issue_and_commit(app)
    kadis = ApiClient(client, "kadis@demo.local")
    assert kadis.post(f"/api/v1/permits/{permit['number'].replace('/', '-')}/revoke", json={"reason": " "}).status_code == 422
    assert _events(app, "permit_revoked") == []


def test_detail_never_keeps_an_email_or_a_nik(app):
    from app.audit import service as audit
    from app.extensions import db

    with app.app_context():
        audit.record(kind="test", detail={"note": "kirim ke siti@contoh.id", "nik": "3273010101900001",
                                          "nested": ["3273010101900002"]})
        db.session.commit()
    stored = _everything_stored(app)
    assert "siti@" not in stored and "3273010101900001" not in stored and "3273010101900002" not in stored
    assert "s***@contoh.id" in stored and "************0001" in stored


def test_audit_api_is_for_admins_and_filters(app, client):
    submit(client, "/masuk", {"email": "kabid@demo.local", "password": "salah"})
    login(client, "loket@demo.local")
    assert app.test_client().get("/api/v1/audit").status_code == 401
    assert ApiClient(app.test_client(), "supervisor@demo.local").get("/api/v1/audit").status_code == 403
    admin = ApiClient(app.test_client(), "admin@demo.local")
    failures = admin.get("/api/v1/audit?kind=login&ok=false").get_json()
    assert failures["total"] == 1 and failures["items"][0]["subject"] == f"user:{_user_id(app, 'kabid@demo.local')}"
    loket = _user_id(app, "loket@demo.local")
    mine = admin.get(f"/api/v1/audit?actor_id={loket}").get_json()
    assert [i["kind"] for i in mine["items"]] == ["login"] and mine["items"][0]["ok"] is True
    assert admin.get(f"/api/v1/audit?subject=user:{loket}").get_json()["total"] == 1
    assert admin.get("/api/v1/audit?from=2000-01-01&to=2000-01-31").get_json()["total"] == 0
    bad = admin.get("/api/v1/audit?from=2026-02-30")
    assert bad.status_code == 422 and "from" in json.dumps(bad.get_json())
    paged = admin.get("/api/v1/audit?per_page=1&page=2").get_json()
    assert paged["per_page"] == 1 and len(paged["items"]) == 1 and paged["total"] >= 3


def test_audit_page_searches_and_refuses_bad_input_readably(app, client):
    submit(client, "/masuk", {"email": "kabid@demo.local", "password": "salah"})
    login(client, "admin@demo.local")
    page = client.get("/admin/audit?kind=login&outcome=fail")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 kejadian" in text and "gagal" in text
    assert "kabid@demo.local" not in text
    bad = client.get("/admin/audit?from=kemarin&actor=tidak.ada@demo.local")
    assert bad.status_code == 422
    assert "Tanggal tidak valid" in bad.get_data(as_text=True)
    assert "Pengguna tidak ditemukan" in bad.get_data(as_text=True)


def test_audit_page_is_admin_only(client):
    assert client.get("/admin/audit").status_code == 302
    login(client, "supervisor@demo.local")
    assert client.get("/admin/audit").status_code == 403


def test_client_network_comes_from_the_trusted_proxy_only(app, client, tmp_path):
    from app import create_app
    from tests.conftest import _config

    client.post("/api/v1/auth/token", json={"email": "x@contoh.id", "password": "x"},
                headers={"X-Forwarded-For": "203.0.113.77"})
    assert _events(app, "login")[-1].ip == "127.0.0.0/24"  # no proxy trusted: the header is ignored
    behind_proxy = create_app(_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) | {"TRUSTED_PROXY_HOPS": 1})
    # The proxy appends the address it saw: only that last entry is believed, not what the client wrote.
    behind_proxy.test_client().post("/api/v1/auth/token", json={"email": "x@contoh.id", "password": "x"},
                                    headers={"X-Forwarded-For": "203.0.113.77, 2001:db8::1"})
    assert _events(app, "login")[-1].ip == "2001:db8::/48"
    with behind_proxy.app_context():
        from app.extensions import db

        db.engine.dispose()
