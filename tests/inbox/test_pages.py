"""The officer pages: access, claiming (and losing a race), completing a step from the form, notes."""
from __future__ import annotations

import threading

from tests.inbox.support import PageClient, make_case, make_officer, make_task
from tests.support.api import ApiClient
from tests.support.data import requirements
from tests.support.flow import submit_application


def _second_officer(app):
    with app.app_context():
        from app.extensions import db

        make_officer("loket2@demo.local", "Budi Loket")
        db.session.commit()


def _factory_task(app, **kw) -> str:
    with app.app_context():
        from app.extensions import db

        task = make_task(make_case(), **kw)
        db.session.commit()
        return task.id


def _task_row(app, task_id):
    with app.app_context():
        from app.extensions import db
        from app.inbox.models import Task

        task = db.session.get(Task, task_id)
        return task.state, (task.assignee.email if task.assignee else None)


def test_pages_need_a_login_and_an_office_role(client):
    response = client.get("/petugas/tugas")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    applicant = PageClient(client, "pemohon@demo.local")
    assert applicant.get("/petugas/tugas").status_code == 403


def test_inbox_page_shows_tab_counts_and_marks_overdue_tasks(app, client):
    from datetime import timedelta

    from app.common import clock

    _factory_task(app, created_at=clock.now() - timedelta(days=14))
    page = PageClient(client, "loket@demo.local")
    html = page.text("/petugas/tugas?tab=group")
    assert 'data-tab="group"' in html and '<span class="count">1</span>' in html
    assert "due-overdue" in html and "terlambat" in html
    assert page.get("/petugas/tugas?tab=all").status_code == 200  # an officer asking for "all" gets their own


def test_claiming_a_task_another_officer_took_says_who_holds_it(app, client):
    _second_officer(app)
    task_id = _factory_task(app)
    budi = PageClient(app.test_client(), "loket2@demo.local")
    andi = PageClient(client, "loket@demo.local")
    assert budi.post(f"/petugas/tugas/{task_id}/ambil").status_code == 302
    response = andi.post(f"/petugas/tugas/{task_id}/ambil", follow_redirects=True)
    assert response.status_code == 200
    assert "sudah diambil oleh Budi Loket" in PageClient.flashes(response)
    assert _task_row(app, task_id) == ("claimed", "loket2@demo.local")
    assert andi.post(f"/petugas/tugas/{task_id}/lepas").status_code == 302  # not his to give back
    assert _task_row(app, task_id) == ("claimed", "loket2@demo.local")
    assert budi.post(f"/petugas/tugas/{task_id}/lepas").status_code == 302
    assert _task_row(app, task_id) == ("ready", None)


def test_two_officers_claiming_at_once_one_wins_and_the_other_reads_a_message(app, client):
    _second_officer(app)
    task_id = _factory_task(app)
    pages = [PageClient(app.test_client(), "loket@demo.local"), PageClient(app.test_client(), "loket2@demo.local")]
    barrier = threading.Barrier(2)
    results = []

    def race(page):
        barrier.wait()
        response = page.post(f"/petugas/tugas/{task_id}/ambil")
        results.append((response.status_code, response.headers.get("Location", ""),
                        PageClient.flashes(page.get("/petugas/tugas"))))

    threads = [threading.Thread(target=race, args=(p,)) for p in pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [r[0] for r in results] == [302, 302]
    winners = [r for r in results if f"/petugas/tugas/{task_id}" in r[1]]
    losers = [r for r in results if r not in winners]
    assert len(winners) == 1 and len(losers) == 1
    assert "sudah diambil oleh" in losers[0][2] or "diubah oleh orang lain" in losers[0][2]
    state, holder = _task_row(app, task_id)
    assert state == "claimed" and holder in ("loket@demo.local", "loket2@demo.local")


def _verdicts(revise: str | None = None) -> dict:
    form = {}
    for req in requirements():
        if req["required"]:
            form[f"document_verdicts.{req['key']}.verdict"] = "revise" if req["key"] == revise else "ok"
    if revise:
        form[f"document_verdicts.{revise}.note"] = "Legalisir tidak tampak."
    return form


def test_an_officer_requests_a_revision_through_the_step_form(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    task_id = case["current_steps"][0]["task_id"]
    page = PageClient(client, "loket@demo.local")
    assert page.post(f"/petugas/tugas/{task_id}/ambil").status_code == 302
    html = page.text(f"/petugas/tugas/{task_id}")
    doc = case["documents"][0]
    inline = f"/api/v1/cases/{case['id']}/documents/{doc['id']}?inline=1"
    assert 'name="verification_outcome"' in html and inline in html
    preview = page.get(inline)
    assert preview.status_code == 200 and preview.headers["Content-Disposition"].startswith("inline")
    response = page.post(f"/petugas/tugas/{task_id}/selesai", data={
        **_verdicts(revise="stra"), "verification_outcome": "revision",
        "verification_note": "Mohon unggah STRA yang dilegalisir."})
    assert response.status_code == 302, response.get_data(as_text=True)
    after = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert after["status"] == "waiting_applicant"
    assert after["outstanding"][0]["kind"] == "revision"


def test_missing_answers_come_back_as_messages_next_to_their_fields(app, client):
    task_id = _factory_task(app)
    page = PageClient(client, "loket@demo.local")
    form = _verdicts()
    del form["document_verdicts.ktp.verdict"]
    response = page.post(f"/petugas/tugas/{task_id}/selesai", data={**form, "verification_outcome": "revision"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-verification_note-error"' in html
    assert 'id="f-document_verdicts--ktp--verdict-error"' in html
    assert 'value="revision" checked' in html  # what was chosen stays chosen


def test_an_officer_cannot_complete_a_task_another_officer_holds(app, client):
    _second_officer(app)
    task_id = _factory_task(app)
    assert PageClient(app.test_client(), "loket2@demo.local").post(f"/petugas/tugas/{task_id}/ambil").status_code == 302
    page = PageClient(client, "loket@demo.local")
    response = page.post(f"/petugas/tugas/{task_id}/selesai", data={**_verdicts(), "verification_outcome": "complete"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/petugas/tugas/{task_id}")
    assert "sedang dikerjakan oleh Budi Loket" in PageClient.flashes(page.get("/petugas/tugas"))
    assert _task_row(app, task_id) == ("claimed", "loket2@demo.local")


def test_direct_urls_to_other_groups_tasks_are_forbidden_and_unknown_ones_not_found(app, client):
    task_id = _factory_task(app)
    dinkes = PageClient(client, "teknis.dinkes@demo.local")
    assert dinkes.get(f"/petugas/tugas/{task_id}").status_code == 403
    assert dinkes.post(f"/petugas/tugas/{task_id}/ambil", follow_redirects=True).status_code == 200
    assert _task_row(app, task_id) == ("ready", None)
    assert dinkes.get("/petugas/tugas/00000000-0000-0000-0000-000000000000").status_code == 404
    assert PageClient(app.test_client(), "supervisor@demo.local").get(f"/petugas/tugas/{task_id}").status_code == 200


def test_forms_without_the_csrf_token_are_refused(app, client):
    task_id = _factory_task(app)
    page = PageClient(client, "loket@demo.local")
    response = client.post(f"/petugas/tugas/{task_id}/ambil", data={})
    assert response.status_code == 400
    assert page.post(f"/petugas/tugas/{task_id}/ambil").status_code == 302
    assert _task_row(app, task_id) == ("claimed", "loket@demo.local")


def test_a_supervisor_bulk_reassigns_and_tasks_outside_the_officers_groups_stay(app, client):
    _second_officer(app)
    first, second = _factory_task(app), _factory_task(app)
    other = _factory_task(app, group="teknis_dinkes", bpmn_id="rekomendasi_dinkes")
    with app.app_context():
        from app.accounts import service as accounts

        budi_id = accounts.get_by_email("loket2@demo.local").id
    supervisor = PageClient(client, "supervisor@demo.local")
    response = supervisor.post("/petugas/tugas/alihkan", data=[("task_id", first), ("task_id", second),
                                                             ("task_id", other), ("user_id", str(budi_id))],
                               follow_redirects=True)
    messages = PageClient.flashes(response)
    assert "2 tugas dialihkan" in messages and "tidak dialihkan" in messages
    assert _task_row(app, first) == _task_row(app, second) == ("claimed", "loket2@demo.local")
    assert _task_row(app, other) == ("ready", None)
    assert PageClient(app.test_client(), "loket@demo.local").post(
        "/petugas/tugas/alihkan", data=[("task_id", first)]).status_code == 403


def test_supervisor_sets_priority_and_the_holder_defers_the_task(app, client):
    from datetime import timedelta

    from app.common import clock

    task_id = _factory_task(app)
    supervisor = PageClient(app.test_client(), "supervisor@demo.local")
    assert supervisor.post(f"/petugas/tugas/{task_id}/prioritas", data={"priority": "2"}).status_code == 302
    loket = PageClient(client, "loket@demo.local")
    assert loket.post(f"/petugas/tugas/{task_id}/prioritas", data={"priority": "0"}).status_code == 403
    loket.post(f"/petugas/tugas/{task_id}/ambil")
    day = (clock.now().astimezone(clock.JAKARTA).date() + timedelta(days=3)).isoformat()
    response = loket.post(f"/petugas/tugas/{task_id}/tunda", data={"follow_up_on": day, "note": "Menunggu KFN"},
                          follow_redirects=True)
    assert "Tugas ditunda hingga" in PageClient.flashes(response)
    assert task_id not in loket.text("/petugas/tugas?tab=mine")
    deferred = loket.text("/petugas/tugas?tab=deferred")
    assert task_id in deferred and "Mendesak" in deferred
    bad = loket.post(f"/petugas/tugas/{task_id}/tunda", data={"follow_up_on": "2001-01-01"}, follow_redirects=True)
    assert "Pilih tanggal setelah hari ini" in PageClient.flashes(bad)


def test_a_filter_shared_with_the_group_is_offered_to_colleagues(app, client):
    _second_officer(app)
    loket = PageClient(client, "loket@demo.local")
    response = loket.post("/petugas/filter", data={"name": "SIPA terlambat", "service": "sip_apoteker", "due": "overdue",
                                                   "tab": "group", "group_key": "verifikator"})
    assert response.status_code == 302 and "due=overdue" in response.headers["Location"]
    budi = PageClient(app.test_client(), "loket2@demo.local")
    assert ">SIPA terlambat</a>" in budi.text("/petugas/tugas")
    assert ">SIPA terlambat</a>" not in PageClient(app.test_client(), "teknis.dinkes@demo.local").text("/petugas/tugas")


def test_internal_notes_reach_officers_and_never_the_applicant(app, client):
    applicant = ApiClient(client, "pemohon@demo.local")
    task_id = _factory_task(app)
    with app.app_context():
        from app.extensions import db
        from app.inbox.models import Task

        case = {"id": db.session.get(Task, task_id).case_id}
    page = PageClient(client, "loket@demo.local")
    response = page.post(f"/petugas/permohonan/{case['id']}/catatan", data={"body": "STRA dicek ke KFN: sah.",
                                                                           "task_id": task_id})
    assert response.status_code == 302
    assert "STRA dicek ke KFN: sah." in page.text(f"/petugas/permohonan/{case['id']}")
    assert "STRA dicek ke KFN: sah." in PageClient(app.test_client(), "supervisor@demo.local").text(
        f"/petugas/tugas/{task_id}")
    seen_by_applicant = applicant.get(f"/api/v1/cases/{case['id']}")
    assert seen_by_applicant.status_code == 200 and "STRA dicek ke KFN" not in seen_by_applicant.get_data(as_text=True)
    assert page.post(f"/petugas/permohonan/{case['id']}/catatan", data={"body": "  "},
                     follow_redirects=True).status_code == 200
