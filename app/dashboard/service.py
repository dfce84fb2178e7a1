"""Dashboard indicators for supervisors and the public: a fixed number of queries, whatever the case count."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import Case
from app.common import clock
from app.common.errors import Forbidden, ValidationFailed
from app.surveys import service as surveys

from . import holders, indicators, timings
from .periods import Period, last_twelve_months
from .timings import DECIDED, Timings, average, on_time_rate, percentile

SUPERVISOR_ROLES = ("supervisor", "admin")
DEFAULT_STUCK_DAYS = 7
NO_IKM = {"score": None, "category": None, "label": None, "responses": 0, "elements": []}
PUBLIC_CACHE_SECONDS = 300.0
_public_lock = threading.Lock()


def require_supervisor(actor) -> None:
    """Dashboards and reports are for supervisors and admins (403 for anyone else)."""
    if actor is None or not actor.has_role(*SUPERVISOR_ROLES):
        raise Forbidden(_("Dasbor dan laporan hanya untuk supervisor."))


def check_service(service: str | None) -> str | None:
    """The service key if it is a known service (422 otherwise); empty means all services."""
    if not service:
        return None
    if not indicators.services(service):
        raise ValidationFailed(fields={"service": [_("Layanan tidak dikenal.")]})
    return service


def decided_in(period: Period, service: str | None) -> ColumnElement:
    """Cases issued or rejected within the period: the ones lead time and on-time rate are measured on."""
    return and_(indicators.case_scope(service), Case.status.in_(DECIDED), Case.completed_at >= period.start_at,
                Case.completed_at < period.end_at)


@dataclass
class Basis:
    """What every view of a period starts from: services, decided cases' timings, volume rows."""

    period: Period
    service: str | None
    now: datetime
    services: list[dict]
    timings: Timings
    submitted: list
    finished: list
    open_at_start: int
    ikm_by_service: dict

    @classmethod
    def load(cls, period: Period, service: str | None, now: datetime | None = None) -> Basis:
        """Read the period's base rows (seven queries)."""
        now = now or clock.now()
        submitted, finished = indicators.volume_rows(period, service)
        return cls(period=period, service=service, now=now, services=indicators.services(service),
                   timings=timings.fetch(decided_in(period, service), now=now), submitted=submitted,
                   finished=finished, open_at_start=indicators.open_at(period.start_at, service),
                   ikm_by_service=indicators.ikm_by_service(period, service))


def service_table(basis: Basis) -> list[dict]:
    """Per service: SOP, measured cases, average and 90th-percentile lead time, on-time rate, volume."""
    per_service = indicators.volume_per_service(basis.submitted, basis.finished)
    rows = []
    for svc in basis.services:
        measured = [c for c in basis.timings.cases if c.service == svc["key"] and c.measured]
        leads = [c.lead_days for c in measured]
        volume = per_service.get(svc["key"], {"submitted": 0, "issued": 0, "rejected": 0})
        rows.append({"service": svc["key"], "name": svc["name"], "sop_days": svc["sop_days"],
                     "is_public": svc["is_public"], "measured": len(measured),
                     "avg_lead_time_working_days": average(leads), "p90_lead_time_working_days": percentile(leads, 0.9),
                     "avg_elapsed_working_days": average([c.elapsed_days for c in measured]),
                     "on_time_rate": on_time_rate(measured), "ikm": basis.ikm_by_service.get(svc["key"], NO_IKM),
                     **volume})
    return rows


def _ikm(service: str | None, period: Period) -> dict:
    result = surveys.ikm(service=service, start=period.start_at, end=period.end_at)
    return {"score": result["score"], "category": result["category"], "label": result["label"],
            "responses": result["responses"], "elements": result["elements"]}


def summary_of(basis: Basis) -> dict:
    """The summary of API.md from a loaded basis (six more queries)."""
    table = service_table(basis)
    monthly = indicators.volume(basis.period, basis.submitted, basis.finished, basis.open_at_start)
    measured = basis.timings.measured()
    return {
        "period": basis.period.as_dict(),
        "service": basis.service,
        "generated_at": clock.iso(basis.now),
        "open_cases": indicators.open_cases(basis.service),
        **indicators.task_counts(basis.service, now=basis.now),
        "on_time_rate": on_time_rate(measured),
        "measured_cases": len(measured),
        "avg_lead_time_all_working_days": average([c.lead_days for c in measured]),
        "avg_lead_time_working_days": {row["service"]: row["avg_lead_time_working_days"] for row in table},
        "sop_days": {row["service"]: row["sop_days"] for row in table},
        "breaches_by_step": indicators.breaches_by_step(basis.period, basis.service, now=basis.now),
        "volume": monthly,
        "volume_by_quarter": indicators.by_quarter(monthly),
        "ikm": _ikm(basis.service, basis.period),
        "ikm_by_service": {row["service"]: row["ikm"] for row in table if row["ikm"]["responses"]},
        "revenue": indicators.revenue(basis.period, basis.service),
        "complaints": indicators.complaints(basis.period, now=basis.now),
        "services": table,
    }


def summary(actor, *, period: Period, service: str | None = None, now: datetime | None = None) -> dict:
    """The supervisors' summary of a period (API.md `GET /api/v1/dashboard/summary`)."""
    require_supervisor(actor)
    return summary_of(Basis.load(period, check_service(service), now))


def details_of(basis: Basis, *, stuck_days: int = DEFAULT_STUCK_DAYS) -> dict:
    """What the dashboard shows beyond the summary: breaches by officer, time by holder, stuck cases."""
    stuck, stuck_total = indicators.stuck_cases(basis.service, days=stuck_days, now=basis.now)
    return {
        "breaches_by_officer": indicators.breaches_by_officer(basis.period, basis.service, now=basis.now),
        "time_by_holder": holders.by_holder(decided_in(basis.period, basis.service), basis.timings, now=basis.now),
        "stuck_days": stuck_days,
        "stuck_cases": [{**item, "last_event_at": clock.iso(item["last_event_at"])} for item in stuck],
        "stuck_total": stuck_total,
    }


def overview(actor, *, period: Period, service: str | None = None, stuck_days: int = DEFAULT_STUCK_DAYS,
             now: datetime | None = None) -> dict:
    """Summary and details together (the dashboard page), reading the period's base rows once."""
    require_supervisor(actor)
    basis = Basis.load(period, check_service(service), now)
    return {**summary_of(basis), **details_of(basis, stuck_days=stuck_days)}


def details(actor, *, period: Period, service: str | None = None, stuck_days: int = DEFAULT_STUCK_DAYS,
            now: datetime | None = None) -> dict:
    """Breaches by officer, time by holder and stuck cases of a period."""
    require_supervisor(actor)
    basis = Basis.load(period, check_service(service), now)
    return {"period": period.as_dict(), "service": basis.service, **details_of(basis, stuck_days=stuck_days)}


def heatmap(actor, *, service: str, period: Period, now: datetime | None = None) -> dict:
    """The process heatmap of a service for a period."""
    from .heatmap import heatmap as build

    require_supervisor(actor)
    return build(service=check_service(service) or "", period=period, now=now)


def cases_csv(actor, *, period: Period, service: str | None = None, now: datetime | None = None) -> str:
    """The cases export of a period (CSV text)."""
    from .reports import cases_csv as build

    require_supervisor(actor)
    return build(period, check_service(service), now=now or clock.now())


def monthly_report(actor, *, month: str, now: datetime | None = None) -> bytes:
    """The month's performance report as PDF, in the requester's language (headings, numbers, dates)."""
    from app.permits.layout import Office

    from . import pdf
    from .periods import parse_month

    require_supervisor(actor)
    period = parse_month(month, now)
    basis = Basis.load(period, None, now)
    data = {**summary_of(basis), **details_of(basis), "period_label": period.label()}
    return pdf.render(data, month=month.strip(), office=Office.from_config())


def transparency(now: datetime | None = None) -> dict:
    """Public aggregates of the last twelve months per public service: SOP vs actual, on-time rate, volume, IKM."""
    period = last_twelve_months(now)
    basis = Basis.load(period, None, now)
    services = []
    for row in service_table(basis):
        if not row["is_public"]:
            continue
        services.append({key: row[key] for key in (
            "service", "name", "sop_days", "measured", "avg_lead_time_working_days", "on_time_rate", "submitted",
            "issued", "rejected")} | {"ikm": {k: row["ikm"][k] for k in ("score", "category", "label", "responses")}})
    public = {s["service"] for s in services}
    measured = [c for c in basis.timings.measured() if c.service in public]
    # No text in a language here: the figures are cached for every reader (the page writes the period in words).
    return {"period": period.as_dict(), "generated_at": clock.iso(basis.now),
            "services": services, "on_time_rate": on_time_rate(measured), "measured_cases": len(measured),
            "submitted": sum(s["submitted"] for s in services), "issued": sum(s["issued"] for s in services),
            "volume": indicators.volume(period, [r for r in basis.submitted if r[0] in public],
                                        [r for r in basis.finished if r[0] in public], 0),  # its backlog unused
            "ikm": _ikm(None, period), "complaints": indicators.complaints(period, now=basis.now)}


def transparency_cached() -> dict:
    """The public page's figures, recomputed at most every few minutes per application."""
    store = current_app.extensions.setdefault("dashboard.public", {})
    with _public_lock:
        hit = store.get("value")
        if hit and time.monotonic() - hit[0] < PUBLIC_CACHE_SECONDS:
            return hit[1]
    value = transparency()
    with _public_lock:
        store["value"] = (time.monotonic(), value)
    return value
