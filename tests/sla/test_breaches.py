"""The supervisors' breach list: overdue and at-risk open tasks."""
from __future__ import annotations

from app.common import clock
from tests.sla.flow import VERIFY_COMPLETE, complete, jkt, submit_case, web_login
from tests.support.api import ApiClient


def test_supervisors_see_overdue_and_at_risk_tasks_with_lateness_in_working_days(client, app):
    with app.app_context():
        late = submit_case(jkt(2026, 7, 6, 9))       # verification due Tue 7 Jul 16:00
        soon = submit_case(jkt(2026, 7, 8, 9))       # verification due Thu 9 Jul 16:00
        calm = submit_case(jkt(2026, 7, 8, 9))
        complete(calm, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 8, 10))  # Dinkes: due Mon 13 Jul
    supervisor = ApiClient(client, "supervisor@demo.local")
    with clock.frozen_at(jkt(2026, 7, 9, 12)):
        body = supervisor.get("/api/v1/sla/breaches").get_json()
        overdue = supervisor.get("/api/v1/sla/breaches?status=overdue").get_json()
    by_case = {i["case_id"]: i for i in body["items"]}
    assert set(by_case) == {late, soon}
    assert by_case[late]["status"] == "overdue" and by_case[late]["late_working_days"] == 1.5
    assert by_case[soon]["status"] == "at_risk" and by_case[soon]["late_working_days"] == -0.5
    assert by_case[late]["holder"] == "kelompok verifikator" and by_case[late]["step"] == "Verifikasi berkas"
    assert [i["case_id"] for i in overdue["items"]] == [late]
    assert ApiClient(client, "loket@demo.local").get("/api/v1/sla/breaches").status_code == 403


def test_the_breach_page_is_for_supervisors(client, app):
    with app.app_context():
        submit_case(jkt(2026, 7, 6, 9))
    web_login(client, "supervisor@demo.local")
    page = client.get("/sla/pelanggaran?status=overdue")
    assert page.status_code == 200 and "Verifikasi berkas" in page.get_data(as_text=True)
