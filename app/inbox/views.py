"""Officer workspace pages: the task inbox (tabs, filters, saved filters), claim / release / assign."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from app.accounts import service as accounts
from app.accounts.models import User, UserRole
from app.cases.models import Case
from app.catalog.models import Service
from app.common.errors import AppError, Conflict, ValidationFailed
from app.common.i18n import N_
from app.common.transaction import transactional
from app.extensions import db

from . import filters as saved_filters
from . import service
from .models import OPEN_STATES, Task
from .pages import OFFICER_ROLES, back, message_of, page_for, perform, register_filters

bp = Blueprint("inbox", __name__, url_prefix="/petugas")
register_filters(bp)

TABS = {"mine": N_("Tugas saya"), "group": N_("Tugas kelompok"), "all": N_("Semua"), "deferred": N_("Ditunda")}
DUE_LABELS = {"overdue": N_("Terlambat"), "today": N_("Jatuh tempo hari ini"), "at_risk": N_("Berisiko terlambat")}
SORT_LABELS = {"due": N_("Tenggat terdekat"), "priority": N_("Prioritas tertinggi"),
               "received": N_("Paling lama diterima")}
PER_PAGE = 25


def _is_supervisor() -> bool:
    return current_user.has_role("supervisor", "admin")


def _filters_from(args) -> dict:
    tab = args.get("tab") or ("all" if _is_supervisor() and not current_user.group_keys else "mine")
    if tab not in TABS or (tab == "all" and not _is_supervisor()):
        tab = "mine"
    due = args.get("due") if args.get("due") in DUE_LABELS else None
    sort = args.get("sort") if args.get("sort") in SORT_LABELS else "due"
    try:
        page = max(1, int(args.get("page", 1)))
    except ValueError:
        page = 1
    return {"tab": tab, "service": (args.get("service") or "").strip() or None,
            "step": (args.get("step") or "").strip() or None, "due": due, "sort": sort,
            "q": (args.get("q") or "").strip()[:200] or None, "page": page}


def _translated(labels: dict[str, str]) -> dict[str, str]:
    return {key: _(label) for key, label in labels.items()}


def _query_string(filters: dict, **changes) -> str:
    merged = {**filters, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "") and not (k == "page" and v == 1)})


@bp.get("/")
@page_for(*OFFICER_ROLES)
def home():
    """The workspace starts at the inbox."""
    return redirect(url_for("inbox.index"))


@bp.get("/tugas")
@page_for(*OFFICER_ROLES)
def index():
    """The inbox: my tasks, my groups' unclaimed tasks, all (supervisors), deferred ones."""
    user = current_user._get_current_object()
    f = _filters_from(request.args)
    scope = "mine" if f["tab"] == "deferred" and not _is_supervisor() else f["tab"]
    if f["tab"] == "deferred" and _is_supervisor():
        scope = "all"
    items, total = service.list_tasks(user, scope=scope, service=f["service"], step=f["step"], due=f["due"],
                                      q=f["q"], sort=f["sort"], deferred=f["tab"] == "deferred", page=f["page"],
                                      per_page=PER_PAGE)
    rows = [{"task": t, "sla": service.sla_view(t)} for t in items]
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "inbox/index.html", rows=rows, total=total, filters=f, pages=pages, tabs=_translated(TABS),
        counts=service.tab_counts(user), due_labels=_translated(DUE_LABELS), sort_labels=_translated(SORT_LABELS),
        services=db.session.execute(select(Service.key, Service.name).where(Service.active_version_id.is_not(None))
                                    .order_by(Service.name)).all(),
        # Each step with a service that has it, for the template to name it in the page's language.
        steps=db.session.execute(select(Task.bpmn_id, Task.name, func.min(Case.service_key))
                                 .join(Case, Case.id == Task.case_id).where(Task.state.in_(OPEN_STATES))
                                 .group_by(Task.bpmn_id, Task.name).order_by(Task.name)).all(),
        saved=saved_filters.visible_to(user), officers=_officers() if _is_supervisor() else [],
        query_string=lambda **changes: _query_string(f, **changes), is_supervisor=_is_supervisor(),
        priority_label=service.priority_label)


def _officers() -> list[User]:
    """Active officers, for assigning (their groups are loaded with them)."""
    return list(db.session.scalars(
        select(User).where(User.is_active_account.is_(True),
                           User.id.in_(select(UserRole.user_id).where(UserRole.role == "officer")))
        .options(lazyload(User.role_rows)).order_by(User.name)))


def _task_or_404(task_id: str) -> Task:
    return service.get_visible(current_user._get_current_object(), task_id)


@bp.post("/tugas/<task_id>/ambil")
@page_for(*OFFICER_ROLES)
def claim(task_id: str):
    """Claim a task; when another officer was quicker, say who holds it."""
    user = current_user._get_current_object()
    try:
        transactional(lambda: service.claim(task=_task_or_404(task_id), actor=user))()
    except Conflict as exc:
        task = db.session.get(Task, task_id)  # the rollback expired it: this reads who won
        holder = task.assignee if task is not None and task.assignee_id not in (None, user.id) else None
        flash(_("Tugas ini sudah diambil oleh %(name)s. Pilih tugas lain.", name=holder.name) if holder
              else message_of(exc), "error")
        return back("inbox.index", tab="group")
    except AppError as exc:
        flash(message_of(exc), "error")
        return back("inbox.index", tab="group")
    flash(_("Tugas berhasil diambil. Silakan dikerjakan."), "success")
    return redirect(url_for("inbox_task.show", task_id=task_id))


@bp.post("/tugas/<task_id>/lepas")
@page_for(*OFFICER_ROLES)
def release(task_id: str):
    """Give a task back to its group."""
    user = current_user._get_current_object()
    perform(lambda: service.release(task=_task_or_404(task_id), actor=user),
            success=_("Tugas dikembalikan ke kelompok."))
    return back("inbox.index")


@bp.post("/tugas/<task_id>/tugaskan")
@page_for("supervisor", "admin")
def assign(task_id: str):
    """A supervisor gives a task to an officer of its group."""
    user = current_user._get_current_object()

    def act():
        assignee = _user_from_form()
        if assignee is None:
            return service.release(task=_task_or_404(task_id), actor=user)
        return service.assign(task=_task_or_404(task_id), actor=user, assignee=assignee)

    perform(act, success=_("Penugasan disimpan."))
    return back("inbox_task.show", task_id=task_id)


def _user_from_form() -> User | None:
    raw = (request.form.get("user_id") or "").strip()
    if not raw:
        return None
    user = accounts.get(int(raw)) if raw.isdigit() else None
    if user is None:
        raise ValidationFailed(fields={"user_id": [_("Petugas tidak ditemukan.")]})
    return user


@bp.post("/tugas/alihkan")
@page_for("supervisor", "admin")
def bulk_assign():
    """A supervisor moves the selected tasks to one officer (or back to their groups)."""
    user = current_user._get_current_object()
    task_ids = [t for t in request.form.getlist("task_id") if t][:200]
    if not task_ids:
        flash(_("Pilih setidaknya satu tugas."), "error")
        return back("inbox.index", tab="all")

    def act():
        tasks = service.get_many_visible(user, task_ids)
        return service.bulk_assign(tasks=tasks, actor=user, assignee=_user_from_form())

    result, error = perform(act)
    if error is None and result is not None:
        flash(_("%(count)s tugas dialihkan.", count=len(result["assigned"])), "success")
        for task, reason in result["skipped"]:
            flash(_("%(number)s (%(step)s) tidak dialihkan: %(reason)s", number=task.case.registration_number,
                    step=task.name, reason=reason), "error")
    return back("inbox.index", tab="all")


@bp.post("/filter")
@page_for(*OFFICER_ROLES)
def save_filter():
    """Save the current filters under a name (optionally shared with a group)."""
    user = current_user._get_current_object()
    params = {k: request.form.get(k) for k in saved_filters.FILTER_PARAMS}
    perform(lambda: saved_filters.save(owner=user, name=request.form.get("name", ""), params=params,
                                       group_key=request.form.get("group_key") or None),
            success=_("Filter disimpan."))
    return redirect(url_for("inbox.index") + "?" + urlencode(saved_filters.clean_params(params)))


@bp.post("/filter/<int:filter_id>/hapus")
@page_for(*OFFICER_ROLES)
def delete_filter(filter_id: int):
    """Delete one of my saved filters."""
    user = current_user._get_current_object()
    perform(lambda: saved_filters.delete(filter_id=filter_id, actor=user), success=_("Filter dihapus."))
    return back("inbox.index")


@bp.get("/filter/<int:filter_id>")
@page_for(*OFFICER_ROLES)
def open_filter(filter_id: int):
    """Open the inbox with a saved filter."""
    found = [f for f in saved_filters.visible_to(current_user._get_current_object()) if f.id == filter_id]
    if not found:
        abort(404)
    return redirect(url_for("inbox.index") + "?" + urlencode(found[0].params))
