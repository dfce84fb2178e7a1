"""Idempotency-Key: a replay goes only to the same caller sending the same request; another body is a 422."""
from __future__ import annotations

from tests.support.api import MINIMAL_PDF, ApiClient
from tests.support.data import sample_application

COMPLAINT = {"name": "Sri Wahyuni", "contact": "sri.wahyuni@contoh.id", "subject": "Antrean loket lama",
             "body": "Saya menunggu dua jam di loket tanpa kejelasan."}
OTHER = {"name": "Budi Santoso", "contact": "budi@contoh.id", "subject": "Petugas tidak ramah",
         "body": "Petugas membentak saya saat bertanya tentang persyaratan."}
KEY = {"Idempotency-Key": "pengaduan-1"}


def _reused(response) -> bool:
    error = response.get_json()["error"]
    return response.status_code == 422 and error["reason"] == "idempotency_key_reused" \
        and error["fields"]["Idempotency-Key"]


def test_a_second_anonymous_complainant_with_the_same_key_never_gets_the_first_ticket(client):
    """Anonymous callers share no namespace: another body under a used key is refused, not answered."""
    first = client.post("/api/v1/complaints", json=COMPLAINT, headers=KEY)
    assert first.status_code == 201
    second = client.post("/api/v1/complaints", json=OTHER, headers=KEY)
    assert first.get_json()["ticket"] not in second.get_data(as_text=True)
    assert _reused(second)


def test_an_anonymous_retry_of_the_same_complaint_replays_its_ticket(client):
    """A retry after a lost answer is what the key is for: same body (in any key order), same ticket."""
    first = client.post("/api/v1/complaints", json=COMPLAINT, headers=KEY)
    retry = client.post("/api/v1/complaints", json=dict(reversed(list(COMPLAINT.items()))), headers=KEY)
    assert first.status_code == retry.status_code == 201
    assert retry.get_json()["ticket"] == first.get_json()["ticket"]


def test_a_signed_in_caller_reusing_a_key_with_another_body_gets_422(client):
    """Per the IETF idempotency-key draft: a key reused for a different payload is a 422, nothing is created."""
    applicant = ApiClient(client, "pemohon@demo.local")
    first = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": {}}, headers=KEY)
    assert first.status_code == 201
    other = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()},
                           headers=KEY)
    assert _reused(other)
    assert applicant.get("/api/v1/cases").get_json()["total"] == 1


def test_two_users_with_the_same_key_each_get_their_own_case(client):
    """Keys are scoped to the caller: one user's key never returns another user's case."""
    siti = ApiClient(client, "pemohon@demo.local")
    officer = ApiClient(client, "loket@demo.local")
    mine = siti.post("/api/v1/complaints", json=COMPLAINT, headers=KEY)
    theirs = officer.post("/api/v1/complaints", json=COMPLAINT, headers=KEY)
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["ticket"] != theirs.get_json()["ticket"]


def test_an_upload_retry_replays_and_another_file_under_the_key_is_422(client):
    """Multipart bodies are fingerprinted by their fields and file contents, not by the random boundary."""
    applicant = ApiClient(client, "pemohon@demo.local")
    case = applicant.post("/api/v1/cases", json={"service": "sip_apoteker", "data": sample_application()}).get_json()
    path = f"/api/v1/cases/{case['id']}/documents"

    def send(content: bytes):
        import io

        return applicant.post(path, data={"requirement": "ktp", "file": (io.BytesIO(content), "ktp.pdf")},
                              content_type="multipart/form-data", headers=KEY)

    first, retry = send(MINIMAL_PDF), send(MINIMAL_PDF)
    assert first.status_code == retry.status_code == 201
    assert retry.get_json()["id"] == first.get_json()["id"]
    other = send(MINIMAL_PDF.replace(b"200 200", b"300 300"))
    assert _reused(other)
    assert len(applicant.get(f"/api/v1/cases/{case['id']}").get_json()["documents"]) == 1
