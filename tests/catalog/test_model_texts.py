"""A model's texts in English come from the model's own translations (app/catalog/texts.py), never from code."""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.catalog import texts
from app.engine import Bundle, Library
from tests.support.data import sample_application
from tests.support.pages import login, submit

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Library.from_dirs(ROOT / "processes", ROOT / "forms")
ENGLISH = {"Cookie": "lang=en"}


@contextmanager
def reading(app, headers: dict | None = None):
    """A request in the reader's language (flask-babel keeps the language on `g`, shared with the test's context)."""
    from flask_babel import refresh

    with app.test_request_context("/", headers=headers or {}):
        refresh()
        yield
    refresh()


@pytest.mark.parametrize("service", LIBRARY.services())
def test_every_display_text_of_every_shipped_model_has_an_english_translation(service):
    """Form titles, help, choices, requirements, standard, BPMN names and instructions, fee table: all of them."""
    missing = texts.untranslated_texts(LIBRARY.bundle(service), "en")
    assert not missing, f"{service}: add to the model's x-translations: {sorted(missing)}"


@pytest.mark.parametrize("service", LIBRARY.services())
def test_the_shipped_translations_are_well_formed(service):
    assert texts.translation_problems(LIBRARY.bundle(service)) == []


def _bundle(service: str = "sip_apoteker", **changed: str) -> Bundle:
    bundle = LIBRARY.bundle(service)
    return Bundle(bundle.process_id, {**bundle.files, "forms": {**bundle.files["forms"], **changed}})


@pytest.mark.parametrize(("translations", "expected"), [
    ([["Nama lengkap", "Full name"]], "harus berupa objek"),
    ({"fr": {"Nama lengkap": "Nom complet"}}, "'fr' tidak dikenal"),
    ({"id": {"Nama lengkap": "Nama"}}, "'id' tidak dikenal"),  # the source language is not translated into
    ({"en": ["Full name"]}, "harus berupa objek {teks: terjemahan}"),
    ({"en": {"Nama lengkap": 7}}, "harus teks yang tidak kosong"),
    ({"en": {"Nama lengkap": " "}}, "harus teks yang tidak kosong"),
    ({"en": {"Berkas {{ case.registration_number }} diterima": "Application {{ number }} received"}},
     "isian yang sama"),
    ({"en": {"Lewat {% if deadline %}{{ deadline }}{% endif %}": "By {{ deadline }}"}}, "isian yang sama"),
])
def test_the_check_refuses_malformed_translations(translations, expected):
    schema = json.loads(LIBRARY.forms["sip_apoteker.schema.json"])
    broken = _bundle(**{"sip_apoteker.schema.json": json.dumps({**schema, "x-translations": translations})})
    problems = texts.translation_problems(broken)
    assert len(problems) == 1 and expected in problems[0]["message"], problems
    assert problems[0]["file"] == "sip_apoteker.schema.json"


def test_the_check_refuses_a_translations_file_that_is_no_object():
    problems = texts.translation_problems(_bundle(**{"sip_apoteker.translations.json": "[]"}))
    assert [p["element_id"] for p in problems] == ["sip_apoteker"] and "sip_apoteker.translations.json" in \
        problems[0]["message"]


def test_a_translation_keeping_its_placeholders_in_another_order_is_accepted():
    entries = {"{{ a }} lalu {{ b }}": "{{ b }} after {{ a }}", "Hari %(n)s": "Day %(n)s"}
    assert texts.file_translation_problems("f.json", {"x-translations": {"en": entries}}) == []


def test_unknown_texts_pass_through_and_indonesian_is_never_copied():
    form = {"title": "Judul baru", "x-translations": {"en": {"Lain": "Other"}}}
    assert texts.localized(form, lang="en")["title"] == "Judul baru"
    assert texts.localized(form, lang="id") is form
    assert texts.lookup({"Verifikasi berkas": "Document verification", "Rekomendasi": "Recommendation"},
                        "Verifikasi berkas, Rekomendasi") == "Document verification, Recommendation"


# -- in the application --------------------------------------------------------------------------------


def _draft(client) -> int:
    login(client, "pemohon@demo.local")
    started = submit(client, "/permohonan/baru/sip_apoteker", {})
    return int(re.search(r"/permohonan/(\d+)/isi", started.headers["Location"]).group(1))


def test_the_apply_form_is_english_with_lang_en_and_indonesian_by_default(client):
    case_id = _draft(client)
    indonesian = client.get(f"/permohonan/{case_id}/isi").get_data(as_text=True)
    assert '<label for="app-nama_lengkap">Nama lengkap' in indonesian and "Full name" not in indonesian
    client.get("/bahasa/en")
    english = client.get(f"/permohonan/{case_id}/isi").get_data(as_text=True)
    assert '<label for="app-nama_lengkap">Full name' in english
    assert '<option value="apotek">Pharmacy</option>' in english
    assert "Nama lengkap" not in english and "Jenis sarana praktik" not in english


def test_submitting_the_english_form_stores_the_same_values_and_validates(client, app):
    case_id = _draft(client)
    client.get("/bahasa/en")
    data = {k: str(v) for k, v in sample_application().items()}
    saved = submit(client, f"/permohonan/{case_id}/isi", {**data, "next": "documents"},
                   form_page=f"/permohonan/{case_id}/isi")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with app.app_context():
        from app.cases.models import Case
        from app.extensions import db

        stored = db.session.get(Case, case_id).data
    assert stored["jenis_sarana"] == sample_application()["jenis_sarana"]  # the const, never its English title
    data["masa_berlaku_stra"] = "2001-01-01"
    refused = submit(client, f"/permohonan/{case_id}/isi", {**data, "next": "data"},
                     form_page=f"/permohonan/{case_id}/isi")
    assert refused.status_code == 422
    assert "The STRA has expired. A SIPA can only be applied for with a valid STRA." in refused.get_data(as_text=True)


def test_the_catalog_api_and_the_standard_speak_english_on_request(client):
    default = client.get("/api/v1/services/sip_apoteker").get_json()
    assert default["name"] == "Surat Izin Praktik Apoteker (SIPA)"
    assert client.get("/api/v1/services/pbg/standard").get_json()["procedure"][0]["actor"] == "Pemohon"
    client.get("/bahasa/en")
    english = client.get("/api/v1/services/sip_apoteker").get_json()
    assert english["name"] == "Pharmacist Practice Permit (SIPA)"
    assert {r["key"]: r["label"] for r in english["requirements"]}["stra"] == "Legalised STRA"
    assert english["form"]["schema"]["properties"]["jenis_sarana"]["oneOf"][0] == {"const": "apotek",
                                                                                  "title": "Pharmacy"}
    standard = client.get("/api/v1/services/pbg/standard").get_json()
    assert standard["product"].startswith("An electronic Building Approval (PBG)")
    assert standard["procedure"][0]["actor"] == "Applicant"
    assert standard["legal_basis"][0].startswith("Law Number 28 of 2002 on Buildings")
    assert "Residential, 1–2 floors: Rp 2,070 per m² of floor area" in standard["fee"]["table"]["rules"]
    assert standard["fee_label"].endswith(": Building Approval Levy")  # "Dihitung" itself waits for the .po


def test_a_task_shows_its_instructions_in_english_with_the_case_filled_in(ctx):
    from app.cases import workflow
    from tests.processes.support import open_task
    from tests.processes.support import submit as submit_case

    case = submit_case("sip_apoteker")
    task = open_task(case, "verifikasi")
    with reading(ctx, ENGLISH):
        english = workflow.task_instructions(case, task.id)
    with reading(ctx):
        indonesian = workflow.task_instructions(case, task.id)
    assert english.startswith(f"Check that the documents of application {case.registration_number} from ")
    assert indonesian.startswith(f"Periksa kelengkapan dan keabsahan berkas permohonan {case.registration_number}")


def test_the_model_text_filter_finds_the_version_of_a_case_a_task_and_a_service(ctx):
    from flask import render_template_string

    from app.catalog import service as catalog
    from tests.inbox.support import make_case, make_task

    case = make_case()
    task = make_task(case)
    template = ("{{ task.name|model_text(task) }} | {{ 'Verifikasi berkas, SIPA terbit'|model_text(case) }} | "
                "{{ svc.name|model_text(svc) }} | {{ 'Tidak dikenal'|model_text(case) }}")
    svc = catalog.get("sip_apoteker")
    with reading(ctx, ENGLISH):
        assert render_template_string(template, task=task, case=case, svc=svc) == (
            "Document verification | Document verification, SIPA issued | Pharmacist Practice Permit (SIPA) | "
            "Tidak dikenal")
    with reading(ctx):
        assert render_template_string(template, task=task, case=case, svc=svc).startswith("Verifikasi berkas | ")


def test_a_new_versions_translations_leave_the_earlier_version_as_it_was(ctx):
    from app.catalog import service as catalog
    from app.extensions import db

    first = catalog.get("sip_apoteker").active_version
    name = "Surat Izin Praktik Apoteker (SIPA)"
    assert texts.model_text(name, first, lang="en") == "Pharmacist Practice Permit (SIPA)"
    changed = json.loads(LIBRARY.forms["sip_apoteker.translations.json"])
    changed["x-translations"]["en"][name] = "Pharmacist Licence (SIPA)"
    second, created = catalog.create_version(bundle=_bundle(**{
        "sip_apoteker.translations.json": json.dumps(changed, ensure_ascii=False)}))
    db.session.commit()
    assert created and second.id != first.id
    assert texts.model_text(name, second, lang="en") == "Pharmacist Licence (SIPA)"
    assert texts.model_text(name, first, lang="en") == "Pharmacist Practice Permit (SIPA)"
    assert texts.model_text(name, catalog.model_for_version(first), lang="en") == "Pharmacist Practice Permit (SIPA)"


def test_the_case_diagram_names_steps_in_the_readers_language_and_keeps_ids(client, app):
    from tests.support.api import ApiClient
    from tests.support.flow import submit_application
    from tests.support.pages import login

    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    login(client, "supervisor@demo.local")
    indonesian = client.get(f"/petugas/permohonan/{case['id']}/diagram.json").get_json()["diagrams"][0]
    assert 'name="Permohonan diajukan"' in indonesian["xml"]
    assert 'name="Petugas Verifikasi Berkas (Front Office)"' in indonesian["xml"]  # a lane shows its group
    client.get("/bahasa/en")
    english = client.get(f"/petugas/permohonan/{case['id']}/diagram.json").get_json()["diagrams"][0]
    assert english["xml"] != indonesian["xml"]
    assert 'name="Document Verification Officers (Front Office)"' in english["xml"]
    assert 'name="Permohonan diajukan"' not in english["xml"] and 'name="Application submitted"' in english["xml"]
    ids = re.compile(r'\sid="([^"]+)"')
    assert ids.findall(english["xml"]) == ids.findall(indonesian["xml"])  # what the viewer marks stays put
    assert "spiffworkflow:property" in english["xml"] and english["current"] == indonesian["current"]
