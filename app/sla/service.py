"""SLA rules: the office's working calendar (with admins' corrections) and due dates."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from app.common import clock
from app.common.i18n import N_, translate
from app.extensions import db

from .calendar import WorkingCalendar
from .models import Holiday

_cache_lock = threading.Lock()
_cache: dict[str, tuple[float, WorkingCalendar]] = {}
CACHE_SECONDS = 60.0


def _build() -> WorkingCalendar:
    rows = list(db.session.scalars(select(Holiday)))
    extra = {r.day: r.name for r in rows if r.kind != "working_day"}
    removed = {r.day for r in rows if r.kind == "working_day"}
    return WorkingCalendar(include_cuti_bersama=current_app.config["INCLUDE_CUTI_BERSAMA"],
                           extra_holidays=extra, removed_holidays=removed)


def calendar() -> WorkingCalendar:
    """The office calendar (national holidays + the holidays table), cached briefly per process."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    with _cache_lock:
        hit = _cache.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
    cal = _build()
    with _cache_lock:
        _cache[key] = (time.monotonic(), cal)
    return cal


def forget_calendar() -> None:
    """Drop the cached calendar (after an admin edits holidays)."""
    with _cache_lock:
        _cache.clear()


PAUSE_REASONS = {"menunggu_pemohon": N_("menunggu pemohon"), "menunggu_pembayaran": N_("menunggu pembayaran"),
                 "menunggu_rekomendasi": N_("menunggu rekomendasi")}


def pause_reason_label(reason: str | None) -> str:
    """Why a clock is paused, in the reader's language: `menunggu rekomendasi (dinkes)` for `...:dinkes`."""
    if not reason:
        return ""
    code, _sep, agency = reason.partition(":")
    label = translate(PAUSE_REASONS[code]) if code in PAUSE_REASONS else code.replace("_", " ")
    return f"{label} ({agency})" if agency else label


def due_after(start: datetime, working_days: int | None) -> datetime | None:
    """The deadline N working days after `start` (None when no SLA)."""
    if working_days is None:
        return None
    return calendar().add_working_days(start, int(working_days)).astimezone(clock.now().tzinfo)


def working_days_between(a: datetime, b: datetime) -> float:
    """Office working days between two moments."""
    return calendar().working_days_between(a, b)


def add_holiday(*, day: date, name: str, kind: str, actor_id: int | None = None) -> Holiday:
    """Add or change an office holiday; open deadlines that depend on the day are re-projected."""
    from .holidays import set_day

    row, _ = set_day(day=day, name=name, kind=kind, actor_id=actor_id)
    return row


# -- case clocks (app/sla/clocks.py, docs/SLA.md) ----------------------------------------------------


def open_clock(case, *, sop_days: int, at: datetime, actor_id: int | None = None) -> datetime | None:
    """Open a submitted case's SOP clock; returns its provisional deadline (the case's due_at)."""
    from .clocks import open_clock as _open

    return _open(case, sop_days=sop_days, at=at, actor_id=actor_id)


def one_refresh():
    """A block within which a case's clock figures and estimate are recomputed once, at its end."""
    from .ledger import one_refresh as _one_refresh

    return _one_refresh()


def case_summary(case) -> dict:
    """The case's clock: used/remaining working days, pause, target date and legal deadline."""
    from .clocks import summary

    return summary(case)


def time_by_holder(case) -> dict:
    """Working days each holder (DPMPTSP, each agency, the applicant) had the case's file."""
    from .holders import time_by_holder as _by_holder

    return _by_holder(case)


SCRIPT_MAX_WORKING_DAYS = 10_000  # about 40 years: more is a script attacking the calendar, not a deadline


def script_helpers() -> dict:
    """Working-day functions BPMN scripts may call (dates as ISO strings)."""

    def add_working_days(moment: str, n: int) -> str:
        if not 0 <= int(n) <= SCRIPT_MAX_WORKING_DAYS:  # helpers run in the web process, outside the script limits
            raise ValueError(f"n harus antara 0 dan {SCRIPT_MAX_WORKING_DAYS}")
        start = datetime.fromisoformat(moment)
        if start.tzinfo is None:
            start = start.replace(tzinfo=clock.JAKARTA)
        return calendar().add_working_days(start, int(n)).isoformat()

    def working_days_between_iso(a: str, b: str) -> float:
        start, end = datetime.fromisoformat(a), datetime.fromisoformat(b)
        if abs(end.year - start.year) > SCRIPT_MAX_WORKING_DAYS // 200:
            raise ValueError("rentang tanggal terlalu panjang")
        return calendar().working_days_between(start, end)

    def now_iso() -> str:
        return clock.iso(clock.now())

    def today_iso() -> str:
        return clock.now().astimezone(clock.JAKARTA).date().isoformat()

    return {"add_working_days": add_working_days, "working_days_between": working_days_between_iso,
            "now": now_iso, "today": today_iso}
