"""Indicator values on the office of tests/dashboard/support.py, whose answers are worked out by hand."""
from __future__ import annotations

import pytest

from tests.dashboard.support import NOW, august


@pytest.fixture
def summary(shared_office, shared_supervisor):
    from app.dashboard import service

    return service.summary(shared_supervisor, period=august(), now=NOW)


def test_lead_time_counts_working_days_across_a_national_holiday_and_not_the_paused_clock(shared_office, shared_supervisor):
    from app.dashboard import service, timings
    from app.sla import service as sla

    found = {t.case_id: t for t in timings.fetch(service.decided_in(august(), None), now=NOW).cases}
    a = found[shared_office["A"].id]
    # Thu 13 + Fri 14 + (Mon 17 holiday) + Tue 18 morning + (paused) + Thu 20 + Fri 21 morning.
    assert a.lead_days == 4.0
    assert a.lead_days == sla.case_summary(shared_office["A"])["used_working_days"]
    assert found[shared_office["B"].id].lead_days == 7.0
    assert found[shared_office["E"].id].lead_days == 14.0


def test_average_lead_time_per_service_is_set_against_its_sop(summary):
    assert summary["avg_lead_time_working_days"]["sip_apoteker"] == 5.5
    assert summary["avg_lead_time_working_days"]["pbg"] == 14.0
    assert summary["avg_lead_time_working_days"]["izin_penelitian"] is None  # rejected before its clock started
    assert summary["sop_days"]["sip_apoteker"] == 5 and summary["sop_days"]["pbg"] == 14
    assert summary["avg_lead_time_all_working_days"] == round((4 + 7 + 14) / 3, 2)


def test_on_time_rate_counts_decided_cases_within_sop(summary):
    assert summary["measured_cases"] == 3  # A, B, E; C never had its clock started
    assert summary["on_time_rate"] == 0.6667  # B took 7 working days against 5


def test_volume_by_month_counts_submissions_decisions_and_the_backlog(summary):
    (month,) = summary["volume"]
    assert month["period"] == "2026-08"
    assert (month["submitted"], month["issued"], month["rejected"]) == (4, 3, 1)
    assert month["backlog"] == 1  # E was open on 1 August; A, B, C and E ended; D is still open
    (quarter,) = summary["volume_by_quarter"]
    assert quarter["period"] == "2026-Q3" and quarter["submitted"] == 4


def test_volume_over_several_months_splits_by_submission_and_decision_month(shared_office, shared_supervisor):
    from datetime import date

    from app.dashboard import service
    from app.dashboard.periods import Period

    data = service.summary(shared_supervisor, period=Period(date(2026, 7, 1), date(2026, 9, 30)), now=NOW)
    by_month = {m["period"]: (m["submitted"], m["issued"], m["rejected"], m["backlog"]) for m in data["volume"]}
    assert by_month == {"2026-07": (1, 0, 0, 1), "2026-08": (4, 3, 1, 1), "2026-09": (1, 0, 0, 2)}


def test_breaches_are_counted_by_step_in_the_period_their_deadline_passed(summary):
    assert [(b["service"], b["process_id"], b["bpmn_id"], b["count"]) for b in summary["breaches_by_step"]] == [
        ("sip_apoteker", "rekomendasi_teknis", "rekomendasi_dinkes", 1),  # B: closed after its due date
        ("sip_apoteker", "verifikasi_berkas", "verifikasi", 1),  # D: still open past its due date
    ]


def test_breaches_by_officer_name_who_held_the_step(shared_office, shared_supervisor):
    from app.dashboard import service

    data = service.details(shared_supervisor, period=august(), now=NOW)
    assert {(b["name"], b["count"]) for b in data["breaches_by_officer"]} == {
        ("dr. Rina Dinkes", 1), ("(belum diambil) kelompok verifikator", 1)}


def test_ikm_gives_each_element_and_the_category(summary):
    ikm = summary["ikm"]
    assert ikm["responses"] == 2  # E's July answer is outside the period
    assert [e["nrr"] for e in ikm["elements"]] == [3.5] * 8 + [3.0]
    assert (ikm["score"], ikm["category"], ikm["label"]) == (86.11, "B", "Baik")
    # Per service: only sip_apoteker was rated in August (both answers).
    assert list(summary["ikm_by_service"]) == ["sip_apoteker"]
    assert summary["ikm_by_service"]["sip_apoteker"] == ikm
    row = next(s for s in summary["services"] if s["service"] == "pbg")
    assert row["ikm"]["responses"] == 0 and row["ikm"]["score"] is None


def test_retribusi_billed_and_paid_in_the_period(summary):
    # E's bill was issued in July and paid in August; B's expired unpaid; A's was cancelled.
    assert summary["revenue"] == {"billed": 500_000, "paid": 1_250_000}


def test_complaints_received_answered_and_overdue(summary):
    assert summary["complaints"] == {"received": 2, "answered": 1, "overdue": 1, "open": 1}


def test_service_filter_limits_every_figure(shared_office, shared_supervisor):
    from app.dashboard import service

    data = service.summary(shared_supervisor, period=august(), service="pbg", now=NOW)
    assert list(data["avg_lead_time_working_days"]) == ["pbg"]
    assert data["volume"][0]["issued"] == 1 and data["volume"][0]["submitted"] == 0
    assert (data["open_cases"], data["open_tasks"], data["on_time_rate"]) == (0, 0, 1.0)
    assert data["revenue"] == {"billed": 0, "paid": 1_250_000}
    assert data["ikm"]["responses"] == 0 and data["breaches_by_step"] == []


def test_time_by_holder_adds_up_the_sla_modules_time_by_holder_of_each_case(shared_office, shared_supervisor):
    from collections import defaultdict

    from app.dashboard import service
    from app.sla import holders

    data = service.details(shared_supervisor, period=august(), now=NOW)
    expected: dict[str, float] = defaultdict(float)
    for letter in "ABCE":
        for item in holders.time_by_holder(shared_office[letter], now=NOW)["holders"]:
            expected[item["holder"]] += item["working_days"]
    got = {h["holder"]: h["working_days"] for h in data["time_by_holder"]}
    assert got.keys() == expected.keys()
    assert all(abs(got[k] - expected[k]) < 0.02 for k in got)
    a_dinkes = next(h for h in data["time_by_holder"] if h["holder"] == "dinkes")
    assert a_dinkes["label"] == "Dinas Kesehatan" and a_dinkes["cases"] == 2  # A 3.25 + B 6.625 working days
    assert a_dinkes["working_days"] == 9.88


def test_stuck_cases_are_open_cases_without_an_event_for_n_days(shared_office, shared_supervisor):
    from app.dashboard import service

    data = service.details(shared_supervisor, period=august(), stuck_days=7, now=NOW)
    assert [c["registration_number"] for c in data["stuck_cases"]] == [shared_office["D"].registration_number]
    assert data["stuck_total"] == 1 and data["stuck_cases"][0]["idle_days"] == 36
    assert service.details(shared_supervisor, period=august(), stuck_days=40, now=NOW)["stuck_total"] == 0


def test_only_supervisors_and_admins_get_the_figures(shared_office):
    from app.accounts import service as accounts
    from app.common.errors import Forbidden
    from app.dashboard import service

    with pytest.raises(Forbidden):
        service.summary(accounts.get_by_email("loket@demo.local"), period=august(), now=NOW)
    assert service.summary(accounts.get_by_email("admin@demo.local"), period=august(), now=NOW)["open_cases"] == 2
