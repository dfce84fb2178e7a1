"""Factories for the dashboard tests: read-model rows written directly (flushed), and one office with known answers.

The office (`build_office`) is reported on for August 2026, "now" being 30 September 2026 10:00 WIB.
Monday 17 August 2026 is Independence Day (a national holiday).

| case | service | submitted | decided | SOP clock | lead (working days) |
| --- | --- | --- | --- | --- | --- |
| A | sip_apoteker | Tue 11 Aug 09:00 | issued Fri 21 Aug 12:00 | starts Thu 13 08:00; paused for the applicant Tue 18 12:00 - Thu 20 08:00 | 4.0 (on time, SOP 5) |
| B | sip_apoteker | Mon 3 Aug 09:00 | issued Wed 12 Aug 16:00 | starts Tue 4 08:00, never paused | 7.0 (late) |
| C | izin_penelitian | Wed 5 Aug 09:00 | rejected Wed 5 Aug 14:00 at the completeness check | never started | not measured |
| D | sip_apoteker | Tue 25 Aug 09:00 | open; its verification (due Wed 26 16:00) is unclaimed and overdue | pending | - |
| E | pbg | Mon 20 Jul 09:00 | issued Fri 7 Aug 16:00 | starts Tue 21 Jul 08:00 | 14.0 (on time, SOP 14) |
| F | sip_dokter | Tue 29 Sep 10:00 | open; its verification is due Wed 30 Sep 16:00 (at risk) | pending | - |
"""
from __future__ import annotations

import uuid
from datetime import datetime
from itertools import count

from app.common import clock

_numbers = count(1)
NOW = datetime(2026, 9, 30, 10, 0, tzinfo=clock.JAKARTA)


def at(text: str) -> datetime:
    """An office-time moment: '2026-08-11 09:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=clock.JAKARTA)


def user(email: str):
    from app.accounts import service as accounts

    return accounts.get_by_email(email)


def make_case(service: str, *, submitted: str, status: str = "submitted", completed: str | None = None,
              applicant_email: str = "pemohon@demo.local"):
    """A submitted case row of the service's active version, with its 'submitted' event."""
    from app.cases.models import Case, CaseEvent
    from app.catalog import service as catalog
    from app.extensions import db

    svc = catalog.get(service)
    moment = at(submitted)
    number = next(_numbers)
    case = Case(service_key=svc.key, process_version_id=svc.active_version_id,
                applicant_id=user(applicant_email).id, status=status, data={}, created_at=moment,
                submitted_at=moment, completed_at=at(completed) if completed else None,
                registration_number=f"{svc.registration_prefix}-{moment.year}-{800000 + number:06d}")
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseEvent(case_id=case.id, at=moment, kind="submitted", actor_id=case.applicant_id))
    if completed:
        db.session.add(CaseEvent(case_id=case.id, at=at(completed), kind="finished", note=status))
    db.session.flush()
    return case


def make_clock(case, *, sop_days: int, lines: list[tuple[str, str, str | None]], started: str | None = None,
               extension_days: int = 0):
    """The case's clock and its ledger lines (moment, state, reason); the row follows the last line."""
    from app.extensions import db
    from app.sla.models import CaseClock, ClockEntry

    last = lines[-1][1] if lines else "running"
    state = "stopped" if last == "stopped" else ("pending" if started is None else
                                                  "paused" if last == "paused" else "running")
    row = CaseClock(case_id=case.id, sop_days=sop_days, extension_days=extension_days, state=state, pause_count=0,
                    used_working_days=0.0, started_at=at(started) if started else None,
                    stopped_at=at(lines[-1][0]) if last == "stopped" else None)
    case.clock = row  # as the application adds it: the case's own attribute knows it at once
    for moment, line_state, reason in lines:
        db.session.add(ClockEntry(case_id=case.id, at=at(moment), state=line_state, reason=reason))
    db.session.flush()
    return row


def make_task(case, bpmn_id: str, *, group: str, process_id: str, name: str, created: str,
              completed: str | None = None, sla: int | None = 1, by: str | None = None, state: str | None = None):
    """A task row; its due date follows its SLA from the moment it opened (the SLA module's rule)."""
    from app.extensions import db
    from app.inbox.models import Task
    from app.sla import service as sla_service

    opened = at(created)
    officer = user(by) if by else None
    task = Task(id=str(uuid.uuid4()), case_id=case.id, bpmn_id=bpmn_id, process_id=process_id, name=name,
                group_key=group, state=state or ("completed" if completed else "ready"), created_at=opened,
                sla_working_days=sla, due_at=sla_service.due_after(opened, sla) if sla else None,
                completed_at=at(completed) if completed else None,
                assignee_id=officer.id if officer else None, completed_by_id=officer.id if officer and completed else None)
    db.session.add(task)
    db.session.flush()
    return task


def make_bill(case, *, amount: int, issued: str, status: str = "issued", paid: str | None = None):
    from datetime import timedelta

    from app.extensions import db
    from app.payments.models import Bill

    moment = at(issued)
    bill = Bill(case_id=case.id, billing_code=f"9{next(_numbers):011d}", amount=amount, status=status,
                issued_at=moment, expires_at=moment + timedelta(days=14), paid_at=at(paid) if paid else None,
                paid_amount=amount if paid else None, reference=f"REF-{next(_numbers)}" if paid else None)
    db.session.add(bill)
    db.session.flush()
    return bill


def make_survey(case, scores: list[int], *, answered: str):
    from app.extensions import db
    from app.surveys.models import SurveyResponse

    response = SurveyResponse(case_id=case.id, service_key=case.service_key, user_id=case.applicant_id,
                              created_at=at(answered), **{f"u{i}": s for i, s in enumerate(scores, start=1)})
    db.session.add(response)
    db.session.flush()
    return response


def make_complaint(*, created: str, due: str, answered: str | None = None):
    """A complaint with its pengaduan case (which case indicators must leave out)."""
    from app.complaints.models import Complaint
    from app.extensions import db

    status = "answered" if answered else "received"
    case = make_case("pengaduan", submitted=created, status="approved" if answered else "submitted",
                     completed=answered)
    complaint = Complaint(ticket=f"ADU-T{next(_numbers):03d}-TEST", case_id=case.id,
                          complainant_id=case.applicant_id, name="Pelapor", contact="pelapor@contoh.id",
                          subject="Uji", body="Uji", status=status, created_at=at(created), due_at=at(due),
                          answered_at=at(answered) if answered else None)
    db.session.add(complaint)
    db.session.flush()
    return complaint


VERIFY = {"group": "verifikator", "process_id": "verifikasi_berkas", "name": "Verifikasi berkas"}
REVISE = {"group": "pemohon", "process_id": "verifikasi_berkas", "name": "Perbaikan berkas oleh pemohon", "sla": None}
DINKES = {"group": "teknis_dinkes", "process_id": "rekomendasi_teknis", "name": "Rekomendasi teknis Dinas Kesehatan",
          "sla": 3}
APPROVE = {"group": "kabid", "process_id": "persetujuan_penandatanganan", "name": "Persetujuan Kepala Bidang"}
SIGN = {"group": "penandatangan", "process_id": "persetujuan_penandatanganan", "name": "Penandatanganan izin (TTE)"}


def build_office() -> dict:
    """The office of the module docstring, committed; returns its cases by letter."""
    from app.extensions import db

    a = make_case("sip_apoteker", submitted="2026-08-11 09:00", status="issued", completed="2026-08-21 12:00")
    make_clock(a, sop_days=5, started="2026-08-13 08:00", lines=[
        ("2026-08-11 09:00", "running", "diajukan"), ("2026-08-12 10:00", "running", "berkas_lengkap"),
        ("2026-08-18 12:00", "paused", "menunggu_pemohon"), ("2026-08-20 08:00", "running", None),
        ("2026-08-21 12:00", "stopped", "issued")])
    make_task(a, "verifikasi", **VERIFY, created="2026-08-11 09:00", completed="2026-08-12 10:00",
              by="loket@demo.local")
    make_task(a, "rekomendasi_dinkes", **DINKES, created="2026-08-12 10:00", completed="2026-08-18 12:00",
              by="teknis.dinkes@demo.local")
    make_task(a, "perbaikan", **REVISE, created="2026-08-18 12:00", completed="2026-08-20 08:00",
              by="pemohon@demo.local")
    make_task(a, "persetujuan", **APPROVE, created="2026-08-20 08:00", completed="2026-08-21 11:00",
              by="kabid@demo.local")
    make_task(a, "penandatanganan", **SIGN, created="2026-08-21 11:00", completed="2026-08-21 12:00",
              by="kadis@demo.local")

    b = make_case("sip_apoteker", submitted="2026-08-03 09:00", status="issued", completed="2026-08-12 16:00")
    make_clock(b, sop_days=5, started="2026-08-04 08:00", lines=[
        ("2026-08-03 09:00", "running", "diajukan"), ("2026-08-03 11:00", "running", "berkas_lengkap"),
        ("2026-08-12 16:00", "stopped", "issued")])
    make_task(b, "verifikasi", **VERIFY, created="2026-08-03 09:00", completed="2026-08-03 11:00",
              by="loket@demo.local")
    make_task(b, "rekomendasi_dinkes", **DINKES, created="2026-08-03 11:00", completed="2026-08-11 16:00",
              by="teknis.dinkes@demo.local")
    make_task(b, "persetujuan", **APPROVE, created="2026-08-11 16:00", completed="2026-08-12 15:00",
              by="kabid@demo.local")
    make_task(b, "penandatanganan", **SIGN, created="2026-08-12 15:00", completed="2026-08-12 16:00",
              by="kadis@demo.local")

    c = make_case("izin_penelitian", submitted="2026-08-05 09:00", status="rejected", completed="2026-08-05 14:00")
    make_clock(c, sop_days=2, lines=[("2026-08-05 09:00", "running", "diajukan"),
                                     ("2026-08-05 14:00", "stopped", "rejected")])
    make_task(c, "verifikasi", **VERIFY, created="2026-08-05 09:00", completed="2026-08-05 14:00",
              by="loket@demo.local")

    d = make_case("sip_apoteker", submitted="2026-08-25 09:00")
    make_clock(d, sop_days=5, lines=[("2026-08-25 09:00", "running", "diajukan")])
    make_task(d, "verifikasi", **VERIFY, created="2026-08-25 09:00")

    e = make_case("pbg", submitted="2026-07-20 09:00", status="issued", completed="2026-08-07 16:00")
    make_clock(e, sop_days=14, started="2026-07-21 08:00", lines=[
        ("2026-07-20 09:00", "running", "diajukan"), ("2026-07-20 15:00", "running", "berkas_lengkap"),
        ("2026-08-07 16:00", "stopped", "issued")])

    f = make_case("sip_dokter", submitted="2026-09-29 10:00")
    make_clock(f, sop_days=5, lines=[("2026-09-29 10:00", "running", "diajukan")])
    make_task(f, "verifikasi", **VERIFY, created="2026-09-29 10:00")

    make_survey(a, [4] * 9, answered="2026-08-22 09:00")
    make_survey(b, [3] * 8 + [2], answered="2026-08-13 09:00")
    make_survey(e, [1] * 9, answered="2026-07-31 09:00")  # July: outside the period
    make_bill(e, amount=1_250_000, issued="2026-07-30 10:00", status="paid", paid="2026-08-03 10:00")
    make_bill(b, amount=500_000, issued="2026-08-10 10:00", status="expired")
    make_bill(a, amount=300_000, issued="2026-08-12 10:00", status="cancelled")
    make_complaint(created="2026-08-04 09:00", due="2026-08-11 16:00", answered="2026-08-07 10:00")
    make_complaint(created="2026-08-20 09:00", due="2026-08-27 16:00")
    db.session.commit()
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


def august():
    """The reporting period of the office."""
    from datetime import date

    from app.dashboard.periods import Period

    return Period(date(2026, 8, 1), date(2026, 8, 31))
