"""SLA pages: the office calendar (admins) and the breach list (supervisors)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.common import clock as app_clock
from app.common.errors import AppError
from app.common.pages import page_for
from app.extensions import db
from app.inbox.pages import back, perform

from . import breaches, holidays
from .jobs import escalate_task
from .models import HOLIDAY_KINDS
from .service import forget_calendar

bp = Blueprint("sla_pages", __name__)
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BREACH_TABS = {"all": "Semua", "overdue": "Terlambat", "at_risk": "Berisiko terlambat"}





def _flash_error(exc: AppError) -> None:
    details = [m for messages in exc.fields.values() for m in messages]
    flash(" ".join([exc.message, *details]), "error")


@bp.get("/admin/kalender")
@page_for("admin")
def calendar_page():
    """The year's holidays with the office's corrections, and forms to change them."""
    year = request.args.get("tahun", type=int) or app_clock.to_local(app_clock.now()).year
    year = min(max(year, 1900), 2200)
    return render_template("sla/calendar.html", year=year, items=holidays.list_year(year), kinds=HOLIDAY_KINDS,
                           labels=holidays.KIND_LABELS, weekdays=WEEKDAYS)


@bp.post("/admin/kalender")
@page_for("admin")
def calendar_add():
    """Add a holiday or cancel a listed one (form)."""
    raw_day = request.form.get("date", "")
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        flash("Tanggal tidak valid (gunakan format YYYY-MM-DD).", "error")
        return redirect(url_for("sla_pages.calendar_page"))
    try:
        _, moved = holidays.set_day(day=day, name=request.form.get("name", ""), kind=request.form.get("kind", ""),
                                    actor_id=current_user.id)
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        _flash_error(exc)
    else:
        flash(f"Kalender diperbarui; {moved} batas waktu dihitung ulang.", "success")
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
        flash("Tanggal tidak valid.", "error")
        return redirect(url_for("sla_pages.calendar_page"))
    except AppError as exc:
        db.session.rollback()
        _flash_error(exc)
        return redirect(url_for("sla_pages.calendar_page"))
    finally:
        forget_calendar()
    flash(f"Koreksi kalender dihapus; {moved} batas waktu dihitung ulang.", "success")
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
                           assignable=breaches.assignable(items), statuses=BREACH_TABS)


@bp.post("/sla/pelanggaran/<task_id>/eskalasi")
@page_for("supervisor", "admin")
def escalate(task_id: str):
    """Escalate an overdue task now (the head of division is told), then back to the list."""
    perform(lambda: escalate_task(task_id=task_id[:64], actor=current_user._get_current_object()),
            success="Tugas dieskalasi; Kepala Bidang diberi tahu.")
    return back("sla_pages.breaches_page")
