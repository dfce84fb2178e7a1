"""`flask seed-demo --cases N`: a history made by the real service layer, on which every report agrees."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

CASES = 8


def test_seed_demo_with_cases_makes_a_history_that_dashboard_heatmap_csv_and_pdf_agree_on(app):
    from pypdf import PdfReader

    from app.accounts import service as accounts
    from app.cases.models import Case, CaseEvent
    from app.dashboard import service
    from app.dashboard.formats import percent
    from app.dashboard.periods import Period, month_of, parse_month, today
    from app.extensions import db
    from app.inbox.models import Task
    from app.sla.models import ClockEntry

    result = app.test_cli_runner().invoke(args=["seed-demo", "--cases", str(CASES), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert f"riwayat demo: {CASES} permohonan" in result.output
    with app.app_context():
        # Real rows, written by the service layer: events, task rows and clock ledgers for every case.
        cases = list(db.session.scalars(select(Case).where(Case.service_key != "pengaduan")))
        assert len(cases) == CASES and all(c.registration_number and c.submitted_at for c in cases)
        assert all(db.session.scalar(select(func.count()).where(CaseEvent.case_id == c.id)) >= 3 for c in cases)
        assert all(db.session.scalar(select(func.count()).where(ClockEntry.case_id == c.id)) >= 1 for c in cases)
        assert sum(1 for c in cases if c.completed_at is not None) >= CASES // 2

        user = accounts.get_by_email("supervisor@demo.local")
        end = today()
        period = Period(end - timedelta(days=365), end)
        summary = service.summary(user, period=period)
        assert sum(m["submitted"] for m in summary["volume"]) == CASES

        rows = list(csv.DictReader(io.StringIO(service.cases_csv(user, period=period))))
        assert len(rows) == CASES
        measured = [r for r in rows if r["on_time"]]
        assert len(measured) == summary["measured_cases"]
        if measured:
            assert round(sum(r["on_time"] == "ya" for r in measured) / len(measured), 4) == summary["on_time_rate"]
        for key, average in summary["avg_lead_time_working_days"].items():
            leads = [float(r["lead_time_working_days"]) for r in measured if r["service"] == key]
            assert (round(sum(leads) / len(leads), 2) if leads else None) == average, key
        assert sum(int(r["late_steps"]) for r in rows) == sum(b["count"] for b in summary["breaches_by_step"])
        assert sum(1 for r in rows if r["status"] == "issued") == sum(m["issued"] for m in summary["volume"])

        # The heatmap counts every step completed in the period, service by service.
        for key in {c.service_key for c in cases}:
            heat = service.heatmap(user, service=key, period=period)
            shown = sum(e["count"] for d in heat["diagrams"] for e in d["elements"] if e["kind"] == "userTask")
            completed = db.session.scalar(select(func.count(Task.id)).join(Case, Case.id == Task.case_id).where(
                Case.service_key == key, Task.state == "completed", Task.completed_at >= period.start_at))
            assert shown == completed, key

        # The monthly report of a month with decisions carries that month's figures.
        month = max(month_of(c.completed_at) for c in cases if c.completed_at is not None)
        month_summary = service.summary(user, period=parse_month(month))
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
            service.monthly_report(user, month=month))).pages)
        assert f"{percent(month_summary['on_time_rate'])} dari {month_summary['measured_cases']} perkara" in text
        issued = sum(m["issued"] for m in month_summary["volume"])
        assert f"Izin/dokumen terbit {issued}" in " ".join(text.split())

