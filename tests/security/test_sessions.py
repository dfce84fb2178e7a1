"""Sessions and tokens end when they should, and CSRF is skipped only for calls a token really authenticated.

Session cookies are signed, not stored: without a server-side check a copied cookie outlived
the logout and came back to life when a deactivated account was reactivated. The session id now
carries `users.session_generation`, bumped at logout and at deactivation.
"""
from __future__ import annotations

from tests.support.api import ApiClient
from tests.support.pages import csrf_token, login, submit


def _copied_session(app, client):
    """A fresh client holding a copy of `client`'s session cookie (as a thief or a shared computer would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/akun/profil").status_code == 200


def _set_active(app, email: str, active: bool) -> None:
    from app.accounts import service
    from app.extensions import db

    with app.app_context():
        user, admin = service.get_by_email(email), service.get_by_email("admin@demo.local")
        service.change_access(user=user, actor=admin, roles=user.roles, groups=user.group_keys, active=active)
        db.session.commit()


def test_a_session_cookie_stops_working_after_logout(app, client):
    """Logging out must end the session on the server, not only delete the browser's cookie."""
    login(client, "pemohon@demo.local")
    thief = _copied_session(app, client)
    assert _signed_in(thief)
    submit(client, "/keluar", {}, form_page="/akun/profil")
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_logging_in_again_after_logout_works(app, client):
    """The generation bump ends old sessions only: a new login gets a working one."""
    login(client, "pemohon@demo.local")
    submit(client, "/keluar", {}, form_page="/akun/profil")
    login(client, "pemohon@demo.local")
    assert _signed_in(client)


def test_a_session_cookie_stays_dead_after_deactivation_and_reactivation(app, client):
    """Reactivating an account must not revive the sessions it had before it was deactivated."""
    login(client, "pemohon@demo.local")
    _set_active(app, "pemohon@demo.local", False)
    assert not _signed_in(client)
    _set_active(app, "pemohon@demo.local", True)
    assert not _signed_in(client)


def test_revoking_the_token_of_the_call_ends_it(client):
    """DELETE /api/v1/auth/token signs an API client out: its token is refused afterwards."""
    first, second = ApiClient(client, "pemohon@demo.local"), ApiClient(client, "pemohon@demo.local")
    response = first.client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {first.token}"})
    assert response.status_code == 200 and response.get_json() == {"status": "revoked"}
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 200  # only the token used


def test_signing_out_everywhere_revokes_every_token_and_session(app, client):
    """DELETE /api/v1/auth/tokens ends all the user's tokens and page sessions (a lost phone, a leaked token)."""
    browser = app.test_client()
    login(browser, "pemohon@demo.local")
    first, second = ApiClient(client, "pemohon@demo.local"), ApiClient(client, "pemohon@demo.local")
    assert client.delete("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {first.token}"}).status_code == 200
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401
    assert not _signed_in(browser)
    assert ApiClient(client, "pemohon@demo.local").get("/api/v1/me").status_code == 200


def test_revoking_needs_a_login(client):
    """Anonymous callers have nothing to revoke."""
    assert client.delete("/api/v1/auth/token").status_code == 401
    assert client.delete("/api/v1/auth/token", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_bogus_bearer_header_does_not_exempt_a_cookie_session_from_csrf(client):
    """A page could add any Authorization header to a cross-site call; the cookie must still need the CSRF token."""
    login(client, "pemohon@demo.local")
    response = client.patch("/api/v1/me", json={"name": "Diubah Orang Lain"},
                            headers={"Authorization": "Bearer bukan-token"})
    assert response.status_code in (400, 401)
    me = client.get("/api/v1/me").get_json()
    assert me["name"] != "Diubah Orang Lain"


def test_a_cookie_api_call_with_the_csrf_token_still_works(client):
    """The browser's own API calls (cookie plus X-CSRFToken) are unaffected."""
    login(client, "pemohon@demo.local")
    token = csrf_token(client, "/akun/profil")
    response = client.patch("/api/v1/me", json={"name": "Siti Rahma"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["name"] == "Siti Rahma"


def test_a_valid_token_authenticates_its_own_user_whatever_the_cookie(app, client):
    """With a bearer token the call is the token's user's, never the cookie's (no mixing of identities)."""
    login(client, "pemohon@demo.local")
    officer = ApiClient(app.test_client(), "loket@demo.local")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {officer.token}"})
    assert response.get_json()["email"] == "loket@demo.local"
