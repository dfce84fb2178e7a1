"""The verification step after a revision shows what the applicant replaced, with the old file still at hand."""
from __future__ import annotations

import re

from tests.inbox.support import PageClient
from tests.portal.test_portal_pages import _flag_stra
from tests.support.api import MINIMAL_PNG, ApiClient


def test_the_reopened_verification_marks_the_replaced_file_and_keeps_the_old_one_viewable(client, app):
    case_id = _flag_stra(client)
    applicant = ApiClient(app.test_client(), "pemohon@demo.local")
    old = [d for d in applicant.get(f"/api/v1/cases/{case_id}").get_json()["documents"] if d["requirement"] == "stra"]
    assert applicant.upload(case_id, "stra", MINIMAL_PNG, "stra-legalisir.png").status_code == 201
    case = applicant.get(f"/api/v1/cases/{case_id}").get_json()
    [todo] = [o for o in case["outstanding"] if o["kind"] == "revision"]
    sent = applicant.post(f"/api/v1/tasks/{todo['task_id']}/complete", json={"data": {
        "application": case["data"], "response_note": "STRA legalisir sudah diunggah."}})
    assert sent.status_code == 200, sent.get_json()
    task_id = sent.get_json()["case"]["current_steps"][0]["task_id"]

    page = PageClient(client, "loket@demo.local")
    html = page.text(f"/petugas/tugas/{task_id}")
    changes = html[html.index('aria-labelledby="changes-h"'):]
    changes = changes[:changes.index("</section>")]
    stra = changes[changes.index('id="change-stra"'):]
    assert "Diganti" in stra and "stra-legalisir.png" in stra and "STRA legalisir sudah diunggah." in changes
    old_url = f"/api/v1/cases/{case_id}/documents/{old[0]['id']}"
    assert old_url in stra and re.search(r"Versi lama: <a [^>]*>stra.pdf</a>", stra)
    assert 'id="change-ktp"' not in changes  # only what was asked for or changed
    assert page.get(old_url).status_code == 200 and applicant.get(old_url).status_code == 200
