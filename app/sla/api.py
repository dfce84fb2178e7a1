"""SLA API: the office calendar, the breach list, and case clocks (extensions, pause approvals)."""
from __future__ import annotations

from datetime import date

from flask import after_this_request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.accounts.service import is_staff
from app.common import clock as app_clock
from app.common.auth import require_user, roles_required
from app.common.errors import ValidationFailed
from app.common.transaction import transactional

from . import breaches, clocks, holders, holidays
from .schemas import (
    BreachArgsSchema,
    BreachListSchema,
    ClockDetailSchema,
    ExtensionSchema,
    HolidayArgsSchema,
    HolidayChangeSchema,
    HolidayCreateSchema,
    HolidayListSchema,
    PauseDecisionSchema,
)
from .service import forget_calendar

bp = Blueprint("sla_api", __name__, url_prefix="/api/v1", description="Kalender kerja dan waktu layanan")


def _forget_after_commit() -> None:
    """Drop the cached calendar again once the request's transaction is over (commit or rollback)."""

    @after_this_request
    def forget(response):
        forget_calendar()
        return response


@bp.get("/calendar/holidays")
@bp.arguments(HolidayArgsSchema, location="query")
@bp.response(200, HolidayListSchema)
@roles_required("officer", "supervisor", "analyst", "admin")
def list_holidays(args):
    """The year's holidays: the national list with the office's corrections."""
    year = args["year"] or app_clock.to_local(app_clock.now()).year
    items = holidays.list_year(year)
    return {"year": year, "items": items, "total": len(items)}


@bp.post("/calendar/holidays")
@bp.arguments(HolidayCreateSchema)
@bp.response(201, HolidayChangeSchema)
@roles_required("admin")
@transactional
def add_holiday(args):
    """Add a holiday (national, cuti_bersama, local) or, kind=working_day, cancel a listed one by decree."""
    user = require_user()
    _forget_after_commit()
    row, moved = holidays.set_day(day=args["date"], name=args["name"], kind=args["kind"], actor_id=user.id)
    return {"date": row.day.isoformat(), "name": row.name, "kind": row.kind, "source": "kantor",
            "working_day": row.kind == "working_day", "reprojected": moved, "removed": False}


@bp.delete("/calendar/holidays/<day>")
@bp.response(200, HolidayChangeSchema)
@roles_required("admin")
@transactional
def remove_holiday(day: str):
    """Remove the office's row for a date (the national list applies again)."""
    user = require_user()
    try:
        parsed = date.fromisoformat(day)
    except ValueError as exc:
        raise ValidationFailed(fields={"date": [_("Gunakan format YYYY-MM-DD.")]}) from exc
    _forget_after_commit()
    moved = holidays.remove_day(day=parsed, actor_id=user.id)
    return {"date": parsed.isoformat(), "removed": True, "reprojected": moved}


@bp.get("/sla/breaches")
@bp.arguments(BreachArgsSchema, location="query")
@bp.response(200, BreachListSchema)
def list_breaches(args):
    """Overdue and at-risk open tasks with holder, step, lateness in working days and escalation level."""
    user = require_user()
    items, total = breaches.list_breaches(user, status=args["status"], service=args["service"], group=args["group"],
                                          page=args["page"], per_page=args["per_page"])
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def clock_detail(case, user) -> dict:
    """A case's clock with its ledger, extensions and time by holder."""
    staff = is_staff(user)
    ledger_rows = clocks.ledger_view(case)
    if not staff:
        for row in ledger_rows:
            row.pop("actor_id", None)
    by_holder = holders.time_by_holder(case)
    return {"case_id": case.id, "registration_number": case.registration_number, "summary": clocks.summary(case),
            "ledger": ledger_rows, "extensions": clocks.extensions_view(case) if staff else [],
            "holders": by_holder["holders"], "steps": by_holder["steps"] if staff else [],
            "estimated_completion": app_clock.iso(case.estimated_completion)}


@bp.get("/sla/cases/<int:case_id>")
@bp.response(200, ClockDetailSchema)
def get_clock(case_id: int):
    """A case's clock: summary, ledger of running/paused segments, extensions, time by holder."""
    from app.cases import service as cases

    user = require_user()
    return clock_detail(cases.get_visible(user, case_id), user)


@bp.post("/sla/cases/<int:case_id>/extensions")
@bp.arguments(ExtensionSchema)
@bp.response(200, ClockDetailSchema)
@transactional
def extend_deadline(args, case_id: int):
    """A supervisor extends the case's deadline by working days, with a reason (audited)."""
    from app.cases import service as cases

    user = require_user()
    case = cases.get_visible(user, case_id)
    clocks.extend(case, actor=user, days=args["days"], reason=args["reason"])
    return clock_detail(case, user)


@bp.post("/sla/cases/<int:case_id>/pause-approval")
@bp.arguments(PauseDecisionSchema)
@bp.response(200, ClockDetailSchema)
@transactional
def decide_pause(args, case_id: int):
    """A supervisor approves or refuses a pause beyond the allowed number."""
    from app.cases import service as cases

    user = require_user()
    case = cases.get_visible(user, case_id)
    clocks.decide_pause(case, actor=user, approve=args["approve"], note=args["note"])
    return clock_detail(case, user)
