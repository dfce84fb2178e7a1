"""Calendar administration: the year's holidays, office corrections, and re-projecting deadlines.

A change of one day moves every open deadline whose working-day count crosses that day: the
due date of each open task whose SLA window contains it, and the target and legal deadline of
each running case clock. Each moved deadline is recorded on its case as `deadline_reprojected`.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays as holiday_lists
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.cases import events
from app.common import clock as app_clock
from app.common.errors import NotFound, ValidationFailed
from app.common.i18n import N_
from app.extensions import db

from . import escalation, ledger
from .models import HOLIDAY_KINDS, CaseClock, Holiday
from .service import calendar, forget_calendar

KIND_LABELS = {"national": N_("Libur nasional"), "cuti_bersama": N_("Cuti bersama"),
               "local": N_("Libur daerah/kantor"), "working_day": N_("Hari kerja (dibatalkan sebagai libur)")}
# Stored with the event in Indonesian and shown in the reader's language (app.cases.events.note_for).
STEP_DEADLINE_MOVED_NOTE = N_("Batas waktu langkah berubah karena kalender %(day)s: %(old)s → %(new)s.")
CASE_DEADLINE_MOVED_NOTE = N_("Batas waktu permohonan berubah karena kalender %(day)s: %(old)s → %(new)s.")
# The national list's names in the languages the `holidays` package writes them in.
LIST_LANGUAGES = {"id": "id", "en": "en_US"}


def names_language() -> str:
    """The language of the national list's holiday names: the reader's (Indonesian outside a request)."""
    chosen = get_locale()
    return LIST_LANGUAGES.get(str(chosen) if chosen else "id", "id")


def _listed(year: int, language: str = "id") -> dict[date, tuple[str, str]]:
    """Holidays the national list gives for a year: date -> (name, kind), names in `language`."""
    found: dict[date, tuple[str, str]] = {}
    categories = [("public", "national")]
    if current_app.config.get("INCLUDE_CUTI_BERSAMA", True):
        categories.append(("government", "cuti_bersama"))
    for category, kind in categories:
        for day, name in holiday_lists.country_holidays("ID", years=year, categories=(category,),
                                                         language=language).items():
            if day.year == year:
                found.setdefault(day, (str(name), kind))
    return found


def list_year(year: int) -> list[dict]:
    """Every holiday of a year as the office calendar sees it, with where it comes from.

    The national list's names are in the reader's language; the office's own rows as the admin wrote them.
    """
    if not 1900 <= year <= 2200:
        raise ValidationFailed(fields={"year": [_("Tahun tidak valid.")]})
    listed = _listed(year, names_language())
    rows = {r.day: r for r in db.session.scalars(select(Holiday).where(
        Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31)))}
    items = []
    for day in sorted(set(listed) | set(rows)):
        row = rows.get(day)
        name, kind = listed.get(day, ("", "local"))
        if row is not None:
            name, kind = row.name, row.kind
        items.append({"date": day.isoformat(), "name": name, "kind": kind,
                      "source": "kantor" if row is not None else "nasional",
                      "working_day": kind == "working_day", "listed": day in listed,
                      "weekday": day.weekday()})
    return items


def set_day(*, day: date, name: str, kind: str, actor_id: int | None) -> tuple[Holiday, int]:
    """Add or change an office calendar row; returns it and how many deadlines moved."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in HOLIDAY_KINDS:
        errors["kind"] = [_("Pilih salah satu: %(kinds)s.", kinds=", ".join(HOLIDAY_KINDS))]
    if not name:
        errors["name"] = [_("Nama hari libur wajib diisi.")]
    if kind == "working_day" and day not in _listed(day.year):
        errors["date"] = [_("Tanggal ini bukan hari libur dalam daftar nasional.")]
    if errors:
        raise ValidationFailed(fields=errors)
    row = db.session.get(Holiday, day)
    if row is None:
        row = Holiday(day=day, name=name[:200], kind=kind, created_at=app_clock.now())
        db.session.add(row)
    else:
        row.name, row.kind = name[:200], kind
    db.session.flush()
    forget_calendar()
    return row, reproject(day, actor_id=actor_id)


def remove_day(*, day: date, actor_id: int | None) -> int:
    """Delete an office calendar row (the national list applies again); returns deadlines moved."""
    row = db.session.get(Holiday, day)
    if row is None:
        raise NotFound(_("Tanggal ini tidak ada dalam kalender kantor."))
    db.session.delete(row)
    db.session.flush()
    forget_calendar()
    return reproject(day, actor_id=actor_id)


def reproject(day: date, *, actor_id: int | None) -> int:
    """Recompute the open deadlines that depend on `day`; record each that moved on its case."""
    from app.cases.models import Case
    from app.inbox.models import OPEN_STATES, Task

    cal = calendar()
    begin = datetime.combine(day, time(0), tzinfo=cal.tz)
    end = begin + timedelta(days=1)
    moved = 0
    tasks = db.session.scalars(select(Task).where(
        Task.state.in_(OPEN_STATES), Task.sla_working_days.is_not(None), Task.due_at >= begin,
        Task.created_at < end))
    for task in tasks:
        new_due = cal.add_working_days(task.created_at, int(task.sla_working_days))
        if task.due_at is not None and new_due == task.due_at:
            continue
        old = task.due_at
        task.due_at = new_due
        task.next_check_at = escalation.next_check(task)
        events.record(task.case, "deadline_reprojected", actor_id=actor_id, step=task.name, bpmn_id=task.bpmn_id,
                      note=STEP_DEADLINE_MOVED_NOTE,
                      note_values={"day": day.isoformat(), "old": _show(old), "new": _show(new_due)},
                      data={"task_id": task.id, "from": app_clock.iso(old), "to": app_clock.iso(new_due),
                            "day": day.isoformat()})
        moved += 1
    clocks = db.session.scalars(select(CaseClock).where(
        CaseClock.state != "stopped", or_(CaseClock.legal_deadline_at.is_(None), CaseClock.legal_deadline_at >= begin)))
    for row in clocks:
        case = db.session.get(Case, row.case_id)
        before = (row.target_at, row.legal_deadline_at)
        result = ledger.refresh(case, row)
        # A paused or not yet started clock's dates float with time anyway: refreshed, not reported.
        if row.state != "running" or (result.target_at, result.legal_deadline_at) == before:
            continue
        events.record(case, "deadline_reprojected", actor_id=actor_id, note=CASE_DEADLINE_MOVED_NOTE,
                      note_values={"day": day.isoformat(), "old": _show(before[1]),
                                   "new": _show(result.legal_deadline_at)},
                      data={"from": app_clock.iso(before[1]), "to": app_clock.iso(result.legal_deadline_at),
                            "target_from": app_clock.iso(before[0]), "target_to": app_clock.iso(result.target_at),
                            "day": day.isoformat()})
        moved += 1
    return moved


def _show(moment: datetime | None) -> str:
    """A deadline as a note value: ISO 8601 in office time (shown in words in the reader's language), or "-"."""
    return app_clock.iso(moment) if moment is not None else "-"
