"""After signing in, each role lands where it works, unless the login page was given a safe `next`."""
from __future__ import annotations

from tests.support.pages import csrf_token

LANDINGS = [("pemohon@demo.local", "/permohonan"), ("loket@demo.local", "/petugas/tugas"),
            ("supervisor@demo.local", "/dasbor"), ("analis@demo.local", "/analis/model"),
            ("admin@demo.local", "/admin/pengguna")]


def _log_in(client, email: str, query: str = ""):
    token = csrf_token(client, "/masuk")
    return client.post(f"/masuk{query}", data={"csrf_token": token, "email": email, "password": "Demo#2026"})


def test_each_role_lands_on_its_own_workspace(client):
    for email, landing in LANDINGS:
        response = _log_in(client, email)
        assert response.status_code == 302 and response.headers["Location"] == landing, email
        assert client.get(landing).status_code == 200, landing
        client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})


def test_a_safe_next_wins_and_an_unsafe_one_falls_back_to_the_landing(client):
    assert _log_in(client, "loket@demo.local", "?next=/petugas/permohonan").headers["Location"] == \
        "/petugas/permohonan"
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/")})
    assert _log_in(client, "loket@demo.local", "?next=//jahat.example/").headers["Location"] == "/petugas/tugas"
