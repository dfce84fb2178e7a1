"""Working-day timings of cases, read in bulk: lead time on the SOP clock, elapsed time, on time or late.

Lead time is what the SOP promises: the working days the case's clock ran (from the working day
after the file was complete, without the pauses while the case waited on the applicant or, where
the service says so, on another agency). It is derived from the clock ledger with the SLA module's
own `ledger.figures`, so the dashboard and the case page agree. Two queries serve any number of
cases: the cases with their clock rows, and the ledger lines of those cases.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from app.cases.models import Case
from app.catalog.models import Service
from app.extensions import db
from app.sla import ledger
from app.sla.models import CaseClock, ClockEntry
from app.sla.service import calendar

DECIDED = ("issued", "rejected")  # the office decided: these count for lead time and the on-time rate
EPSILON = 1e-6


@dataclass
class CaseTiming:
    """One case's times in working days."""

    case_id: int
    registration_number: str | None
    service: str
    status: str
    submitted_at: datetime | None
    completed_at: datetime | None
    due_at: datetime | None
    sop_days: int
    extension_days: int
    clock_state: str | None
    # Working days, rounded to 2 decimals (about 5 office minutes) so that reports and exports add up alike.
    lead_days: float | None  # on the SOP clock; None when the clock never started
    elapsed_days: float | None  # from submission to completion (or now)

    @property
    def measured(self) -> bool:
        """Decided (issued or rejected) with a clock that ran: counts for lead time and on-time rate."""
        return self.status in DECIDED and self.completed_at is not None and self.lead_days is not None

    @property
    def on_time(self) -> bool | None:
        """Within SOP plus granted extensions (None when not measured)."""
        if self.lead_days is None or self.completed_at is None:
            return None
        return self.lead_days <= self.sop_days + self.extension_days + EPSILON


@dataclass
class Timings:
    """Cases with their timings and the ledger lines they were computed from."""

    cases: list[CaseTiming] = field(default_factory=list)
    entries: dict[int, list] = field(default_factory=dict)

    def measured(self) -> list[CaseTiming]:
        """The cases that count for lead time and on-time rate."""
        return [c for c in self.cases if c.measured]


def fetch(condition: ColumnElement, *, now: datetime) -> Timings:
    """Timings of the cases matching a condition on `cases` (two queries)."""
    rows = db.session.execute(
        select(Case.id, Case.registration_number, Case.service_key, Case.status, Case.submitted_at,
               Case.completed_at, Case.due_at, Service.sop_days.label("service_sop"), CaseClock.started_at,
               CaseClock.sop_days, CaseClock.extension_days, CaseClock.state, CaseClock.stopped_at)
        .join(Service, Service.key == Case.service_key)
        .outerjoin(CaseClock, CaseClock.case_id == Case.id)
        .where(condition).order_by(Case.submitted_at, Case.id)).all()
    entries: dict[int, list] = defaultdict(list)
    for line in db.session.execute(
            select(ClockEntry.case_id, ClockEntry.id, ClockEntry.at, ClockEntry.state, ClockEntry.reason)
            .join(Case, Case.id == ClockEntry.case_id).where(condition)
            .order_by(ClockEntry.case_id, ClockEntry.id)):
        entries[line.case_id].append(line)
    cal = calendar()
    result = Timings(entries=dict(entries))
    for row in rows:
        end = row.completed_at or now
        elapsed = cal.working_days_between(row.submitted_at, end) if row.submitted_at else None
        lead = None
        sop, extension = int(row.service_sop), 0
        if row.state is not None:
            sop, extension = int(row.sop_days), int(row.extension_days or 0)
            if row.started_at is not None:
                clock_row = SimpleNamespace(started_at=row.started_at, sop_days=sop, extension_days=extension,
                                            state=row.state, stopped_at=row.stopped_at)
                lead = ledger.figures(clock_row, entries.get(row.id, []), now).used_days
        elif row.submitted_at is not None:
            lead = elapsed  # a case without a clock (older data): gross working days
        result.cases.append(CaseTiming(
            case_id=row.id, registration_number=row.registration_number, service=row.service_key,
            status=row.status, submitted_at=row.submitted_at, completed_at=row.completed_at, due_at=row.due_at,
            sop_days=sop, extension_days=extension, clock_state=row.state,
            lead_days=round(max(lead, 0.0), 2) if lead is not None else None,
            elapsed_days=round(max(elapsed, 0.0), 2) if elapsed is not None else None))
    return result


def average(values: list[float]) -> float | None:
    """Mean rounded to 2 decimals (None for no values)."""
    return round(sum(values) / len(values), 2) if values else None


def on_time_rate(cases: list[CaseTiming]) -> float | None:
    """Share of measured cases finished within SOP plus extensions (0..1, 4 decimals)."""
    measured = [c for c in cases if c.measured]
    if not measured:
        return None
    return round(sum(1 for c in measured if c.on_time) / len(measured), 4)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share 0..1) of values, rounded to 2 decimals."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(int(-(-share * len(ordered) // 1)), 1)  # ceil(share * n), at least 1
    return round(ordered[min(rank, len(ordered)) - 1], 2)
