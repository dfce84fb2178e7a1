"""The summary reads aggregates: as many SQL statements for 40 cases as for 5 (no per-case queries)."""
from __future__ import annotations

from datetime import timedelta

from tests.dashboard.support import NOW, august, make_bill, make_case, make_clock, make_survey, make_task
from tests.support.sql import recorded_statements

DINKES = {"group": "teknis_dinkes", "process_id": "rekomendasi_teknis", "name": "Rekomendasi teknis Dinas Kesehatan",
          "sla": 3}


def _add_cases(n: int, offset: int) -> None:
    """n decided cases in August, each with a clock, a pause, two steps, a bill and a survey."""
    from app.extensions import db
    from tests.dashboard.support import at

    for i in range(offset, offset + n):
        start = at(f"2026-08-{3 + i % 20:02d} 09:00")

        def stamp(delta: timedelta, start=start) -> str:
            return (start + delta).strftime("%Y-%m-%d %H:%M")

        case = make_case("sip_apoteker", submitted=stamp(timedelta()), status="issued" if i % 4 else "rejected",
                         completed=stamp(timedelta(days=6)))
        make_clock(case, sop_days=5, started=stamp(timedelta(days=1, hours=-1)), lines=[
            (stamp(timedelta()), "running", "diajukan"), (stamp(timedelta(hours=2)), "running", "berkas_lengkap"),
            (stamp(timedelta(days=2)), "paused", "menunggu_pemohon"), (stamp(timedelta(days=3)), "running", None),
            (stamp(timedelta(days=6)), "stopped", "issued")])
        make_task(case, "verifikasi", group="verifikator", process_id="verifikasi_berkas", name="Verifikasi berkas",
                  created=stamp(timedelta()), completed=stamp(timedelta(hours=2)), by="loket@demo.local")
        make_task(case, "rekomendasi_dinkes", **DINKES, created=stamp(timedelta(hours=2)),
                  completed=stamp(timedelta(days=6)), by="teknis.dinkes@demo.local")
        make_bill(case, amount=100_000 + i, issued=stamp(timedelta(days=1)), status="paid",
                  paid=stamp(timedelta(days=2)))
        make_survey(case, [3] * 9, answered=stamp(timedelta(days=7)))
    db.session.commit()


def _count(call) -> int:
    from app.extensions import db

    db.session.remove()  # a fresh session, as a new request has
    call()  # the office calendar and the parsed models are cached by the first call
    db.session.remove()
    with recorded_statements() as statements:
        call()
    return len(statements)


def test_summary_details_export_and_heatmap_use_as_many_statements_for_40_cases_as_for_5(ctx):
    from app.accounts import service as accounts
    from app.dashboard import service

    def views(user) -> dict:
        return {
            "summary": lambda: service.summary(user, period=august(), now=NOW),
            "details": lambda: service.details(user, period=august(), now=NOW),
            "export": lambda: service.cases_csv(user, period=august(), now=NOW),
            "heatmap": lambda: service.heatmap(user, service="sip_apoteker", period=august(), now=NOW),
        }

    counts = []
    for n, offset in ((5, 0), (35, 5)):
        _add_cases(n, offset)
        calls = views(accounts.get_by_email("supervisor@demo.local"))
        counts.append({name: _count(call) for name, call in calls.items()})
    assert counts[0] == counts[1]
    assert counts[0]["summary"] <= 14
    summary = service.summary(accounts.get_by_email("supervisor@demo.local"), period=august(), now=NOW)
    assert sum(m["submitted"] for m in summary["volume"]) == 40
