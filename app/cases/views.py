"""Officer pages for cases: search, the case page, and its process diagram as JSON."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.accounts import service as accounts
from app.catalog.models import Service
from app.catalog.texts import localized_bpmn, model_text
from app.common.errors import AppError
from app.common.i18n import translate
from app.common.pages import date_arg
from app.engine.properties import CASE_STATUSES
from app.extensions import db
from app.inbox import search
from app.inbox.diagram import case_diagram
from app.inbox.pages import STAFF_ROLES, case_panels, page_for

from . import service

bp = Blueprint("cases_officer", __name__, url_prefix="/petugas/permohonan")
PER_PAGE = 25





@bp.get("")
@page_for(*STAFF_ROLES)
def search_page():
    """Search cases by registration number, applicant name, NIK, service, status and submission dates."""
    args = request.args
    errors: dict[str, list[str]] = {}
    criteria = {"q": args.get("q", "").strip(), "nik": args.get("nik", "").strip(),
                "service": args.get("service") or None,
                "status": args.get("status") if args.get("status") in CASE_STATUSES else None,
                "submitted_from": date_arg("from", errors), "submitted_to": date_arg("to", errors)}
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    searched = any(v for v in criteria.values()) or "page" in args
    items, total = [], 0
    if searched and not errors:
        try:
            items, total = search.search_cases(current_user._get_current_object(), page=page, per_page=PER_PAGE,
                                               **criteria)
        except AppError as exc:
            errors = exc.fields or {"_form": [exc.message]}
    query = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "cases/officer_search.html", items=items, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        searched=searched, errors=errors, args=args, query=query,
        statuses={key: service.status_label(key) for key in service.STATUS_LABELS},
        services=db.session.execute(select(Service.key, Service.name).order_by(Service.name)).all(),
    ), (422 if errors else 200)


@bp.get("/<int:case_id>")
@page_for(*STAFF_ROLES)
def show(case_id: int):
    """A case as officers see it: steps, data, documents, notes, history and the process diagram."""
    user = current_user._get_current_object()
    case = service.get_visible(user, case_id)
    return render_template("cases/officer_case.html", **case_panels(case, user))


@bp.get("/<int:case_id>/diagram.json")
@page_for(*STAFF_ROLES)
def diagram(case_id: int):
    """The case's BPMN diagrams with completed, current and failed element ids (for the page's viewer)."""
    case = service.get_visible(current_user._get_current_object(), case_id)
    view = case_diagram(case)
    groups = {g.key: translate(g.name) for g in accounts.list_groups()}
    diagrams = [dict(d, title=model_text(d["title"], case),
                     xml=localized_bpmn(d["xml"], case, lane=lambda key: groups.get(key, key)))
                for d in view["diagrams"]]
    response = jsonify(dict(view, diagrams=diagrams))
    response.headers["Cache-Control"] = "no-store"
    return response
