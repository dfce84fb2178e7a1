"""Incidents: listed with element and message; retried after a fix by moving the case to the fixed version."""
from __future__ import annotations

from tests.modeler.conftest import deploy, model_text, upload
from tests.support.api import ApiClient
from tests.support.flow import all_ok, submit_application, take_group_task
from tests.support.pages import login, submit


def _case_in_incident(client, analyst) -> dict:
    broken = model_text("sip_apoteker.bpmn").replace('<bpmn:script>agency = "dinkes"</bpmn:script>',
                                                     "<bpmn:script>agency = dinas_yang_belum_ditetapkan</bpmn:script>")
    assert upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": broken}, comment="salah ketik").status_code == 201
    assert deploy(client, "sip_apoteker", 2).status_code == 200
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    task = take_group_task(loket, case["id"])
    done = loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": all_ok()}})
    assert done.status_code == 200 and done.get_json()["case"]["status"] == "incident"
    return case


def test_incident_page_lists_element_and_error(client, analyst):
    case = _case_in_incident(client, analyst)
    login(client, "analis@demo.local")
    page = client.get("/analis/insiden").get_data(as_text=True)
    assert case["registration_number"] in page and "set_agency" in page and "dinas_yang_belum_ditetapkan" in page
    listed = client.get("/analis/model").get_data(as_text=True)
    assert "1 permohonan dalam status insiden" in listed


def test_retry_after_rolling_back_moves_the_case_to_the_fixed_version(client, analyst):
    case = _case_in_incident(client, analyst)
    assert deploy(client, "sip_apoteker", 1).status_code == 200
    login(client, "analis@demo.local")
    page = client.get("/analis/insiden").get_data(as_text=True)
    assert "Pindah ke v1 lalu coba lagi" in page and "dapat dipindahkan" in page
    response = submit(client, f"/analis/insiden/{case['id']}/coba-lagi", {"move": "1"}, form_page="/analis/insiden",
                      follow_redirects=True)
    assert "berjalan lagi" in response.get_data(as_text=True)
    after = analyst.get(f"/api/v1/cases/{case['id']}").get_json()
    assert after["status"] == "waiting_agency" and after["service_version"] == 1
    assert "model_migrated" in [h["kind"] for h in after["history"]]


def test_retry_without_a_fix_stays_in_incident(client, analyst):
    case = _case_in_incident(client, analyst)
    login(client, "analis@demo.local")
    response = submit(client, f"/analis/insiden/{case['id']}/coba-lagi", {}, form_page="/analis/insiden",
                      follow_redirects=True)
    assert "masih insiden" in response.get_data(as_text=True)
    assert analyst.get(f"/api/v1/cases/{case['id']}").get_json()["status"] == "incident"
