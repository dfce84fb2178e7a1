"""The apply wizard: data (autosaved as a draft), documents, review, submit, receipt."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.cases import reuse
from app.cases import service as cases
from app.catalog import service as catalog
from app.common.errors import AppError, ValidationFailed
from app.common.transaction import transactional
from app.jsonforms.parse import parse_form
from app.jsonforms.render import render_form, render_values

bp = Blueprint("apply", __name__, url_prefix="/permohonan")


def _draft(case_id: int):
    case = cases.get_visible(current_user, case_id)
    if case.applicant_id != current_user.id:
        from flask import abort

        abort(404)
    return case


def _form(case) -> dict:
    return catalog.application_form(catalog.model_for_version(case.process_version))


@bp.route("/baru/<key>", methods=["GET", "POST"])
@login_required
def start(key: str):
    """Start an application for a service (a draft the applicant can come back to)."""
    service = catalog.get(key)
    if request.method == "POST":
        case = transactional(lambda: cases.create_draft(actor=current_user, service_key=key, data={}))()
        return redirect(url_for("apply.data", case_id=case.id))
    drafts = [c for c in cases.list_for(current_user, mine=True, status="draft", service=key)[0]]
    return render_template("portal/apply_start.html", service=service, drafts=drafts)


def _render_data(case, data, errors, status=200):
    form = _form(case)
    html = render_form(form["schema"], form["ui_schema"], data, {k.removeprefix("data."): v
                                                                  for k, v in (errors or {}).items()},
                       id_prefix="app")
    return render_template("portal/apply_data.html", case=case, form_html=html, step=1), status


@bp.get("/<int:case_id>/isi")
@login_required
def data(case_id: int):
    """Step 1: the application form, prefilled from the draft."""
    case = _draft(case_id)
    if case.status != "draft":
        return redirect(url_for("portal.case_page", case_id=case.id))
    return _render_data(case, case.data, None)


@bp.post("/<int:case_id>/isi")
@login_required
def save_data(case_id: int):
    """Save step 1 (incomplete data may be saved; submitting checks completeness)."""
    case = _draft(case_id)
    form = _form(case)
    values, errors = parse_form(form["schema"], request.form, ui_schema=form["ui_schema"], partial=True)
    if errors:
        return _render_data(case, values, errors, 422)
    try:
        transactional(lambda: cases.update_draft(case=_draft(case_id), actor=current_user, data=values))()
    except ValidationFailed as exc:
        return _render_data(_draft(case_id), values, exc.fields, 422)
    except AppError as exc:
        flash(exc.message)
        return redirect(url_for("portal.case_page", case_id=case_id))
    flash("Draf tersimpan.")
    if request.form.get("next") == "documents":
        return redirect(url_for("apply.documents", case_id=case_id))
    return redirect(url_for("apply.data", case_id=case_id))


@bp.get("/<int:case_id>/dokumen")
@login_required
def documents(case_id: int):
    """Step 2: one upload per requirement, with verified files from earlier applications offered again."""
    case = _draft(case_id)
    if case.status != "draft":
        return redirect(url_for("portal.case_page", case_id=case.id))
    return render_template("portal/apply_documents.html", case=case, step=2,
                           requirements=cases.requirements_of_case(case),
                           documents={d.requirement: d for d in cases.active_documents(case)},
                           reusable=reuse.reusable_for(case))


@bp.post("/<int:case_id>/pakai-ulang")
@login_required
def reuse_document(case_id: int):
    """Use a file the office already verified instead of uploading it again."""
    try:
        transactional(lambda: reuse.reuse(case=_draft(case_id), actor=current_user,
                                          document_id=int(request.form.get("document_id", "0") or 0)))()
        flash("Dokumen terverifikasi dipakai ulang.")
    except (AppError, ValueError) as exc:
        flash(getattr(exc, "message", "Dokumen tidak dapat dipakai ulang."))
    return redirect(url_for("apply.documents", case_id=case_id))


@bp.get("/<int:case_id>/periksa")
@login_required
def review(case_id: int):
    """Step 3: everything on one page before submitting."""
    case = _draft(case_id)
    if case.status != "draft":
        return redirect(url_for("portal.case_page", case_id=case.id))
    form = _form(case)
    problems = cases.validate_application(case)
    return render_template("portal/apply_review.html", case=case, step=3,
                           values_html=render_values(form["schema"], form["ui_schema"], case.data),
                           documents=cases.active_documents(case), missing=cases.missing_requirements(case),
                           problems=problems,
                           requirements={r["key"]: r for r in cases.requirements_of_case(case)})


@bp.post("/<int:case_id>/ajukan")
@login_required
def submit(case_id: int):
    """Submit: the case gets its registration number and enters the process."""
    _draft(case_id)
    if not current_user.email_verified_at:
        flash("Verifikasi email Anda terlebih dahulu (tautan ada di email pendaftaran; kirim ulang dari halaman "
              "masuk).")
        return redirect(url_for("apply.review", case_id=case_id))
    try:
        transactional(lambda: cases.submit(case=_draft(case_id), actor=current_user))()
    except AppError as exc:
        flash(exc.message)
        return redirect(url_for("apply.review", case_id=case_id))
    return redirect(url_for("apply.receipt", case_id=case_id))


@bp.get("/<int:case_id>/tanda-terima")
@login_required
def receipt(case_id: int):
    """The receipt: registration number, what happens next, and the PDF receipt."""
    case = _draft(case_id)
    return render_template("portal/apply_receipt.html", case=case, view=cases.describe(case, current_user))
