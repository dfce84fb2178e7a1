"""Time by holder: the office, each agency and the applicant, from task rows and the ledger."""
from __future__ import annotations

from app.cases.models import Case
from app.common import clock
from app.extensions import db
from app.sla import holders
from tests.sla.flow import (
    RECOMMEND,
    REVISION_RETURNED,
    VERIFY_COMPLETE,
    VERIFY_REVISION,
    complete,
    jkt,
    submit_case,
)
from tests.support.api import ApiClient


def walked_case() -> int:
    case_id = submit_case(jkt(2026, 7, 6, 9))                                          # Monday
    complete(case_id, "loket@demo.local", VERIFY_REVISION, jkt(2026, 7, 6, 11))          # office: 2h
    complete(case_id, "pemohon@demo.local", REVISION_RETURNED, jkt(2026, 7, 8, 9))      # applicant: 5+8+1 = 14h
    complete(case_id, "loket@demo.local", VERIFY_COMPLETE, jkt(2026, 7, 8, 10))          # office: 1h
    complete(case_id, "teknis.dinkes@demo.local", RECOMMEND, jkt(2026, 7, 10, 10))      # Dinkes: 6+8+2 = 16h
    return case_id


def test_working_time_is_attributed_to_whoever_held_the_file(ctx):
    case_id = walked_case()
    with clock.frozen_at(jkt(2026, 7, 10, 14)):                                          # kabid: 4h so far
        report = holders.time_by_holder(db.session.get(Case, case_id))
    by_holder = {h["holder"]: h["working_days"] for h in report["holders"]}
    assert by_holder == {"dinkes": 2.0, "pemohon": 1.75, "dpmptsp": round(7 / 8, 2)}
    steps = [(s["bpmn_id"], s["holder"], s["working_days"]) for s in report["steps"]]
    assert steps[0] == ("verifikasi", "dpmptsp", 0.25) and ("perbaikan", "pemohon", 1.75) in steps


def test_the_applicant_sees_time_by_holder_but_not_the_officers_steps(client, app):
    with app.app_context():
        case_id = walked_case()
    mine = ApiClient(client, "pemohon@demo.local").get(f"/api/v1/sla/cases/{case_id}").get_json()
    assert {h["holder"] for h in mine["holders"]} == {"dinkes", "pemohon", "dpmptsp"}
    assert mine["steps"] == [] and all("actor_id" not in line for line in mine["ledger"])
    staff = ApiClient(client, "supervisor@demo.local").get(f"/api/v1/sla/cases/{case_id}").get_json()
    assert len(staff["steps"]) == 5 and staff["summary"]["state"] == "running"
    other = ApiClient(client, "teknis.pupr@demo.local")
    assert other.get(f"/api/v1/sla/cases/{case_id}").status_code == 200  # office staff see every case
