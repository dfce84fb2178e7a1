"""The permit PDF says what the permit is: number, holder, place, validity, conditions, signer, QR target."""
from __future__ import annotations

import hashlib

from tests.permits.support import CONDITIONS, issue_through_api, pdf_text, scanned_qr_codes
from tests.support.api import ApiClient


def test_issued_permit_pdf_names_number_holder_place_validity_and_signer(client):
    case = issue_through_api(client)
    permit = case["permit"]
    response = ApiClient(client, "pemohon@demo.local").get(permit["pdf_url"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    content = pdf_text(response.data)

    assert permit["number"] in content
    assert "SURAT IZIN PRAKTIK APOTEKER (SIPA)" in content
    assert "apt. Siti Rahmawati, S.Farm." in content
    assert "Apotek Sehat Sentosa" in content and "Jl. Dago No. 45" in content
    assert "Izin ini berlaku sejak" in content
    day, month, year = permit["valid_until"][8:], permit["valid_until"][5:7], permit["valid_until"][:4]
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]
    assert f"{int(day)} {months[int(month) - 1]} {year}" in content
    # The technical recommendation's conditions are printed as numbered terms.
    for line in CONDITIONS.splitlines():
        assert line in content
    # The head of office who completed the signing task signs, with the NIP.
    assert "H. Ahmad Kepala Dinas" in content and "NIP. 196805051995031005" in content
    assert case["registration_number"] in content
    assert "Halaman 1 dari 1" in content


def test_permit_pdf_masks_the_holders_nik(client):
    case = issue_through_api(client)
    content = pdf_text(ApiClient(client, "pemohon@demo.local").get(case["permit"]["pdf_url"]).data)
    nik = case["data"]["nik"]
    assert nik not in content
    assert f"{nik[:6]}******{nik[-4:]}" in content


def test_permit_pdf_prints_the_verification_url_of_its_qr_code(client, app):
    case = issue_through_api(client, conditions=None)
    content = pdf_text(ApiClient(client, "pemohon@demo.local").get(case["permit"]["pdf_url"]).data)
    url = app.config["PUBLIC_BASE_URL"] + case["permit"]["verify_url"]
    assert url in content.replace("\n", "")


def test_permit_qr_code_scans_to_its_verification_url(client, app):
    case = issue_through_api(client, conditions=None)
    data = ApiClient(client, "pemohon@demo.local").get(case["permit"]["pdf_url"]).data
    assert scanned_qr_codes(data) == [app.config["PUBLIC_BASE_URL"] + case["permit"]["verify_url"]]


def test_stored_hash_is_the_sha256_of_the_served_file(client):
    case = issue_through_api(client, conditions=None)
    data = ApiClient(client, "pemohon@demo.local").get(case["permit"]["pdf_url"]).data
    verified = client.get(case["permit"]["verify_url"].replace("/verify/", "/api/v1/verify/")).get_json()
    assert verified["sha256"] == hashlib.sha256(data).hexdigest()


def test_services_without_a_layout_get_a_label_value_table_from_the_form_titles():
    from app.permits.pdf import describe_case_data

    schema = {"properties": {
        "nama_pemohon": {"type": "string", "title": "Nama pemohon"},
        "nik": {"type": "string", "title": "NIK"},
        "no_hp": {"type": "string", "title": "Nomor HP"},
        "lokasi": {"type": "string", "title": "Lokasi reklame"},
        "jenis": {"type": "string", "title": "Jenis reklame",
                  "oneOf": [{"const": "billboard", "title": "Papan reklame"}]},
        "mulai": {"type": "string", "format": "date", "title": "Mulai tayang"},
    }}
    data = {"nama_pemohon": "CV Maju", "nik": "3273010101900001", "no_hp": "081200000000",
            "lokasi": "Jl. Asia Afrika", "jenis": "billboard", "mulai": "2026-12-01"}
    holder, activity, rows = describe_case_data("izin_reklame", "Izin Reklame", schema, data)
    assert holder == [("Nama pemohon", "CV Maju"), ("NIK", "327301******0001")]
    assert "Izin Reklame" in activity
    # Phone numbers stay off the permit; choices show their title, dates read in Indonesian.
    assert rows == [("Lokasi reklame", "Jl. Asia Afrika"), ("Jenis reklame", "Papan reklame"),
                    ("Mulai tayang", "1 Desember 2026")]


def test_user_text_cannot_inject_pdf_markup(office_ctx):
    from app.common import clock
    from app.permits.layout import Office
    from app.permits.pdf import PermitContent, render_permit

    content = PermitContent(
        number="503/X/2026/00001", service_name="Izin Uji", registration_number="X-2026-000001",
        submitted_at=None, holder_rows=[("Nama", "A <b>&amp; B</b> <font size=40>C</font>")], activity="uji",
        place_rows=[], issued_at=clock.now(), valid_until=None, signer_name="Kepala", signer_nip=None,
        verify_url="http://x/verify/t")
    text = pdf_text(render_permit(content, Office.from_config()))
    assert "A <b>&amp; B</b> <font size=40>C</font>" in text
