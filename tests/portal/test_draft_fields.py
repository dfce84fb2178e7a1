"""A draft loses nothing to one wrong field, implausible dates are refused with their field message, new
applications start from the profile, and form pages carry the form stylesheet and a linked error summary."""
from __future__ import annotations

import re

from tests.support.api import ApiClient
from tests.support.data import sample_application
from tests.support.pages import login, submit

AUTOSAVE = {"Accept": "application/json"}


def _start(client) -> int:
    login(client, "pemohon@demo.local")
    response = submit(client, "/permohonan/baru/sip_apoteker", {})
    return int(re.search(r"/permohonan/(\d+)/isi", response.headers["Location"]).group(1))


def _saved(client, case_id: int) -> dict:
    return client.get(f"/api/v1/cases/{case_id}").get_json()["data"]


def _form_data(**changes) -> dict:
    return {**{k: str(v) for k, v in sample_application().items()}, **changes}


def test_a_new_application_starts_with_the_applicants_name_nik_and_phone(client):
    case_id = _start(client)
    assert _saved(client, case_id) == {"nama_lengkap": "Siti Rahmawati", "nik": "3604014101900001",
                                       "no_hp": "081234567890"}
    page = client.get(f"/permohonan/{case_id}/isi").get_data(as_text=True)
    assert 'value="3604014101900001"' in page


def test_saving_a_draft_with_one_wrong_field_keeps_all_the_others(client):
    case_id = _start(client)
    data = _form_data(no_hp="0812 3456 789x", tempat_lahir="Bogor")
    response = submit(client, f"/permohonan/{case_id}/isi", {**data, "next": "documents"},
                      form_page=f"/permohonan/{case_id}/isi")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Draf tersimpan, kecuali isian yang ditandai" in page
    assert 'id="app-no_hp-error">Format tidak sesuai.' in page and 'value="0812 3456 789x"' in page
    saved = _saved(client, case_id)
    assert saved["tempat_lahir"] == "Bogor" and saved["nomor_stra"] == sample_application()["nomor_stra"]
    assert saved["no_hp"] == "081234567890"  # the value saved before stays until the new one is right


def test_autosave_answers_json_with_the_wrong_fields_and_stores_the_rest(client):
    case_id = _start(client)
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get(f"/permohonan/{case_id}/isi").get_data(as_text=True)).group(1)
    response = client.post(f"/permohonan/{case_id}/isi", headers=AUTOSAVE, data={
        **_form_data(masa_berlaku_stra="2020-01-31", tanggal_lahir="2999-01-01"), "csrf_token": token,
        "next": "data"})
    body = response.get_json()
    assert response.status_code == 422 and body["saved"] is True
    assert set(body["errors"]) == {"masa_berlaku_stra", "tanggal_lahir"}
    assert "STRA sudah tidak berlaku" in body["errors"]["masa_berlaku_stra"][0]
    saved = _saved(client, case_id)
    assert "masa_berlaku_stra" not in saved and saved["alamat_sarana"] == sample_application()["alamat_sarana"]


def test_phone_and_nik_typed_with_spaces_and_dashes_are_saved_as_digits(client):
    case_id = _start(client)
    response = submit(client, f"/permohonan/{case_id}/isi",
                      {**_form_data(no_hp="0812-3456 7890", nik="3273 0145 0190 0002"), "next": "data"},
                      form_page=f"/permohonan/{case_id}/isi")
    assert response.status_code == 302
    saved = _saved(client, case_id)
    assert saved["no_hp"] == "081234567890" and saved["nik"] == "3273014501900002"


def test_the_api_refuses_an_expired_stra_with_its_field_message(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    response = applicant.post("/api/v1/cases", json={"service": "sip_apoteker",
                                                     "data": {**sample_application(), "masa_berlaku_stra": "2020-01-31"}})
    assert response.status_code == 422
    assert "STRA sudah tidak berlaku" in response.get_json()["error"]["fields"]["data.masa_berlaku_stra"][0]


def test_the_wizard_page_has_the_form_stylesheet_and_a_summary_linking_each_field(client):
    case_id = _start(client)
    response = submit(client, f"/permohonan/{case_id}/isi", {**_form_data(no_hp="x", sip_ke="2"), "next": "data"},
                      form_page=f"/permohonan/{case_id}/isi")
    page = response.get_data(as_text=True)
    assert "css/forms" in page and "js/error-summary" in page and "data-error-summary" in page
    assert '<a href="#app-no_hp">Nomor HP/WhatsApp</a>' in page
    assert '<a href="#app-nomor_sipa_sebelumnya">' not in page  # a draft may leave it empty


def test_registration_and_complaint_errors_are_summarised_with_links(client):
    register = submit(client, "/daftar", {"name": "Budi", "email": "bukan-email", "password": "Rahasia#2026",
                                          "password2": "Rahasia#2026"})
    assert register.status_code == 422 and '<a href="#f-email">Email</a>' in register.get_data(as_text=True)
    complaint = submit(client, "/pengaduan", {"name": "Sri", "contact": "081234567890", "subject": "Lambat",
                                              "body": "pendek"})
    page = complaint.get_data(as_text=True)
    assert complaint.status_code == 422 and '<a href="#f_body">Isi pengaduan</a>' in page
    assert 'aria-describedby="h_body e_body"' in page and "css/forms" in page


def test_registration_reads_phone_and_nik_without_spaces_and_dashes(client, app):
    response = submit(client, "/daftar", {"name": "Budi Santoso", "email": "budi.spasi@contoh.id",
                                          "phone": "0812 9876-5432", "nik": "3604 0141 0190 0009",
                                          "password": "Rahasia#2026", "password2": "Rahasia#2026"})
    assert response.status_code == 200
    with app.app_context():
        from app.accounts import service as accounts

        user = accounts.get_by_email("budi.spasi@contoh.id")
        assert (user.phone, user.nik) == ("081298765432", "3604014101900009")


def test_the_review_page_links_each_missing_field_to_the_data_step(client):
    case_id = _start(client)
    page = client.get(f"/permohonan/{case_id}/periksa").get_data(as_text=True)
    assert f'<a href="/permohonan/{case_id}/isi#app-tempat_lahir">Tempat lahir</a>: Wajib diisi.' in page
