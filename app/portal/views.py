"""Applicant pages: my applications, a case's page, revision, withdrawal and the survey."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import renewal, revisions
from app.cases import service as cases
from app.common import clock
from app.common.errors import AppError, ValidationFailed
from app.common.i18n import N_
from app.common.transaction import transactional
from app.common.urls import safe_next
from app.complaints import service as complaints
from app.inbox import service as inbox
from app.surveys import service as surveys
from app.surveys.models import ELEMENTS

from . import service

bp = Blueprint("portal", __name__)
FINISHED = ("issued", "rejected", "withdrawn", "expired")  # cannot be withdrawn (cases.service.withdraw)
SCALE = ((1, N_("Tidak baik")), (2, N_("Kurang baik")), (3, N_("Baik")), (4, N_("Sangat baik")))


def _own_case(case_id: int):
    case = cases.get_visible(current_user, case_id)
    if case.applicant_id != current_user.id and case.entered_by_id != current_user.id:
        abort(404)
    return case


@bp.get("/permohonan")
@login_required
def my_cases():
    """My applications with status in plain words and what to do now."""
    items, _total = cases.list_for(current_user, mine=True, per_page=100)
    filed = complaints.by_case_ids([c.id for c in items])
    rows = [_row(c, filed.get(c.id)) for c in items]
    return render_template("portal/my_cases.html", rows=rows, iso=clock.iso)


def _row(case, complaint) -> dict:
    """One card of my applications; a complaint is followed in its own states, on its ticket's page."""
    if complaint is not None:
        return {"case": case, "label": complaints.STATUS_LABELS.get(complaint.status, complaint.status),
                "url": url_for("complaints.ticket_page", ticket=complaint.ticket), "action": None, "sla": None}
    return {"case": case, "label": cases.STATUS_LABELS.get(case.status, case.status),
            "url": url_for("portal.case_page", case_id=case.id), "action": service.NEXT_ACTION.get(case.status),
            "sla": cases.sla_summary(case)}


@bp.get("/permohonan/<int:case_id>")
@login_required
def case_page(case_id: int):
    """A case: timeline, who holds the file, what to do, documents, permit, survey."""
    return _case_page(_own_case(case_id))


def _case_page(case, *, revision_errors: dict | None = None, response_note: str = ""):
    view = cases.describe(case, current_user)
    revising = case.status == "waiting_applicant"
    task = service.open_applicant_task(case) if revising else None
    return render_template("portal/case.html", case=case, view=view, holders=service.holders(case),
                           revision=cases.revision_request(case) if revising else None,
                           instructions=inbox.instructions_of(task) if task is not None else None,
                           replacements=revisions.pending_documents(case, task) if task is not None else {},
                           revision_errors=revision_errors or {}, response_note=response_note,
                           action=service.NEXT_ACTION.get(case.status), can_survey=surveys.can_take(case),
                           can_renew=renewal.renewable(case),
                           requirements={r["key"]: r for r in case.service.requirements}, iso=clock.iso)


@bp.post("/permohonan/<int:case_id>/berkas")
@login_required
def upload(case_id: int):
    """Upload (or replace) one requirement's file from the case page; works without JavaScript."""
    case = _own_case(case_id)
    upload_file = request.files.get("file")
    requirement = request.form.get("requirement", "")
    if upload_file is None or not upload_file.filename:
        flash(_("Pilih berkas yang akan diunggah."))
        return redirect(url_for("portal.case_page", case_id=case.id))
    try:
        _store(case, requirement, upload_file)
        flash(_("Berkas tersimpan."))
    except AppError as exc:
        flash(_("Berkas tidak tersimpan: %(reason)s", reason=exc.message))
    return redirect(safe_next(request.form.get("next")) or url_for("portal.case_page", case_id=case.id))


@transactional
def _store(case, requirement, upload_file):
    cases.add_document(case=case, actor=current_user, requirement=requirement, stream=upload_file.stream,
                       filename=upload_file.filename)


@bp.post("/permohonan/<int:case_id>/perbaikan")
@login_required
def send_revision(case_id: int):
    """Send the revision back to the officer (the same registration number; each round is kept)."""
    case = _own_case(case_id)
    task = service.open_applicant_task(case)
    if task is None:
        flash(_("Tidak ada perbaikan yang menunggu."))
        return redirect(url_for("portal.case_page", case_id=case.id))
    note = (request.form.get("response_note") or "").strip()
    if not note:
        flash(_("Tuliskan keterangan perbaikan untuk petugas."))
        return redirect(url_for("portal.case_page", case_id=case.id))
    try:
        _complete(task, {"application": case.data, "response_note": note})
    except ValidationFailed as exc:
        # Shown on the case page, next to each document still to replace; what was typed stays in the form.
        return _case_page(_own_case(case_id), revision_errors=exc.fields, response_note=note), 422
    except AppError as exc:
        flash(_("Perbaikan belum terkirim: %(reason)s", reason=exc.message))
        return redirect(url_for("portal.case_page", case_id=case.id))
    flash(_("Perbaikan terkirim. Petugas akan memeriksa kembali berkas Anda."))
    return redirect(url_for("portal.case_page", case_id=case.id))


@transactional
def _complete(task, data):
    inbox.complete(task=task, actor=current_user, data=data)


@bp.route("/permohonan/<int:case_id>/batal", methods=["GET", "POST"])
@login_required
def withdraw(case_id: int):
    """Withdraw before issuance: the case page links here, this page asks once more, its form withdraws."""
    case = _own_case(case_id)
    if request.method == "GET":
        if case.status in FINISHED:
            flash(_("Permohonan ini sudah selesai dan tidak dapat dibatalkan."))
            return redirect(url_for("portal.case_page", case_id=case.id))
        return render_template("portal/withdraw.html", case=case)
    try:
        _withdraw(case, request.form.get("reason"))
        flash(_("Permohonan dibatalkan."))
    except AppError as exc:
        flash(exc.message)
    return redirect(url_for("portal.case_page", case_id=case.id))


@transactional
def _withdraw(case, reason):
    cases.withdraw(case=case, actor=current_user, reason=(reason or "").strip() or None)


@bp.post("/permohonan/<int:case_id>/perpanjang")
@login_required
def renew(case_id: int):
    """Renew a permit nearing expiry: a new application pre-filled from this one."""
    case = _own_case(case_id)
    try:
        draft = _renew(case)
    except AppError as exc:
        flash(exc.message)
        return redirect(url_for("portal.case_page", case_id=case.id))
    flash(_("Permohonan perpanjangan dibuat dari data lama. Periksa, lengkapi, lalu ajukan."))
    return redirect(url_for("portal.case_page", case_id=draft.id))


@transactional
def _renew(case):
    return renewal.renew(case=case, actor=current_user)


@bp.route("/permohonan/<int:case_id>/survei", methods=["GET", "POST"])
@login_required
def survey(case_id: int):
    """The nine-element satisfaction survey, after the case is finished."""
    case = _own_case(case_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            _answer(case, {key: request.form.get(key) for key, _label in ELEMENTS}, request.form.get("comment"))
            flash(_("Terima kasih atas penilaian Anda."))
            return redirect(url_for("portal.case_page", case_id=case.id))
        except AppError as exc:
            errors = exc.fields or {"_": [exc.message]}
    if not surveys.can_take(case) and not errors:
        flash(_("Survei tidak tersedia untuk permohonan ini."))
        return redirect(url_for("portal.case_page", case_id=case.id))
    return render_template("portal/survey.html", case=case, elements=[(key, _(name)) for key, name in ELEMENTS],
                           scale=[(value, _(text)) for value, text in SCALE],
                           errors=errors), (422 if errors else 200)


@transactional
def _answer(case, scores, comment):
    surveys.submit(case=case, user_id=current_user.id, scores=scores, comment=comment)
