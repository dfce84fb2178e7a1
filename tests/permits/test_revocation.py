"""Only the head of office revokes or re-issues a permit; both leave a trail on the case."""
from __future__ import annotations

import pytest

from tests.permits.support import issue_and_commit
from tests.support.api import ApiClient


def _slug(number: str) -> str:
    return number.replace("/", "-")


@pytest.mark.parametrize("email", ["pemohon@demo.local", "kabid@demo.local"])
def test_revoke_is_forbidden_to_anyone_but_the_head_of_office(client, app, email):
    permit = issue_and_commit(app)
    response = ApiClient(client, email).post(f"/api/v1/permits/{_slug(permit['number'])}/revoke",
                                             json={"reason": "Coba cabut."})
    assert response.status_code == 403
    assert client.get(f"/api/v1/verify/{permit['token']}").get_json()["status"] == "valid"


def test_revoke_needs_a_login(client, app):
    permit = issue_and_commit(app)
    response = client.post(f"/api/v1/permits/{_slug(permit['number'])}/revoke", json={"reason": "x"})
    assert response.status_code == 401


def test_head_of_office_revokes_with_a_reason_recorded_on_the_case(client, app):
    permit = issue_and_commit(app)
    kadis = ApiClient(client, "kadis@demo.local")
    response = kadis.post(f"/api/v1/permits/{_slug(permit['number'])}/revoke",
                          json={"reason": "Apotek berhenti beroperasi."})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "revoked"
    assert response.get_json()["revoke_reason"] == "Apotek berhenti beroperasi."
    case = kadis.get(f"/api/v1/cases/{permit['case_id']}").get_json()
    revoked = [h for h in case["history"] if h["kind"] == "permit_revoked"]
    assert len(revoked) == 1 and "Apotek berhenti beroperasi." in revoked[0]["note"]
    assert revoked[0]["actor"] == "H. Ahmad Kepala Dinas"
    assert case["permit"]["status"] == "revoked"


def test_admin_may_revoke(client, app):
    permit = issue_and_commit(app)
    response = ApiClient(client, "admin@demo.local").post(
        f"/api/v1/permits/{_slug(permit['number'])}/revoke", json={"reason": "Putusan pengadilan."})
    assert response.status_code == 200


def test_revoke_without_a_reason_is_422_and_twice_is_409(client, app):
    permit = issue_and_commit(app)
    kadis = ApiClient(client, "kadis@demo.local")
    url = f"/api/v1/permits/{_slug(permit['number'])}/revoke"
    assert kadis.post(url, json={"reason": "   "}).status_code == 422
    assert kadis.post(url, json={}).status_code == 422
    assert kadis.post(url, json={"reason": "Dicabut."}).status_code == 200
    assert kadis.post(url, json={"reason": "Lagi."}).status_code == 409


def test_revoking_an_unknown_number_is_404(client, app):
    response = ApiClient(client, "kadis@demo.local").post("/api/v1/permits/503-SIPA-2026-99999/revoke",
                                                          json={"reason": "x"})
    assert response.status_code == 404


def test_reissue_gives_a_new_number_and_document_and_revokes_the_old(client, app):
    permit = issue_and_commit(app)
    kadis = ApiClient(client, "kadis@demo.local")
    response = kadis.post(f"/api/v1/permits/{_slug(permit['number'])}/reissue",
                          json={"reason": "Salah ketik alamat sarana."})
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert new["number"] != permit["number"] and new["replaces"] == permit["number"]
    assert new["status"] == "valid" and new["sha256"] != permit["sha256"]

    old = client.get(f"/api/v1/verify/{permit['token']}").get_json()
    assert old["status"] == "revoked" and old["replaced_by"] == new["number"]
    assert client.get(f"/api/v1/verify/{new['verify_url'].rsplit('/', 1)[1]}").get_json()["valid"] is True
    case = ApiClient(client, "pemohon@demo.local").get(f"/api/v1/cases/{permit['case_id']}").get_json()
    assert case["permit"]["number"] == new["number"]
    kinds = [h["kind"] for h in case["history"]]
    assert "permit_reissued" in kinds and "permit_revoked" in kinds
    # Numbers stay gap-free: the re-issue takes the next one of the year.
    assert int(new["number"].rsplit("/", 1)[1]) == int(permit["number"].rsplit("/", 1)[1]) + 1


def test_reissued_document_keeps_the_validity_and_says_what_it_replaces(client, app):
    from tests.permits.support import pdf_text

    permit = issue_and_commit(app)
    kadis = ApiClient(client, "kadis@demo.local")
    new = kadis.post(f"/api/v1/permits/{_slug(permit['number'])}/reissue", json={"reason": "Koreksi."}).get_json()
    old = client.get(f"/api/v1/verify/{permit['token']}").get_json()
    assert new["valid_until"] == old["valid_until"]
    content = pdf_text(kadis.get(new["pdf_url"]).data)
    assert new["number"] in content and f"menggantikan izin nomor {permit['number']}" in content


def test_reissue_is_forbidden_to_the_applicant_and_refused_for_a_revoked_permit(client, app):
    permit = issue_and_commit(app)
    url = f"/api/v1/permits/{_slug(permit['number'])}"
    assert ApiClient(client, "pemohon@demo.local").post(f"{url}/reissue", json={"reason": "x"}).status_code == 403
    kadis = ApiClient(client, "kadis@demo.local")
    assert kadis.post(f"{url}/revoke", json={"reason": "Dicabut."}).status_code == 200
    assert kadis.post(f"{url}/reissue", json={"reason": "x"}).status_code == 409
