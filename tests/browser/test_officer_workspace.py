"""An officer's day in a real browser: filter the inbox, claim, preview a document, request a revision;
and a colleague who cannot complete a task someone else holds."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.inbox.support import make_applicant, make_officer
from tests.support.api import ApiClient
from tests.support.flow import submit_application

pytestmark = pytest.mark.browser
VENDOR = Path(__file__).resolve().parents[2] / "app" / "static" / "vendor" / "bpmn-js"


def _applications(app, client, *emails: str) -> dict:
    with app.app_context():
        from app.extensions import db

        make_applicant("Joko Susilo", email="joko@contoh.id")
        make_officer("loket2@demo.local", "Budi Loket")
        db.session.commit()
    return {email.split("@")[0]: submit_application(ApiClient(client, email)) for email in emails}


def _case_status(app, case_id: int) -> str:
    with app.app_context():
        from app.cases.models import Case
        from app.extensions import db

        return db.session.get(Case, case_id).status


def test_an_officer_filters_claims_previews_and_requests_a_revision(app, client, new_page):
    cases = _applications(app, client, "pemohon@demo.local", "joko@contoh.id")
    page = new_page()
    log_in(page, "loket@demo.local")
    page.goto("/petugas/tugas?tab=group")
    assert page.locator("table.tasks tbody tr[data-task]").count() == 2

    page.fill("#f-q", "joko")
    with page.expect_navigation():
        page.click(".filters button[type=submit]")
    rows = page.locator("table.tasks tbody tr[data-task]")
    assert rows.count() == 1 and cases["joko"]["registration_number"] in rows.first.inner_text()

    with page.expect_navigation():
        rows.first.get_by_role("button", name="Ambil").click()
    assert "Tugas berhasil diambil" in page.locator(".flash").inner_text()
    assert page.get_by_text("Anda memegang tugas ini.").is_visible()

    photo = page.locator("li.document", has_text="Pas foto")
    photo.locator("summary").click()
    image = photo.locator("img.preview-image")
    image.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    note = page.locator('[data-field="verification_note"]')
    assert note.is_hidden()  # shown only when the outcome needs a note
    for radio in page.locator('input[type=radio][name^="document_verdicts."][value="ok"]').all():
        radio.check()
    page.check('input[name="document_verdicts.stra.verdict"][value="revise"]')
    page.fill('input[name="document_verdicts.stra.note"]', "Legalisir tidak tampak.")
    page.check('input[name="verification_outcome"][value="revision"]')
    assert note.is_visible()
    page.fill("#f-verification_note", "Mohon unggah STRA yang telah dilegalisir.")
    with page.expect_navigation():
        page.click(".task-form button[type=submit]")
    assert "telah diselesaikan" in page.locator(".flash").inner_text()
    assert _case_status(app, cases["joko"]["id"]) == "waiting_applicant"

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/petugas/tugas?tab=group")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("table.tasks tbody tr[data-task]").first.is_visible()


def test_a_second_officer_cannot_complete_a_task_another_officer_holds(app, client, new_page):
    cases = _applications(app, client, "pemohon@demo.local")
    task_id = cases["pemohon"]["current_steps"][0]["task_id"]
    budi = new_page()
    log_in(budi, "loket2@demo.local")
    budi.goto(f"/petugas/tugas/{task_id}")
    assert budi.locator(".task-form button[type=submit]").is_visible()  # unclaimed: Budi may still act

    andi = new_page()
    log_in(andi, "loket@demo.local")
    andi.goto(f"/petugas/tugas/{task_id}")
    with andi.expect_navigation():
        andi.get_by_role("button", name="Ambil tugas").click()
    assert "Tugas berhasil diambil" in andi.locator(".flash").inner_text()

    for radio in budi.locator('input[type=radio][name^="document_verdicts."][value="ok"]').all():
        radio.check()
    budi.check('input[name="verification_outcome"][value="complete"]')
    with budi.expect_navigation():
        budi.click(".task-form button[type=submit]")
    message = budi.locator(".flash-error")
    assert "sedang dikerjakan oleh Andi Verifikator" in message.inner_text()
    assert "Andi Verifikator" in budi.locator("p.holder").inner_text()
    assert _case_status(app, cases["pemohon"]["id"]) == "submitted"


@pytest.mark.skipif(not VENDOR.exists(), reason="bpmn-js not copied to app/static/vendor: run make assets")
def test_the_case_diagram_marks_the_current_step(app, client, new_page):
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    page = new_page()
    log_in(page, "supervisor@demo.local")
    page.goto(f"/petugas/permohonan/{case['id']}")
    page.locator(".bpmn-canvas[data-rendered=true]").first.wait_for()
    assert page.locator(".bpmn-canvas").count() == 2  # the service and the verification it calls
    assert page.locator('.djs-element.sp-current[data-element-id="verifikasi"]').count() == 2
    assert page.locator('.djs-element.sp-completed[data-element-id="start_permohonan"]').count() == 1
