"""pbg (Persetujuan Bangunan Gedung): completeness check, scheduled inspection, retribusi, payment, approval."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.cases import service as cases
from app.common import clock
from app.extensions import db
from app.notifications.models import Notification
from app.payments.billing import luhn_valid
from app.payments.models import Bill
from tests.processes import http
from tests.processes.support import (
    COMPLIANT,
    INSPECTION_SCHEDULE,
    event_kinds,
    open_task,
    pbg_inspected,
    route,
    verified,
)
from tests.support.api import ApiClient
from tests.support.data import sample_application


def test_pbg_through_the_api_inspects_bills_takes_payment_and_issues(app, client):
    applicant = ApiClient(client, "pemohon@demo.local")
    loket = ApiClient(client, "loket@demo.local")
    pupr = ApiClient(client, "teknis.pupr@demo.local")
    kabid = ApiClient(client, "kabid@demo.local")
    kadis = ApiClient(client, "kadis@demo.local")

    case = http.submit(applicant, "pbg")
    assert case["registration_number"].startswith("PBG-")
    case = http.finish(loket, case["id"], verified("pbg"))
    assert case["status"] == "waiting_agency"
    assert [s["name"] for s in case["current_steps"]] == ["Jadwalkan pemeriksaan lapangan"]
    case = http.finish(pupr, case["id"], INSPECTION_SCHEDULE, "jadwalkan_pemeriksaan")
    with app.app_context():  # the applicant is told the inspection schedule
        notified = set(db.session.scalars(select(Notification.template).where(Notification.case_id == case["id"])))
    assert "inspection_scheduled" in notified
    case = http.finish(pupr, case["id"], COMPLIANT, "pemeriksaan_lapangan")

    # 120 m² house of 2 floors: Rp 2.070 per m².
    assert case["status"] == "waiting_payment"
    [bill] = [o for o in applicant.get(f"/api/v1/cases/{case['id']}").get_json()["outstanding"]
              if o["kind"] == "payment"]
    assert bill["amount"] == 120 * 2070
    assert luhn_valid(bill["billing_code"])
    assert bill["expires_at"]

    body = http.payment_for(applicant.get(f"/api/v1/cases/{case['id']}").get_json())
    first = http.callback(client, body)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["status"] == "accepted"
    again = http.callback(client, body)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"

    case = applicant.get(f"/api/v1/cases/{case['id']}").get_json()
    assert case["status"] == "in_review"
    assert not [o for o in case["outstanding"] if o["kind"] == "payment"]
    http.finish(kabid, case["id"], {"approval_decision": "approve"})
    case = http.finish(kadis, case["id"], {"signing_decision": "sign"})
    assert case["status"] == "issued"
    assert case["permit"]["number"].startswith("503/PBG/")
    http.verified_permit(applicant, case)  # the QR page says valid, for exactly the file the holder has
    kinds = [h["kind"] for h in applicant.get(f"/api/v1/cases/{case['id']}").get_json()["history"]]
    assert kinds.count("payment_received") == 1 and "bill_issued" in kinds


def test_inspection_that_finds_the_plan_non_compliant_rejects_without_a_bill(ctx):
    case = pbg_inspected(result={**COMPLIANT, "inspection_result": "non_compliant",
                              "rejection_reason": "Bangunan melanggar GSB."})
    assert case.status == "rejected"
    assert route(case) == ["verifikasi", "jadwalkan_pemeriksaan", "pemeriksaan_lapangan"]
    assert db.session.scalars(select(Bill).where(Bill.case_id == case.id)).first() is None


def test_unpaid_bill_reminds_after_three_days_and_expires_the_case_after_fourteen(ctx):
    case = pbg_inspected()
    assert case.status == "waiting_payment"
    bill = db.session.scalar(select(Bill).where(Bill.case_id == case.id))
    issued = bill.issued_at

    with clock.frozen_at(issued + timedelta(days=3, minutes=1)):
        cases.fire_due_timers(case)
        db.session.commit()
    assert case.status == "waiting_payment"
    reminders = db.session.scalars(select(Notification).where(Notification.case_id == case.id,
                                                              Notification.template == "payment_reminder")).all()
    assert reminders

    result = ctx.test_cli_runner().invoke(args=["worker", "run-once", "--now",
                                                (issued + timedelta(days=14, minutes=1)).isoformat()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert case.status == "expired"
    assert db.session.get(Bill, bill.id).status == "expired"
    assert "bill_expired" in event_kinds(case)


def test_callback_after_the_bill_expired_is_refused(client, ctx):
    case = pbg_inspected()
    bill = db.session.scalar(select(Bill).where(Bill.case_id == case.id))
    with clock.frozen_at(bill.issued_at + timedelta(days=15)):  # reminder and expiry fire in one catch-up tick
        cases.fire_due_timers(case)
        db.session.commit()
    assert case.status == "expired"
    response = http.callback(client, {"billing_code": bill.billing_code, "amount": bill.amount,
                                      "paid_at": clock.iso(bill.issued_at + timedelta(days=1)), "reference": "R-1"})
    assert response.status_code == 409
    assert response.get_json()["error"]["reason"] == "bill_expired"


def test_religious_building_is_exempt_and_goes_straight_to_approval(ctx):
    data = {**sample_application("pbg"), "fungsi_bangunan": "keagamaan", "nama_bangunan": "Masjid Al-Ikhlas"}
    case = pbg_inspected(data)
    assert case.status == "in_review"
    assert open_task(case).bpmn_id == "persetujuan"
    assert db.session.scalars(select(Bill).where(Bill.case_id == case.id)).first() is None
