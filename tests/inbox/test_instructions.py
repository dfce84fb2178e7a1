"""A step's instructions (`instructionsForEndUser`): rendered when shown, above the form and on the case page."""
from __future__ import annotations

import re
from datetime import timedelta

from app.engine.runtime import MAX_INSTRUCTIONS_CHARS, WorkflowRun
from tests.modeler.conftest import deploy, model_text, upload
from tests.portal.test_portal_pages import _flag_stra
from tests.sla.flow import all_ok
from tests.support.api import ApiClient
from tests.support.flow import submit_application, take_group_task
from tests.support.pages import login

MONTHS = ("Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember")


def _counting_renders(monkeypatch) -> list[str]:
    calls: list[str] = []
    original = WorkflowRun._render_instructions

    def counted(template, data, *, limits=None):
        calls.append(template)
        return original(template, data, limits=limits)

    monkeypatch.setattr(WorkflowRun, "_render_instructions", staticmethod(counted))
    return calls


def test_the_verifier_sees_the_steps_instructions_above_the_form(client):
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    task = take_group_task(loket, case["id"])
    detail = loket.get(f"/api/v1/tasks/{task['id']}").get_json()
    assert detail["instructions"].startswith(f"Periksa kelengkapan dan keabsahan berkas permohonan "
                                             f"{case['registration_number']} atas nama ")
    login(client, "loket@demo.local")
    page = client.get(f"/petugas/tugas/{task['id']}").get_data(as_text=True)
    block = re.search(r'<div class="instructions"[^>]*>(.*?)</div>', page, re.S)
    assert block and case["registration_number"] in block.group(1)
    assert page.index('class="instructions"') < page.index('class="task-form"')


def test_saving_a_step_renders_no_instructions_showing_it_renders_one(client, monkeypatch):
    calls = _counting_renders(monkeypatch)
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    task = take_group_task(loket, case["id"])
    assert calls == []  # submission and claim: nothing rendered, although the step has instructions
    loket.get(f"/api/v1/tasks/{task['id']}")
    assert len(calls) == 1
    done = loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": all_ok()}})
    assert done.status_code == 200 and len(calls) == 1


def test_the_applicant_reads_the_revision_deadline_with_its_date(client, app):
    case = {"id": _flag_stra(client)}
    login(client, "pemohon@demo.local")
    page = client.get(f"/permohonan/{case['id']}").get_data(as_text=True)
    block = re.search(r'<div class="instructions"[^>]*>(.*?)</div>', page, re.S)
    assert block, "the revision step's instructions are on the case page"
    text = block.group(1)
    assert "Catatan verifikator: STRA belum dilegalisir." in text
    with app.app_context():
        from app.cases.models import Case
        from app.common import clock
        from app.extensions import db

        requested = db.session.get(Case, case["id"]).updated_at or clock.now()
    deadline = re.search(rf"paling lambat (\d{{1,2}}) ({MONTHS}) (\d{{4}}) (\d{{2}})\.(\d{{2}}) \(14 hari", text)
    assert deadline, text
    expected = (requested + timedelta(days=14)).astimezone(clock.JAKARTA)
    assert int(deadline.group(1)) == expected.day and int(deadline.group(3)) == expected.year


def test_instructions_are_text_capped_and_never_markup(client):
    template = "<script>alert(1)</script> Berkas {{ case.registration_number }} " + "x" * (2 * MAX_INSTRUCTIONS_CHARS)
    xml = model_text("verifikasi_berkas.bpmn")
    xml = re.sub(r"(<spiffworkflow:instructionsForEndUser>)Periksa kelengkapan.*?(</spiffworkflow:instructionsForEndUser>)",
                 lambda m: m.group(1) + template.replace("<", "&lt;").replace(">", "&gt;") + m.group(2), xml,
                 count=1, flags=re.S)
    analyst = ApiClient(client, "analis@demo.local")
    saved = upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": model_text("sip_apoteker.bpmn"),
                                            "verifikasi_berkas.bpmn": xml}, comment="petunjuk panjang")
    assert saved.status_code == 201, saved.get_json()
    assert deploy(client, "sip_apoteker", saved.get_json()["version"]).status_code == 200
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    task = take_group_task(loket, case["id"])
    shown = loket.get(f"/api/v1/tasks/{task['id']}").get_json()["instructions"]
    assert len(shown) == MAX_INSTRUCTIONS_CHARS + 1 and shown.endswith("\u2026")
    assert shown.startswith(f"<script>alert(1)</script> Berkas {case['registration_number']} ")
    login(client, "loket@demo.local")
    page = client.get(f"/petugas/tugas/{task['id']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
