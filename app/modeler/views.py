"""Analysts' pages: models overview, browser modeler, versions and diff, test runs, incidents."""
from __future__ import annotations

import json
from functools import wraps
from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog import service as catalog
from app.common import clock
from app.common.errors import AppError, Forbidden, shown_message
from app.common.i18n import translate
from app.common.transaction import transactional

from . import deploys, incidents, scenarios, service
from . import diff as diffing
from .simulation import scenario_template

bp = Blueprint("modeler", __name__, url_prefix="/analis")


def catalog_names() -> dict[str, str]:
    """Service names by key, for lists that hold only keys (one query)."""
    from app.catalog.models import Service
    from app.extensions import db

    return dict(db.session.execute(db.select(Service.key, Service.name)).all())


def analyst_page(view):
    """Pages for analysts and admins: log in first, others get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.has_role(*service.ROLES):
            raise Forbidden(_("Halaman ini hanya untuk analis proses."))
        return view(*args, **kwargs)

    return wrapper


@bp.get("/model")
@analyst_page
def models():
    """Every service model: active version, versions, last change, running cases, incidents."""
    rows = [{**row, "last_change_comment": deploys.shown_note(row.get("last_change_comment"))}
            for row in service.list_models()]
    return render_template("modeler/list.html", rows=rows, iso=clock.iso,
                           incident_total=incidents.count(), waiting=deploys.pending(),
                           service_names=catalog_names())


@bp.get("/model/<key>")
@analyst_page
def editor(key: str):
    """The browser modeler for a service's BPMN, DMN and forms."""
    number = request.args.get("versi", type=int)
    version = service.get_version(key, number) if number else service.current_version(key)
    main_file, _text = service.main_bpmn(version)
    return render_template("modeler/editor.html", key=key, version=version, main_file=main_file,
                           name=service.service_name(version), active=_active_number(key))


def _active_number(key: str) -> int | None:
    from app.catalog.models import Service
    from app.extensions import db

    svc = db.session.get(Service, key)
    return svc.active_version.version if svc is not None and svc.active_version else None


@bp.get("/model/<key>/versi")
@analyst_page
def versions(key: str):
    """Versions with author, comment, running cases; deploy requests, approvals, roll back, compare."""
    rows = service.versions_of(key)
    waiting = {r.version: r for r in deploys.pending(key)}
    history = [SimpleNamespace(at=e.at, actor=e.actor, kind=e.kind, version=e.version,
                               note=deploys.shown_note(e.note)) for e in service.history(key)]
    return render_template("modeler/versions.html", key=key, rows=rows, active=_active_number(key),
                           running=service.running_counts(key), history=history,
                           authors={v.id: service.author_name(v) for v in rows}, waiting=waiting,
                           service_names=catalog_names(),
                           name=service.service_name(rows[0]), iso=clock.iso)


def _deploy_step(key: str, step, done: str):
    """Run one four-eyes step in its own transaction; a refusal is a message on the versions page, not an error."""
    try:
        transactional(step)()
    except AppError as exc:
        flash(_("Tidak dapat diproses: %(error)s", error=shown_message(exc)))
    else:
        flash(done)
    if request.form.get("back") == "list":  # acted on from the overview's waiting list
        return redirect(url_for("modeler.models"))
    return redirect(url_for("modeler.versions", key=key))


@bp.post("/model/<key>/versi/<int:number>/aktifkan")
@analyst_page
def deploy(key: str, number: int):
    """Request that a version become active (or roll back to it); a second analyst or admin approves."""
    return _deploy_step(key, lambda: deploys.request_deploy(key=key, number=number, actor=current_user,
                                                            note=request.form.get("note")),
                        _("Permintaan aktivasi versi %(version)s dikirim; versi itu aktif setelah disetujui analis "
                          "atau admin lain.", version=number))


@bp.post("/model/<key>/versi/<int:number>/setujui")
@analyst_page
def approve_deploy(key: str, number: int):
    """Approve another person's deploy request: the version becomes active for new cases."""
    return _deploy_step(key, lambda: deploys.approve(key=key, number=number, actor=current_user),
                        _("Versi %(version)s sekarang aktif untuk permohonan baru; permohonan berjalan tetap pada "
                          "versinya.", version=number))


@bp.post("/model/<key>/versi/<int:number>/tolak")
@analyst_page
def reject_deploy(key: str, number: int):
    """Reject another person's deploy request with a reason, or withdraw one's own."""
    return _deploy_step(key, lambda: deploys.reject(key=key, number=number, actor=current_user,
                                                    reason=request.form.get("reason")),
                        _("Permintaan aktivasi versi %(version)s ditutup tanpa mengaktifkan versi itu.",
                          version=number))


@bp.get("/model/<key>/diff")
@analyst_page
def diff(key: str):
    """What changed between two versions."""
    rows = service.versions_of(key)
    newest = rows[0].version
    to_number = request.args.get("ke", type=int) or newest
    from_number = request.args.get("dari", type=int) or max(1, to_number - 1)
    old, new = service.get_version(key, from_number), service.get_version(key, to_number)
    return render_template("modeler/diff.html", key=key, old=old, new=new, rows=rows,
                           result=diffing.diff_versions(old.files, new.files), name=service.service_name(new))


@bp.route("/model/<key>/uji", methods=["GET", "POST"])
@analyst_page
@transactional
def tests(key: str):
    """Test runs: scenario editor, saved model tests, run one or all."""
    version = service.current_version(key)
    report = None
    if request.method == "POST":
        action = request.form.get("action")
        if action == "run_all":
            report = scenarios.run_suite(key, version)
        elif action == "delete":
            scenarios.delete_test(key=key, test_id=int(request.form.get("test_id", "0") or 0), actor=current_user)
            flash(_("Tes model dihapus."))
            return redirect(url_for("modeler.tests", key=key))
    template = scenario_template(catalog.model_for_version(version))
    return render_template("modeler/tests.html", key=key, version=version, tests=scenarios.list_tests(key),
                           report=report, template=json.dumps(template, indent=2, ensure_ascii=False),
                           name=service.service_name(version), iso=clock.iso)


@bp.get("/insiden")
@analyst_page
def incident_list():
    """Cases stopped by an engine error, with the element and the message."""
    return render_template("modeler/incidents.html", rows=incidents.list_open(), iso=clock.iso)


@bp.post("/insiden/<int:case_id>/coba-lagi")
@analyst_page
def incident_retry(case_id: int):
    """Retry a case in incident (optionally moving it to the active version first)."""
    move = request.form.get("move") == "1"
    try:
        with_transaction = transactional(lambda: incidents.retry(case_id=case_id, actor=current_user,
                                                                 move_to_active=move))
        case = with_transaction()
    except AppError as exc:
        flash(_("Gagal mencoba lagi: %(error)s", error=shown_message(exc)))
        return redirect(url_for("modeler.incident_list"))
    if case.status == "incident":
        flash(_("Permohonan %(number)s masih insiden: %(message)s", number=case.registration_number,
                message=translate(case.incident_message)))
    else:
        flash(_("Permohonan %(number)s berjalan lagi (status: %(status)s).", number=case.registration_number,
                status=case.status))
    return redirect(url_for("modeler.incident_list"))


@bp.post("/insiden/<int:case_id>/perbaiki")
@analyst_page
def incident_repair(case_id: int):
    """Neutralise forged data in a case's unreadable stored state, then retry it."""
    try:
        case = transactional(lambda: incidents.repair(case_id=case_id, actor=current_user))()
    except AppError as exc:
        flash(_("Gagal memperbaiki: %(error)s", error=shown_message(exc)))
        return redirect(url_for("modeler.incident_list"))
    if case.status == "incident":
        flash(_("Data permohonan %(number)s dinetralkan, tetapi masih insiden: %(message)s",
                number=case.registration_number, message=translate(case.incident_message)))
    else:
        flash(_("Data permohonan %(number)s dinetralkan; berjalan lagi (status: %(status)s).",
                number=case.registration_number, status=case.status))
    return redirect(url_for("modeler.incident_list"))
