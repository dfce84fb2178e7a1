"""Revenue figures: billed, paid, outstanding and expired by service and month, and the dashboard agrees."""
from __future__ import annotations

from datetime import UTC, date, datetime

from app.common import clock
from app.dashboard.periods import Period
from app.extensions import db
from app.payments import revenue
from app.payments.models import Bill
from tests.support.api import ApiClient
from tests.support.pages import login

from .support import bill_at

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
RANGE = {"from": "2026-09-01", "to": "2026-11-30"}


def _pay(bill: Bill, at: datetime, amount: int | None = None) -> None:
    bill.status, bill.paid_at, bill.paid_amount, bill.reference = "paid", at, amount or bill.amount, f"R{bill.id}"


def seed_mix() -> None:
    """Bills of two services over three months, in every state (committed)."""
    sep = bill_at(datetime(2026, 9, 10, 2, 0, tzinfo=UTC), amount=100_000)            # pbg, paid in October
    _pay(sep, datetime(2026, 10, 2, 2, 0, tzinfo=UTC))
    # 1 October 03:00 WIB is still 30 September in UTC: an October bill all the same
    expired = bill_at(datetime(2026, 9, 30, 20, 0, tzinfo=UTC), amount=200_000)
    expired.status = "expired"
    bill_at(datetime(2026, 11, 15, 2, 0, tzinfo=UTC), amount=300_000)                 # pbg, open
    cancelled = bill_at(datetime(2026, 10, 20, 2, 0, tzinfo=UTC), amount=50_000)
    cancelled.status = "cancelled"
    reklame = bill_at(datetime(2026, 10, 5, 2, 0, tzinfo=UTC), service="reklame", amount=400_000)
    _pay(reklame, datetime(2026, 10, 6, 2, 0, tzinfo=UTC))
    bill_at(datetime(2026, 11, 1, 2, 0, tzinfo=UTC), service="reklame", amount=60_000, valid_days=7)  # overdue now
    bill_at(datetime(2026, 8, 28, 2, 0, tzinfo=UTC), amount=999_000)                  # before the range
    db.session.commit()


def _cell(entry: dict) -> dict:
    return {m: (entry[m]["count"], entry[m]["amount"]) for m in revenue.METRICS}


def test_figures_by_service_and_month_on_a_mix_of_bills(ctx):
    seed_mix()
    report = revenue.revenue(period=Period(date(2026, 9, 1), date(2026, 11, 30)), now=NOW)
    by_service = {s["service"]: _cell(s) for s in report["by_service"]}
    assert by_service == {
        "pbg": {"billed": (3, 600_000), "paid": (1, 100_000), "outstanding": (1, 300_000), "expired": (1, 200_000)},
        "reklame": {"billed": (2, 460_000), "paid": (1, 400_000), "outstanding": (0, 0), "expired": (1, 60_000)},
    }
    by_month = {p["period"]: _cell(p) for p in report["by_period"]}
    assert by_month == {
        "2026-09": {"billed": (1, 100_000), "paid": (0, 0), "outstanding": (0, 0), "expired": (0, 0)},
        "2026-10": {"billed": (2, 600_000), "paid": (2, 500_000), "outstanding": (0, 0), "expired": (1, 200_000)},
        "2026-11": {"billed": (2, 360_000), "paid": (0, 0), "outstanding": (1, 300_000), "expired": (1, 60_000)},
    }
    assert _cell(report["totals"]) == {"billed": (5, 1_060_000), "paid": (2, 500_000), "outstanding": (1, 300_000),
                                       "expired": (2, 260_000)}
    quarters = revenue.revenue(period=Period(date(2026, 9, 1), date(2026, 11, 30)), granularity="quarter", now=NOW)
    assert [(p["period"], p["billed"]["amount"]) for p in quarters["by_period"]] == [("2026-Q3", 100_000),
                                                                                     ("2026-Q4", 960_000)]


def test_the_api_filters_by_service_and_agrees_with_the_dashboard_summary(app, client):
    with app.app_context():
        seed_mix()
    with clock.frozen_at(NOW):
        supervisor = ApiClient(client, "supervisor@demo.local")
        for service in (None, "pbg", "reklame"):
            query = {**RANGE, **({"service": service} if service else {})}
            figures = supervisor.get("/api/v1/payments/revenue", query_string=query)
            assert figures.status_code == 200, figures.get_json()
            summary = supervisor.get("/api/v1/dashboard/summary", query_string=query).get_json()
            totals = figures.get_json()["totals"]
            assert summary["revenue"] == {"billed": totals["billed"]["amount"], "paid": totals["paid"]["amount"]}
            assert all(s["service"] == service for s in figures.get_json()["by_service"]) or service is None
        pbg = supervisor.get("/api/v1/payments/revenue", query_string={**RANGE, "service": "pbg"}).get_json()
        assert pbg["totals"]["billed"]["amount"] == 600_000
        bad = supervisor.get("/api/v1/payments/revenue", query_string={**RANGE, "service": "tidak_ada"})
        assert bad.status_code == 422 and "service" in bad.get_json()["error"]["fields"]


def test_revenue_is_for_supervisors_and_admins(app, client):
    for email, expected in (("pemohon@demo.local", 403), ("loket@demo.local", 403), ("admin@demo.local", 200)):
        assert ApiClient(app.test_client(), email).get("/api/v1/payments/revenue").status_code == expected, email
    assert client.get("/api/v1/payments/revenue").status_code == 401
    browser = app.test_client()
    login(browser, "loket@demo.local")
    assert browser.get("/petugas/pendapatan-retribusi").status_code == 403


def test_the_page_shows_the_table_and_exports_it_as_csv(app, client):
    with app.app_context():
        seed_mix()
    login(client, "supervisor@demo.local")
    with clock.frozen_at(NOW):
        assert "/petugas/pendapatan-retribusi" in client.get("/dasbor").get_data(as_text=True)
        page = client.get("/petugas/pendapatan-retribusi", query_string={"dari": RANGE["from"], "sampai": RANGE["to"]})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Rp 1.060.000" in html and "Persetujuan Bangunan Gedung" in html
        exported = client.get("/petugas/pendapatan-retribusi.csv",
                              query_string={"dari": RANGE["from"], "sampai": RANGE["to"], "layanan": "reklame"})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    lines = exported.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("periode,layanan,kode_layanan,billed_jumlah,billed_rupiah")
    assert lines[-1].split(",")[3:5] == ["2", "460000"]
    assert len(lines) == 4  # header, October, November, total
    bad = client.get("/petugas/pendapatan-retribusi", query_string={"dari": "2026-13-01"})
    assert bad.status_code == 422 and "Tanggal tidak valid" in bad.get_data(as_text=True)
