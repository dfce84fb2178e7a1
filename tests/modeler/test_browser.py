"""The analyst edits a model in the browser (bpmn-js in Debian's Chromium), saves and deploys it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.api import ApiClient
from tests.support.flow import submit_application


def approve(client, key: str, number: int):
    """The admin approves the analyst's pending deploy request."""
    return ApiClient(client, "admin@demo.local").post(f"/api/v1/process-models/{key}/versions/{number}/deploy/approve")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VENDOR = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

expect.set_options(timeout=30_000)  # a loaded CI machine validates and saves slowly
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not installed: apt-get install -y chromium"),
    pytest.mark.skipif(not (VENDOR / "bpmn-js").exists() or not (VENDOR / "dmn-js").exists(),
                       reason="front-end libraries missing: run `make assets`"),
]


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(base_url=live_server, viewport={"width": 1500, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab
        browser.close()
        assert errors == []


def _login(page) -> None:
    page.goto("/masuk?next=/analis/model")
    page.fill("input[name=email]", "analis@demo.local")
    page.fill("input[name=password]", "Demo#2026")
    page.click("form button[type=submit]")
    page.wait_for_url("**/analis/model")


def _open_task(page, file_value: str, element_id: str) -> None:
    page.select_option("#file-select", file_value)
    shape = page.locator(f'#canvas [data-element-id="{element_id}"]')
    shape.wait_for()
    shape.click()
    page.wait_for_selector("#prop-slaWorkingDays")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_analyst_changes_sla_and_label_saves_and_deploys(page, client):
    applicant = ApiClient(client, "pemohon@demo.local")
    analyst = ApiClient(client, "analis@demo.local")
    old_case = submit_application(applicant)

    _login(page)
    page.goto("/analis/model/sip_apoteker")
    page.wait_for_selector("#modeler[data-ready='1']")
    _open_task(page, "bpmn/verifikasi_berkas.bpmn", "verifikasi")
    assert page.input_value("#prop-slaWorkingDays") == "1"
    page.fill("#prop-slaWorkingDays", "3")
    page.press("#prop-slaWorkingDays", "Tab")
    page.fill("#prop-name", "Verifikasi kelengkapan berkas")
    page.press("#prop-name", "Tab")
    page.fill("#comment", "SLA verifikasi 3 hari kerja; nama langkah diperjelas")
    page.click("#btn-save")
    expect(page.locator("#status")).to_contain_text("Versi 2 disimpan")
    page.click("#btn-deploy")
    expect(page.locator("#status")).to_contain_text("Permintaan aktivasi versi 2 dikirim")
    assert approve(client, "sip_apoteker", 2).status_code == 200  # four-eyes: a second person activates it

    stored = analyst.get("/api/v1/process-models/sip_apoteker/versions/2").get_json()
    shared = stored["files"]["bpmn"]["verifikasi_berkas.bpmn"]
    assert 'name="slaWorkingDays" value="3"' in shared and 'name="Verifikasi kelengkapan berkas"' in shared
    assert stored["files"]["bpmn"]["sip_apoteker.bpmn"] == analyst.get(
        "/api/v1/process-models/sip_apoteker/versions/1").get_json()["files"]["bpmn"]["sip_apoteker.bpmn"]
    assert stored["active"] and stored["comment"].startswith("SLA verifikasi 3 hari")

    new_case = submit_application(applicant)
    assert new_case["service_version"] == 2
    assert applicant.get(f"/api/v1/cases/{old_case['id']}").get_json()["service_version"] == 1
    loket = ApiClient(client, "loket@demo.local")
    steps = {t["case_id"]: t["name"] for t in loket.get("/api/v1/tasks?scope=group").get_json()["items"]}
    assert steps[new_case["id"]] == "Verifikasi kelengkapan berkas"
    assert steps[old_case["id"]] == "Verifikasi berkas"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_validation_problems_are_listed_and_nothing_is_saved(page, client):
    _login(page)
    page.goto("/analis/model/sip_apoteker")
    page.wait_for_selector("#modeler[data-ready='1']")
    _open_task(page, "bpmn/verifikasi_berkas.bpmn", "verifikasi")
    page.fill("#prop-slaWorkingDays", "")
    page.press("#prop-slaWorkingDays", "Tab")
    page.fill("#comment", "SLA dihapus")
    page.click("#btn-save")
    page.wait_for_selector("#problems li.problem")
    assert "slaWorkingDays" in page.inner_text("#problems")
    versions = ApiClient(client, "analis@demo.local").get("/api/v1/process-models").get_json()["items"]
    assert next(i for i in versions if i["key"] == "sip_apoteker")["versions"] == 1


def _submit(applicant: ApiClient, service: str) -> dict:
    from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
    from tests.support.data import requirements, sample_application

    case = applicant.post("/api/v1/cases", json={"service": service, "data": sample_application(service)}).get_json()
    for req in requirements(service):
        if req["required"]:
            pdf = ".pdf" in req["accept"]
            applicant.upload(case["id"], req["key"], MINIMAL_PDF if pdf else MINIMAL_PNG,
                             f"{req['key']}.{'pdf' if pdf else 'png'}")
    submitted = applicant.post(f"/api/v1/cases/{case['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "processes" / "reklame.bpmn").exists(),
                    reason="reklame model not present")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_analyst_changes_reklame_fee_table_and_form_label_without_python(page, client):
    analyst = ApiClient(client, "analis@demo.local")
    applicant = ApiClient(client, "pemohon@demo.local")
    _login(page)
    page.goto("/analis/model/reklame")
    page.wait_for_selector("#modeler[data-ready='1']")

    # the fee table: class A, lit from outside, now Rp 15.000 per m² per side per month
    page.select_option("#file-select", "dmn/tarif_reklame.dmn")
    cell = page.locator('#dmn-canvas [data-element-id="rule_02_out_amount"]')
    cell.wait_for()
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('int(round(application["lebar_m"] * application["tinggi_m"] * application["jumlah_sisi"]'
                       ' * application["durasi_bulan"] * 15000))')
    # the application form: a label the applicant reads
    page.select_option("#file-select", "forms/reklame.schema.json")
    text = page.input_value("#json-editor")
    page.fill("#json-editor", text.replace('"title": "Nama lengkap"', '"title": "Nama lengkap pemohon"', 1))
    expect(page.locator("#form-preview")).to_contain_text("Nama lengkap pemohon")
    page.fill("#comment", "Tarif kelas A disinari Rp 15.000; label nama")
    page.click("#btn-save")
    expect(page.locator("#status")).to_contain_text("disimpan")
    page.click("#btn-deploy")
    expect(page.locator("#status")).to_contain_text("aktif")
    assert approve(client, "reklame", 2).status_code == 200  # four-eyes: a second person activates it

    active = next(i for i in analyst.get("/api/v1/process-models").get_json()["items"] if i["key"] == "reklame")
    assert active["active_version"] == 2
    form = client.get("/api/v1/services/reklame").get_json()["form"]["schema"]
    assert form["properties"]["nama_lengkap"]["title"] == "Nama lengkap pemohon"
    case = _submit(applicant, "reklame")
    assert case["service_version"] == 2
    # the fee the next application is charged: 4 m × 8 m × 1 side × 12 months × Rp 15.000
    run = analyst.post("/api/v1/process-models/reklame/test-runs", json={"scenario": {"tasks": {
        "verifikasi": [{"verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": {}}],
        "rekomendasi_dishub": [{"recommendation": "recommend"}]}}}).get_json()
    assert run["version"] == 2 and run["data"]["fee_amount"] == 4 * 8 * 12 * 15000
