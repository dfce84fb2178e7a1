"""The apply wizard: data (autosaved as a draft), documents, review, submit, receipt."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import reuse, storage
from app.cases import service as cases
from app.catalog import service as catalog
from app.common.errors import AppError, ValidationFailed, wants_json
from app.common.transaction import transactional
from app.jsonforms.parse import parse_form, prefill, valid_part
from app.jsonforms.render import error_summary_items, render_form, render_values

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
        start_data = _from_profile(service)
        case = transactional(lambda: cases.create_draft(actor=current_user, service_key=key, data=start_data))()
        return redirect(url_for("apply.data", case_id=case.id))
    drafts = [c for c in cases.list_for(current_user, mine=True, status="draft", service=key)[0]]
    return render_template("portal/apply_start.html", service=service, drafts=drafts)


def _from_profile(service) -> dict:
    """A new application's fields that the form fills from the applicant's profile (UI option `prefill`)."""
    _version, model = catalog.active_model(service)
    form = catalog.application_form(model)
    return prefill(form["schema"], form["ui_schema"], {
        "profile.name": current_user.name, "profile.nik": current_user.nik, "profile.phone": current_user.phone,
        "profile.email": current_user.email, "profile.address": current_user.address})


def _render_data(case, data, errors, status=200, partly_saved=False):
    form = _form(case)
    html = render_form(form["schema"], form["ui_schema"], data, _unprefixed(errors or {}), id_prefix="app")
    return render_template("portal/apply_data.html", case=case, form_html=html, step=1,
                           partly_saved=partly_saved), status


def _unprefixed(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k.removeprefix("data."): v for k, v in errors.items()}


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
    """Save step 1 (incomplete data may be saved; submitting checks completeness).

    A field with an error does not cost the others: every valid field is stored, the wrong one keeps its
    earlier saved value and comes back with its message (422). The page's autosave asks for JSON.
    """
    case = _draft(case_id)
    form = _form(case)
    values, errors = parse_form(form["schema"], request.form, ui_schema=form["ui_schema"], partial=True)
    as_json = wants_json()
    try:
        kept = valid_part(form["schema"], values, errors, previous=case.data)
        transactional(lambda: cases.update_draft(case=_draft(case_id), actor=current_user, data=kept))()
    except ValidationFailed as exc:
        errors = {**_unprefixed(exc.fields or {}), **errors}
        if as_json:
            return jsonify({"saved": False, "errors": errors, "message": _("Draf belum tersimpan.")}), 422
        return _render_data(_draft(case_id), values, errors, 422)
    except AppError as exc:
        if as_json:
            raise
        flash(exc.message)
        return redirect(url_for("portal.case_page", case_id=case_id))
    if as_json:
        message = _("Draf tersimpan otomatis, kecuali isian yang ditandai.") if errors else _(
            "Draf tersimpan otomatis.")
        return jsonify({"saved": True, "errors": errors, "message": message}), (422 if errors else 200)
    if errors:
        return _render_data(_draft(case_id), values, errors, 422, partly_saved=True)
    flash(_("Draf tersimpan."))
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
    requirements = cases.requirements_of_case(case)
    return render_template("portal/apply_documents.html", case=case, step=2, requirements=requirements,
                           documents={d.requirement: d for d in cases.active_documents(case)},
                           reusable=reuse.reusable_for(case), limits={r["key"]: _limits(r) for r in requirements})


def _limits(req: dict) -> dict:
    """What the page's script pre-checks before sending a file: the server's own rules and messages."""
    allowed = [a.lower() for a in req.get("accept") or []] or list(storage.CONTENT_TYPES)
    max_bytes = cases.upload_max_bytes(req)
    return {"accept": [a for a in allowed if a in storage.CONTENT_TYPES], "max_bytes": max_bytes,
            "type_message": storage.type_not_allowed_message("{ext}", allowed),
            "no_ext_message": storage.type_not_allowed_message("", allowed),
            "size_message": storage.too_large_message(max_bytes)}


@bp.post("/<int:case_id>/dokumen")
@login_required
def upload_document(case_id: int):
    """Store one requirement's file: JSON for the page's script (Accept: application/json), else a redirect."""
    case = _draft(case_id)
    upload_file = request.files.get("file")
    as_json = wants_json()
    try:
        if upload_file is None or not upload_file.filename:
            raise ValidationFailed(_("Pilih berkas yang akan diunggah."), fields={"file": [_("Pilih berkas.")]})
        doc = transactional(lambda: cases.add_document(
            case=case, actor=current_user, requirement=request.form.get("requirement", ""),
            stream=upload_file.stream, filename=upload_file.filename))()
    except AppError as exc:
        if as_json:
            raise  # the error handler answers in API.md's error shape
        flash(_("Berkas tidak tersimpan: %(message)s", message=exc.message))
        return redirect(url_for("apply.documents", case_id=case_id))
    if as_json:
        return jsonify({"id": doc.id, "requirement": doc.requirement, "filename": doc.filename, "size": doc.size,
                        "sha256": doc.sha256, "content_type": doc.content_type,
                        "message": _("Berkas tersimpan.")}), 201
    flash(_("Berkas tersimpan."))
    return redirect(url_for("apply.documents", case_id=case_id))


@bp.post("/<int:case_id>/pakai-ulang")
@login_required
def reuse_document(case_id: int):
    """Use a file the office already verified instead of uploading it again."""
    try:
        transactional(lambda: reuse.reuse(case=_draft(case_id), actor=current_user,
                                          document_id=int(request.form.get("document_id", "0") or 0)))()
        flash(_("Dokumen terverifikasi dipakai ulang."))
    except (AppError, ValueError) as exc:
        flash(getattr(exc, "message", _("Dokumen tidak dapat dipakai ulang.")))
    return redirect(url_for("apply.documents", case_id=case_id))


@bp.get("/<int:case_id>/periksa")
@login_required
def review(case_id: int):
    """Step 3: everything on one page before submitting."""
    case = _draft(case_id)
    if case.status != "draft":
        return redirect(url_for("portal.case_page", case_id=case.id))
    form = _form(case)
    problems = error_summary_items(form["schema"], form["ui_schema"], _unprefixed(cases.validate_application(case)),
                                   id_prefix="app")
    for item in problems:  # each entry opens the data step at its field
        item["href"] = url_for("apply.data", case_id=case.id)
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
        flash(_("Verifikasi email Anda terlebih dahulu (tautan ada di email pendaftaran; kirim ulang dari "
                "halaman masuk)."))
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
