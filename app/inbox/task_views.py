"""The task page: case summary, documents, the step's form, notes, history, diagram; and its actions."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cases import revisions
from app.cases import service as cases
from app.catalog.texts import model_text
from app.common.errors import AppError, ValidationFailed
from app.common.i18n import format_day
from app.common.transaction import transactional
from app.jsonforms.parse import parse_form
from app.jsonforms.render import render_form, render_values
from app.permits import draft

from . import attachments, notes, routing, service
from .models import OPEN_STATES, Task
from .pages import (
    OFFICER_ROLES,
    STAFF_ROLES,
    back,
    case_panels,
    map_keys_for,
    message_of,
    page_for,
    perform,
    requirement_entries,
)

bp = Blueprint("inbox_task", __name__, url_prefix="/petugas")


def _render(task: Task, *, data: dict | None = None, errors: dict | None = None, status: int = 200):
    user = current_user._get_current_object()
    errors = dict(errors or {})
    confirm_errors = errors.pop(draft.CONFIRM_FIELD, None)
    panels = case_panels(task.case, user)
    spec = service.form_of(task)
    is_open = task.state in OPEN_STATES
    in_group = task.group_key in user.group_keys
    can_work = is_open and in_group and task.assignee_id in (None, user.id)
    is_supervisor = user.has_role("supervisor", "admin")
    map_keys = map_keys_for(spec["schema"], panels["requirements"])
    form_html = result_html = None
    if is_open and in_group:
        form_html = render_form(spec["schema"], spec["ui_schema"], data if data is not None else service.prefill(task),
                                errors or None, map_keys=map_keys, disabled=not can_work)
    elif task.result:
        result_html = render_values(spec["schema"], spec["ui_schema"], task.result, map_keys=map_keys)
    officers = routing.delegate_candidates_of_group(task.group_key) if is_supervisor and is_open else []
    return render_template(
        "inbox/task.html", task=task, spec=spec, form_html=form_html, result_html=result_html,
        changes=revisions.changes_for_review(task.case, task),
        draft_url=url_for("inbox_task.draft_permit", task_id=task.id) if draft.shows_draft(task) and is_open else None,
        confirm_signing=draft.asks_confirmation(task) and form_html is not None, confirm_errors=confirm_errors,
        confirm_field=draft.CONFIRM_FIELD,
        instructions=service.instructions_of(task) if in_group or is_supervisor else None,
        sla=service.sla_view(task), can_work=can_work, in_group=in_group, is_open=is_open,
        is_supervisor=is_supervisor, officers=officers, priority_label=service.priority_label,
        max_priority=service.MAX_PRIORITY, today=service.office_today(), **panels), status


@bp.get("/tugas/<task_id>")
@page_for(*STAFF_ROLES)
def show(task_id: str):
    """A task with everything needed to decide it."""
    return _render(service.get_visible(current_user._get_current_object(), task_id))


@bp.post("/tugas/<task_id>/selesai")
@page_for(*OFFICER_ROLES)
def complete(task_id: str):
    """Submit the step's form: field messages on the page, a race or a holder conflict as a message."""
    user = current_user._get_current_object()
    task = service.get_visible(user, task_id)
    name, number = model_text(task.name, task), task.case.registration_number
    submitted: dict = {}

    def act():
        current = service.get_visible(user, task_id)
        service.ensure_can_complete(task=current, actor=user)
        spec = service.form_of(current)

        def store(node, upload):
            accept = [a for a in (node.attrs.get("accept") or "").split(",") if a]
            return attachments.store_step_file(task=current, actor=user, field_name=node.name, upload=upload,
                                               accept=accept, max_mb=node.attrs.get("max_mb"))

        entries = requirement_entries(current.case, cases.active_documents(current.case))
        data, errors = parse_form(spec["schema"], request.form, ui_schema=spec["ui_schema"],
                                  map_keys=map_keys_for(spec["schema"], entries), files=request.files, store_file=store)
        submitted["data"] = data
        confirmed = request.form.get(draft.CONFIRM_FIELD)
        errors.update(draft.confirmation_errors(task=current, data=data, confirmed=confirmed))
        if errors:
            raise ValidationFailed(fields=errors)
        draft.record_confirmation(task=current, actor=user, data=data)
        return service.complete(task=current, actor=user, data=data)

    try:
        case = transactional(act)()
    except ValidationFailed as exc:
        fields = {key.removeprefix("data."): messages for key, messages in exc.fields.items()}
        return _render(service.get_visible(user, task_id), data=submitted.get("data"),
                       errors=fields or {"_form": [exc.message]}, status=422)
    except AppError as exc:
        flash(message_of(exc), "error")
        return redirect(url_for("inbox_task.show", task_id=task_id))
    if case.status == "incident" and service.get_visible(user, task_id).state in OPEN_STATES:
        flash(_("Permohonan %(number)s sedang mengalami gangguan teknis; langkah \u201c%(step)s\u201d belum "
                "tersimpan. Analis telah diberi tahu.", number=number, step=name), "error")
        return redirect(url_for("inbox_task.show", task_id=task_id))
    flash(_("Langkah \u201c%(step)s\u201d untuk %(number)s telah diselesaikan.", step=name, number=number), "success")
    return redirect(url_for("inbox.index"))


@bp.get("/tugas/<task_id>/draf-izin.pdf")
@page_for(*STAFF_ROLES)
def draft_permit(task_id: str):
    """The draft permit of an open approval or signing step: watermarked, no number, no QR code (not stored)."""
    user = current_user._get_current_object()
    task = service.get_visible(user, task_id)
    body = draft.for_task(task=task, viewer=user)
    name = f"draf-izin-{task.case.registration_number or task.case_id}.pdf"
    response = send_file(io.BytesIO(body), mimetype="application/pdf", download_name=name,
                         as_attachment=request.args.get("unduh") == "1")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/tugas/<task_id>/tunda")
@page_for(*OFFICER_ROLES)
def follow_up(task_id: str):
    """Defer a task until a follow-up day (an empty date clears it)."""
    user = current_user._get_current_object()

    def act():
        raw = (request.form.get("follow_up_on") or "").strip()
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError as exc:
            raise ValidationFailed(fields={"follow_up_on": [_("Tanggal tidak valid.")]}) from exc
        return service.set_follow_up(task=service.get_visible(user, task_id), actor=user, follow_up_on=day,
                                     note=request.form.get("note"))

    task, _error = perform(act)
    if task is not None:
        flash(_("Tugas ditunda hingga %(date)s.", date=format_day(task.follow_up_on)) if task.follow_up_on
              else _("Penundaan dibatalkan."), "success")
    return back("inbox_task.show", task_id=task_id)


@bp.post("/tugas/<task_id>/prioritas")
@page_for("supervisor", "admin")
def priority(task_id: str):
    """A supervisor sets a task's priority."""
    user = current_user._get_current_object()

    def act():
        raw = (request.form.get("priority") or "").strip()
        if not raw.isdigit():
            raise ValidationFailed(fields={"priority": [_("Pilih prioritas.")]})
        return service.set_priority(task=service.get_visible(user, task_id), actor=user, priority=int(raw))

    perform(act, success=_("Prioritas disimpan."))
    return back("inbox_task.show", task_id=task_id)


@bp.post("/permohonan/<int:case_id>/catatan")
@page_for(*STAFF_ROLES)
def add_note(case_id: int):
    """Add an internal note to a case (from its page or one of its tasks)."""
    user = current_user._get_current_object()
    task_id = (request.form.get("task_id") or "").strip() or None

    def act():
        case = cases.get_visible(user, case_id)
        if task_id is not None:
            task = service.get_visible(user, task_id)
            if task.case_id != case.id:
                raise ValidationFailed(fields={"task_id": [_("Tugas bukan bagian dari permohonan ini.")]})
        return notes.add_note(case=case, author=user, body=request.form.get("body", ""), task_id=task_id)

    perform(act, success=_("Catatan internal disimpan."))
    if task_id:
        return back("inbox_task.show", task_id=task_id)
    return back("cases_officer.show", case_id=case_id)
