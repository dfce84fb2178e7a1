"""SLA pages: the office calendar (admins) and the breach list (supervisors)."""
from __future__ import annotations

from datetime import date

from babel.dates import get_day_names
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.common import clock as app_clock
from app.common.errors import AppError, shown_message, translated_fields
from app.common.i18n import DEFAULT_LOCALE, N_, translate
from app.common.pages import page_for
from app.extensions import db
from app.inbox.pages import back, perform

from . import breaches, holidays
from .jobs import escalate_task
from .models import HOLIDAY_KINDS
from .service import forget_calendar

bp = Blueprint("sla_pages", __name__)
BREACH_TABS = {"all": N_("Semua"), "overdue": N_("Terlambat"), "at_risk": N_("Berisiko terlambat")}


def weekdays() -> list[str]:
    """Monday..Sunday (`date.weekday()` order) in the reader's language, from Babel: Senin .. Minggu."""
    names = get_day_names("wide", locale=str(get_locale() or DEFAULT_LOCALE))
    return [names[index] for index in range(7)]


def _flash_error(exc: AppError) -> None:
    details = [m for messages in translated_fields(exc.fields).values() for m in messages]
    flash(" ".join([shown_message(exc), *details]), "error")


@bp.get("/admin/kalender")
@page_for("admin")
def calendar_page():
    """The year's holidays with the office's corrections, and forms to change them."""
    year = request.args.get("tahun", type=int) or app_clock.to_local(app_clock.now()).year
    year = min(max(year, 1900), 2200)
    return render_template("sla/calendar.html", year=year, items=holidays.list_year(year), kinds=HOLIDAY_KINDS,
                           labels={kind: translate(label) for kind, label in holidays.KIND_LABELS.items()},
                           weekdays=weekdays())


@bp.post("/admin/kalender")
@page_for("admin")
def calendar_add():
    """Add a holiday or cancel a listed one (form)."""
    raw_day = request.form.get("date", "")
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        flash(_("Tanggal tidak valid (gunakan format YYYY-MM-DD)."), "error")
        return redirect(url_for("sla_pages.calendar_page"))
    try:
        _row, moved = holidays.set_day(day=day, name=request.form.get("name", ""), kind=request.form.get("kind", ""),
                                    actor_id=current_user.id)
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        _flash_error(exc)
    else:
        flash(_("Kalender diperbarui; %(n)s batas waktu dihitung ulang.", n=moved), "success")
    finally:
        forget_calendar()
    return redirect(url_for("sla_pages.calendar_page", tahun=day.year))


@bp.post("/admin/kalender/<day>/hapus")
@page_for("admin")
def calendar_remove(day: str):
    """Remove the office's row for a date (form)."""
    try:
        parsed = date.fromisoformat(day)
        moved = holidays.remove_day(day=parsed, actor_id=current_user.id)
        db.session.commit()
    except ValueError:
        flash(_("Tanggal tidak valid."), "error")
        return redirect(url_for("sla_pages.calendar_page"))
    except AppError as exc:
        db.session.rollback()
        _flash_error(exc)
        return redirect(url_for("sla_pages.calendar_page"))
    finally:
        forget_calendar()
    flash(_("Koreksi kalender dihapus; %(n)s batas waktu dihitung ulang.", n=moved), "success")
    return redirect(url_for("sla_pages.calendar_page", tahun=parsed.year))


@bp.get("/sla/pelanggaran")
@page_for("supervisor", "admin")
def breaches_page():
    """Overdue and at-risk tasks for supervisors."""
    status = request.args.get("status", "all")
    if status not in BREACH_TABS:
        status = "all"
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = breaches.list_breaches(current_user, status=status, service=request.args.get("layanan") or None,
                                          group=request.args.get("kelompok") or None, page=page, per_page=50)
    return render_template("sla/breaches.html", items=items, total=total, status=status, page=page,
                           assignable=breaches.assignable(items),
                           statuses={key: translate(label) for key, label in BREACH_TABS.items()})


@bp.post("/sla/pelanggaran/<task_id>/eskalasi")
@page_for("supervisor", "admin")
def escalate(task_id: str):
    """Escalate an overdue task now (the head of division is told), then back to the list."""
    perform(lambda: escalate_task(task_id=task_id[:64], actor=current_user._get_current_object()),
            success=_("Tugas dieskalasi; Kepala Bidang diberi tahu."))
    return back("sla_pages.breaches_page")
