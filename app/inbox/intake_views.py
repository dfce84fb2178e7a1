"""Jemput bola pages: register the applicant, fill the application, upload documents, submit for them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import service as accounts
from app.cases import service as cases
from app.catalog import service as catalog
from app.common.errors import AppError, ValidationFailed
from app.common.transaction import transactional
from app.common.urls import public_url
from app.jsonforms.parse import parse_form
from app.jsonforms.render import render_form

from . import intake
from .pages import OFFICER_ROLES, page_for, perform

bp = Blueprint("inbox_intake", __name__, url_prefix="/petugas/jemput-bola")


@bp.route("", methods=["GET", "POST"])
@page_for(*OFFICER_ROLES)
def start():
    """Find or register the applicant and choose the service."""
    officer = current_user._get_current_object()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form

        def act():
            applicant, created = intake.find_or_register_applicant(
                officer=officer, nik=form.get("nik", ""), email=form.get("email", ""), name=form.get("name", ""),
                phone=form.get("phone"))
            case = intake.start_application(officer=officer, applicant=applicant, service_key=form.get("service", ""))
            if created:
                accounts.request_password_reset(applicant.email, base_url=public_url())
            return case, created

        try:
            case, created = transactional(act)()
        except AppError as exc:
            errors = exc.fields or {"_form": [exc.message]}
        else:
            flash(_("Akun pemohon dibuat; tautan untuk mengatur kata sandi dikirim ke email pemohon.") if created
                  else _("Pemohon ditemukan. Lanjutkan mengisi permohonan."), "success")
            return redirect(url_for("inbox_intake.draft", case_id=case.id))
    return render_template("inbox/intake_start.html", services=catalog.list_public(), errors=errors,
                           form=request.form), (422 if errors else 200)


def _render_draft(case, *, data=None, errors=None, status: int = 200):
    model = catalog.model_for_version(case.process_version)
    form = catalog.application_form(model)
    errors = errors or {}
    data_errors = {k.removeprefix("data."): v for k, v in errors.items() if not k.startswith("documents.")}
    document_errors = {k.removeprefix("documents."): v for k, v in errors.items() if k.startswith("documents.")}
    documents = {d.requirement: d for d in cases.active_documents(case)}
    return render_template(
        "inbox/intake_draft.html", case=case, requirements=catalog.requirements_of(model), documents=documents,
        document_errors=document_errors,
        form_html=render_form(form["schema"], form["ui_schema"], data if data is not None else case.data,
                              data_errors, id_prefix="app")), status


@bp.get("/<int:case_id>")
@page_for(*OFFICER_ROLES)
def draft(case_id: int):
    """The draft entered for an applicant: its data, its documents, and the submit button."""
    case = intake.get_draft(current_user._get_current_object(), case_id)
    if case.status != "draft":
        return redirect(url_for("cases_officer.show", case_id=case.id))
    return _render_draft(case)


@bp.post("/<int:case_id>/data")
@page_for(*OFFICER_ROLES)
def save_data(case_id: int):
    """Save the application data (incomplete data may be saved; submitting checks completeness)."""
    officer = current_user._get_current_object()
    case = intake.get_draft(officer, case_id)
    form = catalog.application_form(catalog.model_for_version(case.process_version))
    data, errors = parse_form(form["schema"], request.form, ui_schema=form["ui_schema"], partial=True)
    if errors:
        return _render_draft(case, data=data, errors=errors, status=422)
    _saved, error = perform(lambda: cases.update_draft(case=intake.get_draft(officer, case_id), actor=officer,
                                                       data=data), success=_("Data permohonan disimpan."))
    if isinstance(error, ValidationFailed):
        return _render_draft(intake.get_draft(officer, case_id), data=data, errors=error.fields, status=422)
    return redirect(url_for("inbox_intake.draft", case_id=case_id))


@bp.post("/<int:case_id>/berkas")
@page_for(*OFFICER_ROLES)
def upload(case_id: int):
    """Upload the files chosen for the requirements (each checked for type and size)."""
    officer = current_user._get_current_object()
    chosen = [(key.removeprefix("file_"), f) for key, f in request.files.items(multi=True)
              if key.startswith("file_") and f and f.filename]
    if not chosen:
        flash(_("Pilih berkas yang akan diunggah."), "error")
    for requirement, upload_file in chosen:
        perform(lambda r=requirement, u=upload_file: cases.add_document(
            case=intake.get_draft(officer, case_id), actor=officer, requirement=r, stream=u.stream,
            filename=u.filename), success=_("%(filename)s diunggah.", filename=upload_file.filename))
    return redirect(url_for("inbox_intake.draft", case_id=case_id))


@bp.post("/<int:case_id>/ajukan")
@page_for(*OFFICER_ROLES)
def submit(case_id: int):
    """Submit on the applicant's behalf: the case records the applicant and the officer who entered it."""
    officer = current_user._get_current_object()
    try:
        case = transactional(lambda: cases.submit(case=intake.get_draft(officer, case_id), actor=officer))()
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _render_draft(intake.get_draft(officer, case_id), errors=exc.fields, status=422)
    except AppError as exc:
        flash(exc.message, "error")
        return redirect(url_for("inbox_intake.draft", case_id=case_id))
    flash(_("Permohonan diajukan atas nama %(name)s. Nomor registrasi: %(number)s.", name=case.applicant.name,
            number=case.registration_number), "success")
    return redirect(url_for("cases_officer.show", case_id=case.id))
