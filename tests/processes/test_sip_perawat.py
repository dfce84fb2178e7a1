"""sip_perawat: verification with a revision round, Dinas Kesehatan recommendation, approval and signing."""
from __future__ import annotations

from app.jsonforms.validation import validate
from tests.processes import http
from tests.processes.support import RECOMMEND, complete, revision, route, submit, verified
from tests.support.api import MINIMAL_PDF, ApiClient
from tests.support.data import load_form, sample_application


def test_nurse_through_the_api_revises_the_str_and_is_issued(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = http.submit(applicant, "sip_perawat")
    assert case["registration_number"].startswith("SIPP-")
    case = http.finish(loket, case["id"], revision("sip_perawat", "str", "STR belum dilegalisir."))
    assert case["status"] == "waiting_applicant"
    [todo] = [o for o in case["outstanding"] if o["kind"] == "revision"]
    assert applicant.upload(case["id"], "str", MINIMAL_PDF, "str-legalisir.pdf").status_code == 201
    revised = applicant.post(f"/api/v1/tasks/{todo['task_id']}/complete", json={"data": {
        "application": sample_application("sip_perawat"), "response_note": "STR legalisir sudah diunggah."}})
    assert revised.status_code == 200, revised.get_json()
    assert revised.get_json()["case"]["status"] == "submitted"
    http.finish(loket, case["id"], verified("sip_perawat"))
    http.finish(ApiClient(client, "teknis.dinkes@demo.local"), case["id"], RECOMMEND)
    http.finish(ApiClient(client, "kabid@demo.local"), case["id"], {"approval_decision": "approve"})
    case = http.finish(ApiClient(client, "kadis@demo.local"), case["id"], {"signing_decision": "sign"})
    assert case["status"] == "issued"
    assert case["permit"]["number"].startswith("503/SIPP/")


def test_head_of_division_rejection_ends_the_application_rejected(ctx):
    case = submit("sip_perawat")
    complete(case, "verifikasi", verified("sip_perawat"))
    complete(case, "rekomendasi_dinkes", RECOMMEND)
    case = complete(case, "persetujuan", {"approval_decision": "reject", "approval_note": "Jadwal praktik bentrok."})
    assert case.status == "rejected"
    assert route(case) == ["verifikasi", "rekomendasi_dinkes", "persetujuan"]


def test_independent_practice_needs_a_ners_and_a_practice_name():
    schema = load_form("sip_perawat.schema.json")
    independent = {**sample_application("sip_perawat"), "jenis_praktik": "mandiri", "pendidikan_terakhir": "d3"}
    independent.pop("nama_praktik_mandiri")
    errors = validate(schema, independent, prefix="data")
    assert {"data.nama_praktik_mandiri", "data.pendidikan_terakhir"} <= set(errors)
