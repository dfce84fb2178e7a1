"""Audit API: the security log for administrators."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.common.auth import roles_required

from . import service
from .schemas import AuditArgsSchema, SecurityEventListSchema

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1", description="Log keamanan")


@bp.get("/audit")
@roles_required("admin")
@bp.arguments(AuditArgsSchema, location="query")
@bp.response(200, SecurityEventListSchema)
def list_events(args):
    """Security events by kind, actor, subject (prefix), office-time date range and outcome; newest first."""
    since, until = service.local_day_bounds(args["date_from"], args["date_to"])
    items, total = service.search(kind=args["kind"], actor_id=args["actor_id"], subject=args["subject"],
                                  since=since, until=until, ok=args["ok"], page=args["page"],
                                  per_page=args["per_page"])
    return {"items": [service.view(e) for e in items], "total": total, "page": args["page"],
            "per_page": args["per_page"]}
