"""Retribusi revenue: billed, paid, outstanding and expired bills by service and by period.

Definitions (the dashboard summary's `revenue` uses the same two first ones):
- billed: bills issued in the range, not cancelled (amount and count), by month of issue;
- paid: payments received in the range (`paid_at`, the paid amount), by month of payment;
- outstanding: bills issued in the range still open and not past their deadline now;
- expired: bills issued in the range that expired unpaid, or are past their deadline
  while the scheduler has not closed them yet.
Two grouped queries, whatever the number of bills.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from app.cases.models import Case
from app.catalog.models import Service
from app.common import clock
from app.common.errors import ValidationFailed
from app.common.i18n import N_
from app.dashboard.indicators import case_scope
from app.dashboard.periods import Period, month_key_sql, quarter_of
from app.extensions import db

from .models import Bill

METRICS = ("billed", "paid", "outstanding", "expired")
GRANULARITIES = ("month", "quarter", "year")
METRIC_LABELS = {"billed": N_("Ditagih"), "paid": N_("Dibayar"), "outstanding": N_("Belum dibayar"),
                 "expired": N_("Kedaluwarsa")}


def metric_labels() -> dict[str, str]:
    """The metrics' names in the page's language."""
    return {metric: _(label) for metric, label in METRIC_LABELS.items()}


def _empty() -> dict:
    return {m: {"count": 0, "amount": 0} for m in METRICS}


def _add(target: dict, metric: str, count: int, amount: int) -> None:
    target[metric]["count"] += int(count or 0)
    target[metric]["amount"] += int(amount or 0)


def period_key(month: str, granularity: str) -> str:
    """The key of a YYYY-MM month at a granularity: 2026-11, 2026-Q4 or 2026."""
    if granularity == "quarter":
        return quarter_of(month)
    if granularity == "year":
        return month[:4]
    return month


def revenue(*, period: Period, service: str | None = None, granularity: str = "month",
            now: datetime | None = None) -> dict:
    """Billed, paid, outstanding and expired (count, rupiah) in total, by service, by period and by both."""
    if granularity not in GRANULARITIES:
        raise ValidationFailed(fields={"period": [_("Gunakan salah satu: %(choices)s.",
                                                    choices=", ".join(GRANULARITIES))]})
    now = now or clock.now()
    scope = case_scope(service)
    issued_in = and_(Bill.issued_at >= period.start_at, Bill.issued_at < period.end_at)
    billed = Bill.status != "cancelled"
    open_now = and_(Bill.status == "issued", Bill.expires_at >= now)
    expired = or_(Bill.status == "expired", and_(Bill.status == "issued", Bill.expires_at < now))
    month = month_key_sql(Bill.issued_at)

    def counted(condition):
        return (func.sum(case((condition, 1), else_=0)), func.sum(case((condition, Bill.amount), else_=0)))

    cells: dict[tuple[str, str], dict] = {}
    issued_rows = db.session.execute(
        select(Case.service_key, month, *counted(billed), *counted(open_now), *counted(expired))
        .join(Case, Case.id == Bill.case_id).where(scope, issued_in).group_by(Case.service_key, month))
    for key, month_key, *values in issued_rows:
        cell = cells.setdefault((key, period_key(month_key, granularity)), _empty())
        for index, metric in enumerate(("billed", "outstanding", "expired")):
            _add(cell, metric, values[2 * index], values[2 * index + 1])
    paid_month = month_key_sql(Bill.paid_at)
    paid_rows = db.session.execute(
        select(Case.service_key, paid_month, func.count(Bill.id),
               func.sum(func.coalesce(Bill.paid_amount, Bill.amount)))
        .join(Case, Case.id == Bill.case_id)
        .where(scope, Bill.paid_at.is_not(None), Bill.paid_at >= period.start_at, Bill.paid_at < period.end_at)
        .group_by(Case.service_key, paid_month))
    for key, month_key, count, amount in paid_rows:
        _add(cells.setdefault((key, period_key(month_key, granularity)), _empty()), "paid", count, amount)
    return _shape(cells, period=period, service=service, granularity=granularity, now=now)


def _shape(cells: dict, *, period: Period, service: str | None, granularity: str, now: datetime) -> dict:
    names = dict(db.session.execute(select(Service.key, Service.name)).all())
    periods = list(dict.fromkeys(period_key(m, granularity) for m in period.months()))
    totals, by_service, by_period = _empty(), {}, {p: _empty() for p in periods}
    for (key, when), cell in cells.items():
        for metric in METRICS:
            for target in (totals, by_service.setdefault(key, _empty()), by_period.setdefault(when, _empty())):
                _add(target, metric, cell[metric]["count"], cell[metric]["amount"])
    return {
        **period.as_dict(), "service": service, "period": granularity, "generated_at": clock.iso(now),
        "totals": totals,
        "by_service": [{"service": key, "name": names.get(key, key), **by_service[key]}
                       for key in sorted(by_service, key=lambda k: names.get(k, k))],
        "by_period": [{"period": when, **by_period[when]} for when in sorted(by_period)],
        "rows": [{"period": when, "service": key, "name": names.get(key, key), **cell}
                 for (key, when), cell in sorted(cells.items(), key=lambda kv: (kv[0][1], names.get(kv[0][0], "")))],
    }


CSV_COLUMNS = ("periode", "layanan", "kode_layanan") + tuple(
    f"{m}_{part}" for m in METRICS for part in ("jumlah", "rupiah"))


def to_csv(report: dict) -> str:
    """The report's rows (period × service) and totals as CSV (UTF-8, comma separated)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def line(when: str, name: str, key: str, cell: dict) -> list:
        return [when, name, key] + [cell[m][part] for m in METRICS for part in ("count", "amount")]

    for row in report["rows"]:
        writer.writerow(line(row["period"], row["name"], row["service"], row))
    # A data file: its column codes and its total row stay in the office's language, whatever the page's.
    writer.writerow(line(f"{report['from']} s.d. {report['to']}", "Jumlah", "", report["totals"]))
    return out.getvalue()
