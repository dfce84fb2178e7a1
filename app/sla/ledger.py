"""The case clock: an append-only ledger of running/paused segments and what it implies.

A case's SOP clock starts on the working day after its file is declared complete, pauses
while the case waits on the applicant (and, where the service says so, on another agency),
resumes when the office holds the file again and stops when the case ends; it never resets.
Every transition is a `ClockEntry`; used and remaining working days, the target date, the
legal deadline and the estimated completion are derived from those rows (docs/SLA.md).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select

from app.common import clock as app_clock
from app.common.models import peek_transaction_cache, transaction_cache, with_unwritten
from app.engine import properties as P
from app.extensions import db
from app.inbox.models import case_task_rows

from .models import CaseClock, ClockEntry

REASON_APPLICANT = "menunggu_pemohon"
REASON_PAYMENT = "menunggu_pembayaran"
REASON_AGENCY = "menunggu_rekomendasi"
APPLICANT_PAUSES = {"waiting_applicant": REASON_APPLICANT, "waiting_payment": REASON_PAYMENT}
FINAL_STATUSES = P.FINAL_STATUSES
# The step that declares the file complete answers this field with this value (verifikasi_berkas form).
FILE_COMPLETE_FIELD = "verification_outcome"
FILE_COMPLETE_VALUE = "complete"


@dataclass
class Figures:
    """What the ledger says at one moment."""

    used_days: float
    budget_days: int
    target_at: datetime | None
    legal_deadline_at: datetime | None

    @property
    def remaining_days(self) -> float:
        return max(self.budget_days - self.used_days, 0.0)


def _calendar():
    from .service import calendar

    return calendar()


def get(case) -> CaseClock | None:
    """The clock row of a case, if it has one (loaded with the case; else read without flushing pending work)."""
    with db.session.no_autoflush:
        return case.clock


# Ledger lines read in the current transaction, per case (app.common.models.transaction_cache). Lines are only
# ever added, and only by `ensure` and `append` below, which add them here too: one change that pauses, resumes
# and re-estimates a case reads its ledger once.
_ENTRIES = "sla.entries"


def entries(case_id: int) -> list[ClockEntry]:
    """The ledger of a case, oldest first."""
    known = transaction_cache(_ENTRIES)
    if case_id not in known:
        # Read without flushing the caller's pending work (lines not yet written come after the stored ones).
        with db.session.no_autoflush:
            stored = list(db.session.scalars(_entries_query(), {"case_id": case_id}))
        known[case_id] = with_unwritten(ClockEntry, case_id, stored)
    return list(known[case_id])


@cache
def _entries_query():
    """The statement of `entries`, built once (parameter: case_id)."""
    return select(ClockEntry).where(ClockEntry.case_id == bindparam("case_id")).order_by(ClockEntry.id)


def _entry_added(entry: ClockEntry) -> None:
    known = peek_transaction_cache(_ENTRIES)
    if known is not None and entry.case_id in known:  # a ledger not read yet is read whole when asked for
        known[entry.case_id].append(entry)


def ensure(case, *, at: datetime | None = None, actor_id: int | None = None) -> CaseClock:
    """The case's clock, created (pending, with the file received) when missing."""
    row = get(case)
    if row is None:
        moment = at or case.submitted_at or app_clock.now()
        row = CaseClock(case_id=case.id, sop_days=int(case.service.sop_days), extension_days=0, state="pending",
                        pause_count=0, used_working_days=0.0)
        case.clock = row  # added to the session with it
        first = ClockEntry(case_id=case.id, at=moment, state="running", reason="diajukan",
                           actor_id=actor_id or case.applicant_id)
        db.session.add(first)
        db.session.flush()
        transaction_cache(_ENTRIES)[case.id] = [first]
    return row


def start_moment(completed_at: datetime) -> datetime:
    """The clock starts at the beginning of the working day after the file is received complete.

    The receipt day is the working day of `next_working_moment` (a file completed after hours or
    on a holiday counts as received on the next working day), as in `add_working_days`, so a
    running clock of N days ends exactly at `add_working_days(completed_at, N)`.
    """
    cal = _calendar()
    receipt = cal.next_working_moment(completed_at).date()
    return cal.next_working_moment(datetime.combine(receipt, cal.office_end, tzinfo=cal.tz))


def _intervals(rows: list[ClockEntry], started_at: datetime | None) -> list[tuple[datetime, datetime | None]]:
    """Running intervals of the ledger from the clock's start; the last may be open (None)."""
    if started_at is None:
        return []
    spans = []
    for index, row in enumerate(rows):
        if row.state != "running":
            continue
        end = rows[index + 1].at if index + 1 < len(rows) else None
        begin = max(row.at, started_at)
        if end is not None and end <= begin:
            continue
        spans.append((begin, end))
    return spans


def figures(row: CaseClock, rows: list[ClockEntry], now: datetime) -> Figures:
    """Used working days as of `now`, and the moments the SOP and the legal budget run out."""
    cal = _calendar()
    day = cal.office_day_seconds
    spans = _intervals(rows, row.started_at)
    used = sum(max(cal.working_seconds_between(a, min(b or now, now)), 0.0) for a, b in spans if a < now)

    def moment_of(budget_days: float) -> datetime | None:
        budget = budget_days * day
        spent = 0.0
        for begin, end in spans:
            if end is None:
                return cal.project(begin, max(budget - spent, 0.0) / day)
            seconds = max(cal.working_seconds_between(begin, end), 0.0)
            if spent + seconds >= budget:
                return cal.project(begin, (budget - spent) / day)
            spent += seconds
        if row.state == "stopped":
            base = row.stopped_at or now
        elif row.started_at is None:
            base = start_moment(now)
        else:
            base = max(now, row.started_at)
        return cal.project(base, max(budget - spent, 0.0) / day)

    budget = row.sop_days + row.extension_days
    return Figures(used_days=used / day, budget_days=budget, target_at=moment_of(row.sop_days),
                   legal_deadline_at=moment_of(budget))


_PENDING = "sla.refresh_pending"


@contextmanager
def one_refresh() -> Iterator[None]:
    """Within the block, `refresh_soon` of a case defers its refresh to the block's end, once per case.

    One completion opens a task, changes the case's status and may start its clock: each of those asks for
    the figures again, and each answer would be overwritten by the next. Nested blocks join the outer one;
    an exception discards what was pending (the caller's transaction rolls back anyway).
    """
    if _PENDING in db.session.info:
        yield
        return
    pending: dict[int, object] = {}
    db.session.info[_PENDING] = pending
    try:
        yield
    finally:
        db.session.info.pop(_PENDING, None)
    for case in pending.values():
        refresh(case)


def refresh_soon(case) -> None:
    """Refresh the case's figures now, or at the end of the enclosing `one_refresh` block."""
    pending = db.session.info.get(_PENDING)
    if pending is None:
        refresh(case)
    else:
        pending[case.id] = case


def refresh(case, row: CaseClock | None = None, *, now: datetime | None = None) -> Figures:
    """Recompute the clock's figures and the case's due date and estimated completion."""
    row = row or ensure(case)
    now = now or app_clock.now()
    result = figures(row, entries(case.id), now)
    row.used_working_days = round(result.used_days, 4)
    row.target_at = result.target_at
    row.legal_deadline_at = result.legal_deadline_at
    row.lapse_check_at = (result.legal_deadline_at if row.state == "running" and row.lapsed_at is None
                          and row.started_at is not None else None)
    if case.status not in FINAL_STATUSES and case.status != "draft":
        case.due_at = result.legal_deadline_at
        case.estimated_completion = estimated_completion(case, result.target_at, now)
    return result


def estimated_completion(case, target_at: datetime | None, now: datetime) -> datetime | None:
    """Now plus the SLAs of the remaining steps, never before the clock's projection."""
    from app.catalog import service as catalog

    from . import estimate

    cal = _calendar()
    model = catalog.model_for_version(case.process_version)
    open_tasks = case_task_rows(case.id)  # as this session sees them, without flushing
    needed = None
    for task in open_tasks:
        own = 0.0
        if task.due_at is not None:
            own = max(cal.working_days_between(now, task.due_at), 0.0)
        days = own + estimate.remaining_after(model, task.process_id, task.bpmn_id)
        needed = days if needed is None else max(needed, days)
    if needed is None:
        return target_at
    by_steps = cal.project(now, needed)
    return max(by_steps, target_at) if target_at is not None else by_steps


def append(case, row: CaseClock, state: str, *, reason: str | None = None, actor_id: int | None = None,
           note: str | None = None, at: datetime | None = None) -> ClockEntry:
    """Add a ledger line; the clock row follows it."""
    entry = ClockEntry(case_id=case.id, at=at or app_clock.now(), state=state, reason=reason, actor_id=actor_id,
                       note=note)
    db.session.add(entry)
    _entry_added(entry)
    if state == "stopped":
        row.state = "stopped"
        row.stopped_at = entry.at
        row.paused_reason = None
    elif state == "paused":
        row.paused_reason = reason
        row.state = "paused" if row.started_at is not None else "pending"
    else:
        row.paused_reason = None
        row.state = "running" if row.started_at is not None else "pending"
    return entry


def last_entry(case_id: int) -> ClockEntry | None:
    """The newest ledger line of a case."""
    lines = entries(case_id)
    return lines[-1] if lines else None


def agency_pauses(case) -> bool:
    """Whether the service counts time waiting on another agency out of its SOP (agencyTimePauses)."""
    from app.catalog import service as catalog

    model = catalog.model_for_version(case.process_version)
    return P.truthy(model.main.properties.get(P.AGENCY_TIME_PAUSES))


def agency_of(case) -> str:
    """The agency the case waits on: from its open step's group (teknis_dinkes -> dinkes)."""

    keys = sorted({t.group_key for t in case_task_rows(case.id) if t.case_status == "waiting_agency"})
    if not keys:
        return "instansi"
    return "+".join(k.removeprefix("teknis_") for k in keys)


def pause_reason_for(case, status: str) -> str | None:
    """The ledger reason a status pauses the clock for, or None when the office holds the file."""
    if status in APPLICANT_PAUSES:
        return APPLICANT_PAUSES[status]
    if status == "waiting_agency" and agency_pauses(case):
        return f"{REASON_AGENCY}:{agency_of(case)}"
    return None


def max_pauses() -> int:
    """Pauses a started clock may take before a supervisor must approve the next one."""
    return int(current_app.config.get("SLA_MAX_PAUSES", 2))

