"""The case diagram: completed, current and pending elements from task rows and events."""
from __future__ import annotations

from tests.inbox.support import PageClient, make_case
from tests.support.api import ApiClient
from tests.support.flow import all_ok, submit_application, take_group_task


def _by_file(data):
    return {d["file"]: d for d in data["diagrams"]}


def test_a_new_case_shows_verification_current_in_both_the_service_and_the_called_process(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    page = PageClient(client, "loket@demo.local")
    data = page.get(f"/petugas/permohonan/{case['id']}/diagram.json").get_json()
    files = _by_file(data)
    main = files["sip_apoteker.bpmn"]
    assert "verifikasi" in main["current"] and "start_permohonan" in main["completed"]
    assert "rekomendasi" not in main["current"] + main["completed"]
    called = files["verifikasi_berkas.bpmn"]
    assert called["current"] == ["verifikasi"] and called["xml"].startswith("<?xml")
    assert list(files)[0] == "sip_apoteker.bpmn"


def test_after_verification_the_call_activity_is_completed_and_the_recommendation_current(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    case = submit_application(applicant)
    task = take_group_task(loket, case["id"])
    response = loket.post(f"/api/v1/tasks/{task['id']}/complete",
                          json={"data": {"verification_outcome": "complete", "document_verdicts": all_ok()}})
    assert response.status_code == 200
    page = PageClient(client, "supervisor@demo.local")
    main = _by_file(page.get(f"/petugas/permohonan/{case['id']}/diagram.json").get_json())["sip_apoteker.bpmn"]
    assert {"verifikasi", "gw_hasil_verifikasi", "set_agency"} <= set(main["completed"])
    assert main["current"] == ["rekomendasi"]
    assert "end_terbit" not in main["completed"]


def test_the_diagram_is_for_office_staff_only(app, client):
    with app.app_context():
        from app.extensions import db

        case = {"id": make_case().id}
        db.session.commit()
    response = client.get(f"/petugas/permohonan/{case['id']}/diagram.json")
    assert response.status_code == 302
    assert PageClient(client, "pemohon@demo.local").get(f"/petugas/permohonan/{case['id']}/diagram.json").status_code == 403
