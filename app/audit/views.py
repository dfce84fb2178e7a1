"""The administrators' page of the security log: search and page through events."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from app.common import clock
from app.common.i18n import N_
from app.common.pages import date_arg, page_for

from . import service

bp = Blueprint("audit", __name__)
PER_PAGE = 50
OUTCOMES = {"": N_("Semua"), "ok": N_("Berhasil"), "fail": N_("Gagal")}


def _criteria(args) -> tuple[dict, dict[str, list[str]]]:
    """Search criteria from the query string, with field messages for what cannot be read."""
    errors: dict[str, list[str]] = {}
    days = {name: date_arg(name, errors) for name in ("from", "to")}
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors["to"] = [_("Tanggal akhir tidak boleh sebelum tanggal awal.")]
    actor_id = None
    actor = (args.get("actor") or "").strip()
    if actor:
        if actor.isdigit():
            actor_id = int(actor)
        else:
            from app.accounts import service as accounts

            user = accounts.get_by_email(actor)
            if user is None:
                errors["actor"] = [_("Pengguna tidak ditemukan (isi ID atau email).")]
            else:
                actor_id = user.id
    outcome = args.get("outcome") or ""
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Pilihan hasil tidak dikenal.")]
    since, until = service.local_day_bounds(days["from"], days["to"])
    criteria = {"kind": (args.get("kind") or "").strip() or None, "actor_id": actor_id,
                "subject": (args.get("subject") or "").strip() or None, "since": since, "until": until,
                "ok": {"ok": True, "fail": False}.get(outcome)}
    return criteria, errors


@bp.get("/admin/audit")
@page_for("admin")
def audit_page():
    """Search the security log by kind, actor, subject, date range and outcome."""
    criteria, errors = _criteria(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = ([], 0) if errors else service.search(**criteria, page=page, per_page=PER_PAGE)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/events.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), errors=errors, args=request.args, query=query,
                           kinds=service.known_kinds(), outcomes={key: _(label) for key, label in OUTCOMES.items()},
                           local=clock.to_local), \
        (422 if errors else 200)
