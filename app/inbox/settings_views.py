"""Officer settings pages: my absence and delegate, and (supervisors) how each group assigns tasks."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import service as accounts
from app.common.errors import ValidationFailed

from . import routing
from .models import ROUTING_MODES
from .pages import OFFICER_ROLES, page_for, perform

bp = Blueprint("inbox_settings", __name__, url_prefix="/petugas")


def _date(field: str) -> date | None:
    raw = (request.form.get(field) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(fields={field: [_("Tanggal tidak valid.")]}) from exc


@bp.route("/ketidakhadiran", methods=["GET", "POST"])
@page_for(*OFFICER_ROLES)
def absence():
    """Set an absence period with a delegate; see current and coming ones."""
    user = current_user._get_current_object()
    if request.method == "POST":
        def act():
            raw = (request.form.get("delegate_id") or "").strip()
            delegate = accounts.get(int(raw)) if raw.isdigit() else None
            return routing.create_absence(user=user, actor=user, delegate=delegate, starts_on=_date("starts_on"),
                                          ends_on=_date("ends_on"), note=request.form.get("note"))

        created, _error = perform(act, success=_("Ketidakhadiran disimpan. Tugas Anda dialihkan kepada pengganti "
                                                 "selama periode tersebut."))
        if created is not None:
            return redirect(url_for("inbox_settings.absence"))
    return render_template("inbox/absence.html", absences=routing.list_absences(user),
                           candidates=routing.delegate_candidates(user), today=routing.office_today(),
                           form=request.form), (200 if request.method == "GET" else 422)


@bp.post("/ketidakhadiran/<int:absence_id>/akhiri")
@page_for(*OFFICER_ROLES)
def end_absence(absence_id: int):
    """End an absence early (or cancel a coming one)."""
    user = current_user._get_current_object()
    perform(lambda: routing.end_absence(absence_id=absence_id, actor=user), success=_("Ketidakhadiran diakhiri."))
    return redirect(url_for("inbox_settings.absence"))


@bp.route("/penugasan", methods=["GET", "POST"])
@page_for("supervisor", "admin")
def group_routing():
    """Supervisors choose per group: officers claim tasks, or tasks are assigned automatically."""
    user = current_user._get_current_object()
    if request.method == "POST":
        perform(lambda: routing.set_routing(group_key=request.form.get("group", ""),
                                            mode=request.form.get("mode", ""), actor=user),
                success=_("Cara penugasan kelompok disimpan."))
        return redirect(url_for("inbox_settings.group_routing"))
    groups = [g for g in accounts.list_groups() if g.key != "pemohon"]
    return render_template("inbox/routing.html", groups=groups, modes=routing.routing_modes(),
                           labels={mode: _(label) for mode, label in routing.ROUTING_LABELS.items()},
                           choices=ROUTING_MODES)
