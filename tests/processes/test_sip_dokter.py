"""sip_dokter: regular doctors get the Dinas Kesehatan recommendation; internship doctors take the short path."""
from __future__ import annotations

from app.jsonforms.validation import validate
from tests.processes import http
from tests.processes.support import (
    NOT_RECOMMEND,
    RECOMMEND,
    approve_and_sign,
    complete,
    open_task,
    route,
    submit,
    verified,
)
from tests.support.api import ApiClient
from tests.support.data import load_form, sample_application

INTERNSHIP = {**sample_application("sip_dokter"), "kategori_praktik": "internsip", "sip_ke": 1,
              "jenis_dokter": "dokter", "jenis_fasyankes": "rumah_sakit"}


def test_regular_doctor_through_the_api_is_recommended_approved_and_issued(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = http.submit(applicant, "sip_dokter")
    assert case["registration_number"].startswith("SIPD-")
    case = http.finish(ApiClient(client, "loket@demo.local"), case["id"], verified("sip_dokter"))
    assert case["status"] == "waiting_agency"
    case = http.finish(ApiClient(client, "teknis.dinkes@demo.local"), case["id"], RECOMMEND)
    case = http.finish(ApiClient(client, "kabid@demo.local"), case["id"], {"approval_decision": "approve"})
    case = http.finish(ApiClient(client, "kadis@demo.local"), case["id"], {"signing_decision": "sign"})
    assert case["status"] == "issued"
    assert case["permit"]["number"].startswith("503/SIPD/")


def test_internship_doctor_skips_the_dinkes_recommendation(ctx):
    case = submit("sip_dokter", INTERNSHIP)
    complete(case, "verifikasi", verified("sip_dokter"))
    assert open_task(case).group_key == "kabid"
    case = approve_and_sign(case)
    assert case.status == "issued"
    assert route(case) == ["verifikasi", "persetujuan", "penandatanganan"]


def test_dinkes_not_recommending_rejects_the_application(ctx):
    case = submit("sip_dokter")
    complete(case, "verifikasi", verified("sip_dokter"))
    case = complete(case, "rekomendasi_dinkes", NOT_RECOMMEND)
    assert case.status == "rejected"
    assert route(case) == ["verifikasi", "rekomendasi_dinkes"]


def test_internship_application_needs_the_assignment_letter_and_period():
    schema = load_form("sip_dokter.schema.json")
    data = {k: v for k, v in INTERNSHIP.items()
            if k not in ("nomor_surat_penugasan", "periode_internsip_mulai")}
    errors = validate(schema, data, prefix="data")
    assert {"data.nomor_surat_penugasan", "data.periode_internsip_mulai"} <= set(errors)
    assert validate(schema, INTERNSHIP, prefix="data") == {}


def test_specialist_must_name_the_specialty_and_internship_is_only_a_first_sip():
    schema = load_form("sip_dokter.schema.json")
    specialist = {k: v for k, v in sample_application("sip_dokter").items() if k != "spesialisasi"}
    assert "data.spesialisasi" in validate(schema, {**specialist, "jenis_dokter": "dokter_spesialis"}, prefix="data")
    assert validate(schema, {**INTERNSHIP, "sip_ke": 2}, prefix="data")
