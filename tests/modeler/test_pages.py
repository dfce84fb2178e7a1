"""Analysts' pages: overview, editor shell, versions with deploy and roll back, diff, test runs."""
from __future__ import annotations

import re

import pytest

from tests.modeler.conftest import model_text, upload
from tests.support.api import ApiClient
from tests.support.pages import login, submit

pytestmark = pytest.mark.one_database  # nothing here depends on the database


def test_pages_need_an_analyst(client):
    assert client.get("/analis/model").status_code == 302
    login(client, "loket@demo.local")
    assert client.get("/analis/model").status_code == 403
    assert client.get("/analis/insiden").status_code == 403


def test_overview_shows_versions_last_change_and_running_cases(client, analyst):
    upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": model_text("sip_apoteker.bpmn").replace(
        'name="Tetapkan instansi teknis: Dinas Kesehatan"', 'name="Dinas Kesehatan"')}, comment="nama langkah")
    login(client, "analis@demo.local")
    page = client.get("/analis/model").get_data(as_text=True)
    row = page[page.index("Surat Izin Praktik Apoteker"):]
    assert "v1" in row and "Maya Analis Proses" in row and "nama langkah" in row


def test_editor_loads_local_libraries_and_no_inline_script(client):
    login(client, "analis@demo.local")
    page = client.get("/analis/model/sip_apoteker").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/static/' in s for s in scripts)
    # content-hashed names (app/common/assets.py); dmn-js is named for modeler.js to load on demand
    assert re.search(r'<script src="/static/vendor/bpmn-js/bpmn-modeler\.production\.min\.[0-9a-f]{12}\.js"', page)
    assert re.search(r'data-dmn-script="/static/vendor/dmn-js/dmn-modeler\.production\.min\.[0-9a-f]{12}\.js"', page)
    assert "dmn-modeler" not in "".join(scripts)
    assert "//cdn" not in page and "unpkg" not in page


def _request_and_approve(client, number: int) -> str:
    """The analyst asks for a version on the versions page, the admin approves it there; the approver's page."""
    versions = "/analis/model/sip_apoteker/versi"
    login(client, "analis@demo.local")
    asked = submit(client, f"{versions}/{number}/aktifkan", {}, form_page=versions,
                   follow_redirects=True).get_data(as_text=True)
    assert f"Permintaan aktivasi versi {number} dikirim" in asked and "Menunggu persetujuan" in asked
    login(client, "admin@demo.local")
    return submit(client, f"{versions}/{number}/setujui", {}, form_page=versions,
                  follow_redirects=True).get_data(as_text=True)


def test_versions_page_deploys_and_rolls_back(client, analyst):
    upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": model_text("sip_apoteker.bpmn").replace(
        'name="Tetapkan instansi teknis: Dinas Kesehatan"', 'name="Dinas Kesehatan"')})
    page = _request_and_approve(client, 2)
    assert "Versi 2 sekarang aktif" in page and "Kembalikan ke v1" in page
    page = _request_and_approve(client, 1)
    assert "mengembalikan ke v1" in page
    assert analyst.get("/api/v1/process-models").get_json()["items"][0]["active_version"] == 1


def test_diff_page_shows_changed_element(client, analyst):
    upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": model_text("sip_apoteker.bpmn").replace(
        'name="Tetapkan instansi teknis: Dinas Kesehatan"', 'name="Dinas Kesehatan"')})
    login(client, "analis@demo.local")
    page = client.get("/analis/model/sip_apoteker/diff?dari=1&ke=2").get_data(as_text=True)
    assert "sip_apoteker:set_agency" in page and "Dinas Kesehatan" in page


def test_test_page_runs_file_scenarios_and_saved_tests(client, analyst):
    scenario = {"name": "Ditolak di loket", "tasks": {"verifikasi": [{
        "verification_outcome": "reject", "verification_note": "Tidak sah.", "document_verdicts": {}}]},
        "expect": {"outcome": "rejected"}}
    saved = analyst.post("/api/v1/process-models/sip_apoteker/tests", json={"scenario": scenario})
    assert saved.status_code == 201
    run = analyst.post("/api/v1/process-models/sip_apoteker/test-runs", json={"scenario": scenario}).get_json()
    assert run["passed"] and run["outcome"] == "rejected" and run["path"][-1]["bpmn_id"] == "end_ditolak_verifikasi"
    login(client, "analis@demo.local")
    page = submit(client, "/analis/model/sip_apoteker/uji", {"action": "run_all"}).get_data(as_text=True)
    assert "Ditolak di loket" in page and "processes/tests/sip_apoteker/lengkap_terbit.json" in page
    assert "GAGAL" not in page


def test_form_preview_renders_the_form_as_applicants_see_it(analyst):
    import json

    schema = json.loads(model_text("../forms/persetujuan.schema.json"))
    response = analyst.post("/api/v1/process-models/form-preview", json={"schema": schema, "ui_schema": {}})
    assert response.status_code == 200 and "Setujui draf izin" in response.get_json()["html"]
    assert analyst.post("/api/v1/process-models/form-preview", json={"schema": []}).status_code == 422


def test_auto_layout_adds_a_diagram(client):
    api = ApiClient(client, "analis@demo.local")
    bare = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", model_text("sip_apoteker.bpmn"), flags=re.S)
    laid_out = api.post("/api/v1/process-models/layout", json={"bpmn": bare})
    assert laid_out.status_code == 200 and "BPMNShape" in laid_out.get_json()["bpmn"]
    assert api.post("/api/v1/process-models/layout", json={"bpmn": "<x"}).status_code == 422
