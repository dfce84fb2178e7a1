"""Helpers shared by the officer pages: access, one-transaction actions with readable messages, dates."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from app.cases import events
from app.common.errors import AppError
from app.common.i18n import format_number
from app.common.pages import page_for  # noqa: F401 - the guard of every officer page, imported from here
from app.common.transaction import transactional
from app.common.urls import safe_next

T = TypeVar("T")
OFFICER_ROLES = ("officer", "supervisor", "admin")
STAFF_ROLES = ("officer", "supervisor", "analyst", "admin")
EVENT_LABELS = events.LABELS  # translated per line by `cases.service.history` (`label`)


def message_of(exc: AppError) -> str:
    """An error's message with its field messages, for a flash."""
    details = [m for messages in exc.fields.values() for m in messages if m != exc.message]
    return " ".join([exc.message, *details]) if details else exc.message


def perform(action: Callable[[], T], *, success: str | None = None) -> tuple[T | None, AppError | None]:
    """Run a state change as one transaction; a client error is flashed instead of raised."""
    try:
        result = transactional(action)()
    except AppError as exc:
        flash(message_of(exc), "error")
        return None, exc
    if success:
        flash(success, "success")
    return result, None


def back(default_endpoint: str, **values: Any):
    """Redirect to the form's `next` (a local path) or to a default page."""
    target = safe_next(request.form.get("next") or request.args.get("next"))
    return redirect(target or url_for(default_endpoint, **values))


def working_days_text(days: float | None) -> str:
    """Working days left as a phrase in the page's language: '2,5 hari kerja lagi', 'terlambat 1 hari kerja'."""
    if days is None:
        return _("tanpa tenggat")
    amount = format_number(round(abs(days), 1), "#,##0.#")
    return _("%(days)s hari kerja lagi", days=amount) if days >= 0 else _("terlambat %(days)s hari kerja", days=amount)


def register_filters(bp: Blueprint) -> None:
    """Template filters of the officer pages (prefixed so they do not clash with other rooms)."""
    bp.add_app_template_filter(working_days_text, "sp_working_days")


def requirement_entries(case, documents: list) -> list[dict]:
    """The case's requirements that a reviewer judges: required ones and any with a file."""
    from app.catalog import service as catalog

    model = catalog.model_for_version(case.process_version)
    files = {d.requirement: d for d in documents}
    entries = []
    for req in catalog.requirements_of(model):
        doc = files.get(req["key"])
        if not req.get("required", True) and doc is None:
            continue
        entries.append({"key": req["key"], "label": req.get("label", req["key"]),
                        "description": _("Berkas: %(filename)s", filename=doc.filename) if doc
                        else _("Berkas belum diunggah.")})
    return entries


def map_keys_for(schema: dict, entries: list[dict]) -> dict[str, list[dict]]:
    """Keys for the form's map fields (objects keyed by requirement, such as per-document verdicts)."""
    keys = {}
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and not prop.get("properties") and isinstance(prop.get("additionalProperties"), dict):
            keys[name] = entries
    return keys


def case_panels(case, viewer) -> dict[str, Any]:
    """What the officer's case and task pages show: summary, applicant, data, documents, notes, history."""
    from app.cases import service as cases
    from app.catalog import service as catalog
    from app.jsonforms.render import render_values

    from . import notes

    view = cases.describe(case, viewer)
    documents = cases.active_documents(case)
    model = catalog.model_for_version(case.process_version)
    form = catalog.application_form(model)
    entries = requirement_entries(case, documents)
    labels = {r["key"]: r.get("label", r["key"]) for r in catalog.requirements_of(model)}
    return {
        "case": case,
        "view": view,
        "application_html": render_values(form["schema"], form["ui_schema"], case.data),
        "documents": [{"doc": d, "label": labels.get(d.requirement, d.requirement),
                       "inline": d.content_type in ("application/pdf", "image/jpeg", "image/png"),
                       "is_image": d.content_type.startswith("image/")} for d in documents],
        "requirements": entries,
        "notes": notes.notes_of(case, viewer),
        "history": view["history"],
        "event_labels": EVENT_LABELS,
        "status_label": view["status_label"],
    }
