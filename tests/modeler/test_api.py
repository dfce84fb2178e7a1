"""Process models API: uploads are validated (never a 500), versions are immutable, deploy switches new cases."""
from __future__ import annotations

import re

import pytest

from tests.modeler.conftest import deploy, model_text, upload
from tests.support.api import ApiClient
from tests.support.flow import submit_application

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""
EXTERNAL_ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="sip_apoteker" name="&xxe;" isExecutable="true"/>
</bpmn:definitions>"""
# An export of another modeler: its own extension namespace, no lanes, no diagram.
OTHER_MODELER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn2:definitions xmlns:bpmn2="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.0.0">
  <bpmn2:process id="sip_apoteker" isExecutable="true" camunda:historyTimeToLive="180">
    <bpmn2:startEvent id="StartEvent_1"><bpmn2:outgoing>Flow_1</bpmn2:outgoing></bpmn2:startEvent>
    <bpmn2:userTask id="Task_1" name="Review" camunda:assignee="demo">
      <bpmn2:incoming>Flow_1</bpmn2:incoming><bpmn2:outgoing>Flow_2</bpmn2:outgoing></bpmn2:userTask>
    <bpmn2:endEvent id="End_1"><bpmn2:incoming>Flow_2</bpmn2:incoming></bpmn2:endEvent>
    <bpmn2:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_1"/>
    <bpmn2:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="End_1"/>
  </bpmn2:process>
</bpmn2:definitions>"""


def _problems(response) -> list[dict]:
    assert response.status_code == 422, response.get_json()
    body = response.get_json()["error"]
    assert body["code"] == "invalid_model" and body["fields"]
    return body["problems"]


def _versions(api: ApiClient, key: str = "sip_apoteker") -> int:
    return next(i["versions"] for i in api.get("/api/v1/process-models").get_json()["items"] if i["key"] == key)


def test_process_models_are_for_analysts_and_admins_only(client):
    assert client.get("/api/v1/process-models").status_code == 401
    assert ApiClient(client, "pemohon@demo.local").get("/api/v1/process-models").status_code == 403
    assert ApiClient(client, "loket@demo.local").post("/api/v1/process-models/sip_apoteker/versions/1/deploy").status_code == 403
    items = ApiClient(client, "admin@demo.local").get("/api/v1/process-models").get_json()["items"]
    sip = next(i for i in items if i["key"] == "sip_apoteker")
    assert sip["active_version"] == 1 and sip["versions"] == 1 and sip["name"]


def test_garbage_xml_is_refused_with_line_and_column(analyst):
    [problem] = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": "<bpmn:definitions <oops"}))
    assert problem["line"] == 1 and problem["column"] and problem["file"] == "sip_apoteker.bpmn"


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused(analyst, text):
    problems = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": text}))
    assert "DOCTYPE/ENTITY" in problems[0]["message"]
    assert "root:" not in str(problems)  # nothing of /etc/passwd leaked


def test_a_file_over_the_size_limit_is_refused(analyst):
    huge = model_text("sip_apoteker.bpmn").replace("</bpmn:definitions>", "<!--" + "x" * (3 * 1024 * 1024) + "-->"
                                                   "</bpmn:definitions>")
    [problem] = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": huge}))
    assert "terlalu besar" in problem["message"]


def test_a_request_over_the_upload_limit_is_413(app, analyst):
    app.config["MODEL_UPLOAD_MAX_BYTES"] = 10_000
    response = upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": model_text("sip_apoteker.bpmn")})
    assert response.status_code == 413


def test_a_model_without_diagram_is_refused(analyst):
    bare = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", model_text("sip_apoteker.bpmn"), flags=re.S)
    problems = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": bare}))
    assert any(p["element_id"] == "sip_apoteker" and "BPMNDI" in p["message"] for p in problems)


def test_a_user_task_outside_any_lane_is_refused(analyst):
    shared = model_text("verifikasi_berkas.bpmn").replace("<bpmn:flowNodeRef>verifikasi</bpmn:flowNodeRef>", "")
    problems = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": model_text("sip_apoteker.bpmn"),
                                                          "verifikasi_berkas.bpmn": shared}))
    assert [(p["element_id"], p["file"]) for p in problems] == [("verifikasi", "verifikasi_berkas.bpmn")]
    assert "lajur" in problems[0]["message"]


def test_a_lane_that_is_no_group_is_refused(analyst):
    shared = model_text("rekomendasi_teknis.bpmn").replace('name="teknis_dinkes"', 'name="teknis_antah_berantah"')
    problems = _problems(upload(analyst, "sip_apoteker", {"rekomendasi_teknis.bpmn": shared}))
    assert {p["element_id"] for p in problems} == {"rekomendasi_dinkes"}


def test_a_script_the_sandbox_forbids_is_refused(analyst):
    bad = model_text("sip_apoteker.bpmn").replace('<bpmn:script>agency = "dinkes"</bpmn:script>',
                                                  "<bpmn:script>import os</bpmn:script>")
    [problem] = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": bad}))
    assert problem["element_id"] == "set_agency" and "import" in problem["message"] and problem["line"]


def test_a_gateway_branch_without_condition_is_refused(analyst):
    bad = model_text("sip_apoteker.bpmn").replace(
        '<bpmn:conditionExpression>verification_outcome == "reject"</bpmn:conditionExpression>', "")
    [problem] = _problems(upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": bad}))
    assert problem["element_id"] == "flow_ditolak_verifikasi"


def test_another_modelers_export_gets_problems_not_a_crash(analyst):
    problems = _problems(upload(analyst, "sip_apoteker", {"export.bpmn": OTHER_MODELER}))
    assert {"Task_1", "sip_apoteker"} <= {p["element_id"] for p in problems}
    assert _versions(analyst) == 1  # nothing invalid is stored


def test_valid_upload_creates_a_version_reusing_the_shared_files(analyst):
    changed = model_text("verifikasi_berkas.bpmn").replace(
        '<spiffworkflow:property name="slaWorkingDays" value="1"/>',
        '<spiffworkflow:property name="slaWorkingDays" value="2"/>', 1)
    response = upload(analyst, "sip_apoteker", {"verifikasi_berkas.bpmn": changed}, comment="SLA verifikasi 2 hari")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["created"] is True
    detail = analyst.get("/api/v1/process-models/sip_apoteker/versions/2").get_json()
    assert detail["comment"] == "SLA verifikasi 2 hari" and detail["author"] == "Maya Analis Proses"
    assert {"sip_apoteker.bpmn", "rekomendasi_teknis.bpmn", "persetujuan_penandatanganan.bpmn"} <= set(detail["files"]["bpmn"])
    assert 'name="slaWorkingDays" value="2"' in detail["files"]["bpmn"]["verifikasi_berkas.bpmn"]
    again = upload(analyst, "sip_apoteker", {"verifikasi_berkas.bpmn": changed})
    assert again.status_code == 201 and again.get_json() | {"warnings": []} == response.get_json() | {
        "created": False, "warnings": []}


def test_bpmn_of_a_version_is_served_as_xml(analyst):
    response = analyst.get("/api/v1/process-models/sip_apoteker/versions/1/bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert 'id="sip_apoteker"' in response.get_data(as_text=True)
    assert analyst.get("/api/v1/process-models/sip_apoteker/versions/9/bpmn").status_code == 404


def test_deploy_switches_new_cases_while_running_cases_keep_their_version(client, analyst):
    applicant = ApiClient(client, "pemohon@demo.local")
    old_case = submit_application(applicant)
    assert old_case["service_version"] == 1
    renamed = model_text("sip_apoteker.bpmn").replace('name="Tetapkan instansi teknis: Dinas Kesehatan"',
                                                      'name="Tetapkan Dinas Kesehatan"')
    assert upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": renamed}).status_code == 201
    deployed = deploy(client, "sip_apoteker", 2)
    assert deployed.status_code == 200 and deployed.get_json()["active_version"] == 2
    new_case = submit_application(applicant)
    assert new_case["service_version"] == 2
    assert applicant.get(f"/api/v1/cases/{old_case['id']}").get_json()["service_version"] == 1
    # roll back: the older version is active again for the next case
    assert deploy(client, "sip_apoteker", 1).status_code == 200
    assert submit_application(applicant)["service_version"] == 1


def test_validate_endpoint_reports_without_storing(analyst):
    bad = model_text("sip_apoteker.bpmn").replace('<bpmn:script>agency = "dinkes"</bpmn:script>',
                                                  "<bpmn:script>agency = ().__class__</bpmn:script>")
    report = analyst.post("/api/v1/process-models/sip_apoteker/validate", data={
        "bpmn": [(__import__("io").BytesIO(bad.encode()), "sip_apoteker.bpmn")]}, content_type="multipart/form-data")
    assert report.status_code == 200
    assert report.get_json()["valid"] is False and report.get_json()["problems"][0]["element_id"] == "set_agency"
    assert _versions(analyst) == 1


def test_a_malformed_form_rule_is_a_model_problem_not_a_silent_no_op(analyst):
    """An x-rules entry the form validator cannot use (an unknown field) stops the version from being stored."""
    import json

    schema = json.loads(model_text("../forms/sip_apoteker.schema.json"))
    schema["x-rules"] = [*schema.get("x-rules", []), {"field": "tanggal_tidak_ada", "before": "today"}]
    saved = upload(analyst, "sip_apoteker", {"sip_apoteker.schema.json": json.dumps(schema)}, comment="aturan")
    assert saved.status_code == 422, saved.get_json()
    assert "x-rules" in json.dumps(saved.get_json()) and _versions(analyst) == 1


def test_diff_lists_changed_elements_properties_and_forms(analyst):
    text = model_text("sip_apoteker.bpmn").replace('name="Tetapkan instansi teknis: Dinas Kesehatan"',
                                                   'name="Tetapkan Dinas Kesehatan"')
    form = model_text("../forms/persetujuan.schema.json").replace('"Persetujuan', '"Keputusan', 1)
    assert upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": text, "persetujuan.schema.json": form}).status_code == 201
    diff = analyst.get("/api/v1/process-models/sip_apoteker/diff?from=1&to=2").get_json()
    [changed] = diff["elements"]["changed"]
    assert changed["id"] == "set_agency" and changed["changes"][0]["field"] == "name"
    assert diff["forms"]["changed"][0]["name"] == "persetujuan.schema.json"
    assert diff["flows"] == {"added": [], "removed": [], "changed": []}
