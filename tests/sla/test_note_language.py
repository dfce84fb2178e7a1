"""SLA texts in the reader's language: event notes kept with their source, calendar words from Babel.

Indonesian is the default and the source of every message; the English assertions on translated sentences
need the compiled English catalog (`make messages` + `pybabel compile`).
"""
from __future__ import annotations

import pytest

from app.cases.events import NOTE_SOURCE, note_for
from app.cases.models import CaseEvent
from app.sla import holidays, jobs
from app.sla.escalation import Rung


def _event(kind: str, note: str, values: dict) -> CaseEvent:
    """An event as `events.record` stores a system note: the Indonesian text, and its source with the values."""
    return CaseEvent(kind=kind, note=note % values if values else note,
                     data={NOTE_SOURCE: {"text": note, "values": values}})


@pytest.mark.parametrize(("rung", "released", "by", "stored"), [
    (Rung(75, "reminder"), False, None, "Pengingat 75% waktu layanan langkah ini."),
    (Rung(100, "breach"), False, None, "Terlambat 1.50 hari kerja (100% waktu layanan)."),
    (Rung(150, "escalate"), True, None, "Terlambat 1.50 hari kerja (150% waktu layanan). Tugas dikembalikan ke kelompok."),
    (Rung(130, "escalate"), False, "Siti Supervisor",
     "Dieskalasi oleh Siti Supervisor. Terlambat 1.50 hari kerja (130% waktu layanan)."),
])
def test_an_escalation_note_is_kept_as_its_marked_source_and_values(app, rung, released, by, stored):
    note, values = jobs._note(rung, 1.5, released, escalated_by=by)
    assert note % values == stored  # what the event row says, as before
    with app.test_request_context():
        assert note_for(_event("task_breach", note, values)) == stored


def test_a_moved_deadline_is_shown_with_dates_in_words(app):
    values = {"day": "2026-07-07", "old": "2026-07-07T16:00:00+07:00", "new": "2026-07-08T16:00:00+07:00"}
    event = _event("deadline_reprojected", holidays.STEP_DEADLINE_MOVED_NOTE, values)
    assert "2026-07-07" in event.note
    with app.test_request_context():
        assert note_for(event) == ("Batas waktu langkah berubah karena kalender 7 Juli 2026: "
                                   "7 Juli 2026 16.00 → 8 Juli 2026 16.00.")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert "7 July 2026 16.00 → 8 July 2026 16.00" in note_for(event)


def test_a_moved_deadline_note_follows_the_language(app):
    """Needs the compiled English catalog."""
    values = {"day": "2026-07-07", "old": "2026-07-07T16:00:00+07:00", "new": "2026-07-08T16:00:00+07:00"}
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert note_for(_event("deadline_reprojected", holidays.STEP_DEADLINE_MOVED_NOTE, values)) == (
            "The step's deadline changed because of the calendar on 7 July 2026: 7 July 2026 16.00 → 8 July 2026 16.00.")


@pytest.mark.parametrize(("language", "monday", "independence_day"), [
    ("id", "Senin", "Hari Kemerdekaan Republik Indonesia"), ("en", "Monday", "Independence Day")])
def test_the_calendar_page_writes_weekdays_and_national_holidays_in_the_language(ctx, language, monday,
                                                                                 independence_day):
    from app.sla.views import weekdays

    with ctx.test_request_context(headers={"Cookie": f"lang={language}"}):
        assert weekdays()[0] == monday and len(weekdays()) == 7
        by_date = {item["date"]: item for item in holidays.list_year(2026)}
    assert by_date["2026-08-17"]["name"] == independence_day and by_date["2026-08-17"]["kind"] == "national"
