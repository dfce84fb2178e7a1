"""Process models API (analysts and admins): list, upload a version, validate, diff, four-eyes deploy, test runs."""
from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from werkzeug.utils import secure_filename

from app.catalog import service as catalog
from app.common import clock
from app.common.auth import require_user, roles_required
from app.common.errors import AppError, NotFound, ValidationFailed
from app.common.openapi import multipart_body, response_doc
from app.common.transaction import transactional
from app.engine import ModelError

from . import deploys, scenarios, service
from . import diff as diffing
from .schemas import (
    DeployApprovedSchema,
    DeployListArgsSchema,
    DeployRejectSchema,
    DeployRequestBodySchema,
    DeployRequestListSchema,
    DeployRequestSchema,
    DiffArgsSchema,
    FormPreviewSchema,
    HtmlSchema,
    LayoutSchema,
    ModelTestCreatedSchema,
    ModelTestSchema,
    ProcessModelListSchema,
    ScenarioTemplateSchema,
    TestRunResultSchema,
    TestRunSchema,
    ValidationReportSchema,
    VersionCreatedSchema,
    VersionDetailSchema,
    VersionDiffSchema,
    VersionListSchema,
    VersionUploadFilesSchema,
    VersionUploadFormSchema,
    VersionUploadSchema,
)
from .simulation import ScenarioError, run_scenario, scenario_template
from .validation import problem

bp = Blueprint("modeler_api", __name__, url_prefix="/api/v1", description="Model proses (analis)")
ANALYSTS = ("analyst", "admin")
UPLOAD_FIELDS = (("bpmn", "bpmn", ".bpmn"), ("dmn", "dmn", ".dmn"), ("forms", "forms", ".json"),
                 ("form", "forms", ".json"))
DEFAULT_FILE_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


@bp.before_request
def limit_request_size():
    """Refuse oversized model uploads (413) before they are read."""
    request.max_content_length = current_app.config.get("MODEL_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)


def _file_name(raw: str | None, suffix: str, index: int) -> str:
    name = secure_filename(raw or "") or f"berkas_{index}{suffix}"
    if suffix == ".bpmn" and name.lower().endswith(".xml"):
        name = name[:-4] + suffix
    if not name.lower().endswith(suffix):
        name = f"{name}{suffix}"
    return name


def read_uploads() -> dict[str, dict[str, str]]:
    """The uploaded model files as text; InvalidModel for oversized or undecodable ones."""
    per_file = current_app.config.get("MODEL_FILE_MAX_BYTES", DEFAULT_FILE_MAX_BYTES)
    files: dict[str, dict[str, str]] = {kind: {} for kind in service.KINDS}
    problems = []
    index = 0
    for field, kind, suffix in UPLOAD_FIELDS:
        for storage in request.files.getlist(field):
            index += 1
            name = _file_name(storage.filename, suffix, index)
            data = storage.stream.read(per_file + 1)
            if len(data) > per_file:
                problems.append(problem(_("berkas terlalu besar (paling besar %(kb)s KB)", kb=per_file // 1024),
                                        file=name))
                continue
            try:
                files[kind][name] = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                problems.append(problem(_("berkas bukan teks UTF-8"), file=name))
    if problems:
        raise service.InvalidModel(problems)
    if not any(files.values()):
        raise ValidationFailed(_("Unggah paling sedikit satu berkas model."),
                               fields={"bpmn": [_("Unggah berkas BPMN (atau DMN/formulir yang diubah).")]})
    return files


def model_view(row: dict) -> dict:
    """A process model in the list."""
    return {**{k: row[k] for k in ("key", "name", "active_version", "versions", "running", "incidents",
                                   "last_change_by")},
            "last_change_at": clock.iso(row.get("last_change_at"))}


def version_view(version, active_id: int | None, running: dict[int, int]) -> dict:
    """A version in a list."""
    return {"version": version.version, "comment": version.comment,
            "author": service.author_name(version), "created_at": clock.iso(version.created_at),
            "deployed_at": clock.iso(version.deployed_at), "active": version.id == active_id,
            "running": running.get(version.id, 0), "content_hash": version.content_hash}


def _active_id(key: str) -> int | None:
    from app.catalog.models import Service
    from app.extensions import db

    svc = db.session.get(Service, key)
    return svc.active_version_id if svc else None


@bp.get("/process-models")
@bp.response(200, ProcessModelListSchema)
@roles_required(*ANALYSTS)
def list_models():
    """Services with their model versions."""
    items = [model_view(row) for row in service.list_models()]
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


@bp.post("/process-models/<key>/versions")
@bp.arguments(VersionUploadFormSchema, location="form")
@bp.arguments(VersionUploadFilesSchema, location="files")
@multipart_body(VersionUploadSchema)
@bp.response(201, VersionCreatedSchema)
@roles_required(*ANALYSTS)
@transactional
def create_version(form, _files, key: str):
    """Store uploaded files as a new version (after validation); missing files come from the current one."""
    user = require_user()
    saved = service.save_version(key=key, uploaded=read_uploads(), author=user, comment=form.get("comment", ""))
    return {"version": saved.version.version, "created": saved.created,
            "content_hash": saved.version.content_hash, "warnings": saved.warnings}


@bp.post("/process-models/<key>/validate")
@bp.arguments(VersionUploadFilesSchema, location="files")
@bp.response(200, ValidationReportSchema)
@roles_required(*ANALYSTS)
def validate_version(_files, key: str):
    """Check uploaded files as a candidate version without storing anything."""
    try:
        uploaded = read_uploads()
    except service.InvalidModel as exc:
        return {"valid": False, "problems": exc.problems, "warnings": []}
    result = service.check(key, uploaded)
    return {"valid": result.valid, "problems": result.problems, "warnings": result.warnings}


@bp.get("/process-models/<key>/versions")
@bp.response(200, VersionListSchema)
@roles_required(*ANALYSTS)
def list_versions(key: str):
    """A service's versions, newest first."""
    rows = service.versions_of(key)
    active, running = _active_id(key), service.running_counts(key)
    items = [version_view(v, active, running) for v in rows]
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


@bp.get("/process-models/<key>/versions/<int:version>")
@bp.response(200, VersionDetailSchema)
@roles_required(*ANALYSTS)
def get_version(key: str, version: int):
    """One version with its files (for the editor)."""
    row = service.get_version(key, version)
    main_file, _text = service.main_bpmn(row)
    return {**version_view(row, _active_id(key), service.running_counts(key)), "main_file": main_file,
            "files": row.files, "groups": service.group_keys()}


@bp.get("/process-models/<key>/versions/<int:version>/bpmn")
@bp.doc(parameters=[{"in": "query", "name": "file", "required": False, "schema": {"type": "string"},
                     "description": "another BPMN or DMN file of the version, by name"}])
@bp.response(200, {"type": "string"}, content_type="application/xml")
@roles_required(*ANALYSTS)
def get_bpmn(key: str, version: int):
    """The version's BPMN XML (its own process, or ?file= another BPMN/DMN file of the version)."""
    row = service.get_version(key, version)
    wanted = request.args.get("file")
    if wanted:
        text = row.files["bpmn"].get(wanted) or row.files["dmn"].get(wanted)
        if text is None:
            raise NotFound(_("Berkas tidak ada dalam versi ini."))
    else:
        _name, text = service.main_bpmn(row)
    return Response(text, mimetype="application/xml")


def deploy_request_view(request) -> dict:
    """A deploy request as analysts see it."""
    return {"id": request.id, "key": request.service_key, "version": request.version, "state": request.state,
            "note": request.note, "requested_by": request.requested_by.name, "requested_by_id": request.requested_by_id,
            "requested_at": clock.iso(request.requested_at),
            "decided_by": request.decided_by.name if request.decided_by else None,
            "decided_at": clock.iso(request.decided_at), "decision_note": request.decision_note}


@bp.post("/process-models/<key>/versions/<int:version>/deploy")
@bp.arguments(DeployRequestBodySchema)
@response_doc(202, DeployRequestSchema, "Accepted: waiting for a second analyst or admin")
@response_doc(200, DeployApprovedSchema, "Deployed: the caller is the second person of a waiting request")
@roles_required(*ANALYSTS)
@transactional
def deploy_version(args, key: str, version: int):
    """Deploy a version (an older one: roll back), four-eyes: the first call asks, a second person's call deploys.

    202 with the pending request when nobody else asked for this version yet; 200, the version active, when
    another analyst or admin's request waits (the same as `.../deploy/approve`).
    """
    actor = require_user()
    waiting = deploys.waiting_from_someone_else(key=key, number=version, actor=actor)
    if waiting is not None:
        svc = deploys.approve(key=key, number=version, actor=actor)
        return {"key": svc.key, "name": svc.name, "active_version": version,
                "request": deploy_request_view(waiting)}, 200
    request_row = deploys.request_deploy(key=key, number=version, actor=actor, note=args.get("note"))
    return deploy_request_view(request_row), 202


@bp.post("/process-models/<key>/versions/<int:version>/deploy/approve")
@bp.response(200, DeployApprovedSchema)
@roles_required(*ANALYSTS)
@transactional
def approve_deploy(key: str, version: int):
    """Approve the pending deploy request of a version (never your own): it becomes active for new cases."""
    request_row = deploys.pending_for(key=key, number=version)
    svc = deploys.approve(key=key, number=version, actor=require_user())
    return {"key": svc.key, "name": svc.name, "active_version": version, "request": deploy_request_view(request_row)}


@bp.post("/process-models/<key>/versions/<int:version>/deploy/reject")
@bp.arguments(DeployRejectSchema)
@bp.response(200, DeployRequestSchema)
@roles_required(*ANALYSTS)
@transactional
def reject_deploy(args, key: str, version: int):
    """Reject the pending deploy request of a version with a reason (its requester: withdraw it)."""
    request_row = deploys.reject(key=key, number=version, actor=require_user(), reason=args.get("reason"))
    return deploy_request_view(request_row)


@bp.get("/process-models/deploy-requests")
@bp.arguments(DeployListArgsSchema, location="query")
@bp.response(200, DeployRequestListSchema)
@roles_required(*ANALYSTS)
def pending_deploys(args):
    """Deploy requests waiting for a second person (all services, or ?service=)."""
    items = [deploy_request_view(r) for r in deploys.pending(args.get("service"))]
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


@bp.get("/process-models/<key>/diff")
@bp.arguments(DiffArgsSchema, location="query")
@response_doc(200, VersionDiffSchema)
@roles_required(*ANALYSTS)
def diff_versions(args, key: str):
    """Elements, properties, flows, forms and tables changed between two versions."""
    old = service.get_version(key, args["from_version"])
    new = service.get_version(key, args["to_version"])
    return {"from": old.version, "to": new.version, **diffing.diff_versions(old.files, new.files)}


@bp.post("/process-models/<key>/test-runs")
@bp.arguments(TestRunSchema)
@response_doc(200, TestRunResultSchema)
@roles_required(*ANALYSTS)
def test_run(args, key: str):
    """Run a scenario on a version in memory (no case is touched) and show its path."""
    version = service.get_version(key, args["version"]) if args.get("version") else service.current_version(key)
    try:
        result = run_scenario(catalog.model_for_version(version), args["scenario"])
    except ScenarioError as exc:
        raise ValidationFailed(fields={"scenario": [str(exc)]}) from exc
    return {"version": version.version, **result.as_dict()}


@bp.get("/process-models/<key>/test-runs/template")
@response_doc(200, ScenarioTemplateSchema)
@roles_required(*ANALYSTS)
def test_template(key: str):
    """A starting scenario for the current version: sample data for each user task."""
    return scenario_template(catalog.model_for_version(service.current_version(key)))


@bp.post("/process-models/<key>/tests")
@bp.arguments(ModelTestSchema)
@response_doc(201, ModelTestCreatedSchema, "Created")
@roles_required(*ANALYSTS)
@transactional
def save_test(args, key: str):
    """Save a scenario as a model test of the service."""
    service.versions_of(key)
    test = scenarios.save_test(key=key, scenario=args["scenario"], author=require_user())
    return {"id": test.id, "name": test.name}, 201


@bp.post("/process-models/layout")
@bp.arguments(LayoutSchema)
@bp.response(200, LayoutSchema)
@roles_required(*ANALYSTS)
def auto_layout(args):
    """The BPMN with a freshly computed diagram (BPMNDI)."""
    from app.engine.specs import parse_xml

    from .layout import add_diagram

    data = args["bpmn"].encode("utf-8")
    if len(data) > current_app.config.get("MODEL_FILE_MAX_BYTES", DEFAULT_FILE_MAX_BYTES):
        raise service.InvalidModel([problem(_("berkas terlalu besar"))])
    try:
        parse_xml(data)
        return {"bpmn": add_diagram(data).decode("utf-8")}
    except ModelError as exc:
        raise service.InvalidModel(exc.problems) from exc
    except Exception as exc:  # noqa: BLE001 - layout of an unexpected document: report, do not crash
        raise service.InvalidModel([problem(_("tata letak otomatis gagal: %(error)s", error=exc))]) from exc


@bp.post("/process-models/form-preview")
@bp.arguments(FormPreviewSchema)
@bp.response(200, HtmlSchema)
@roles_required(*ANALYSTS)
def form_preview(args):
    """The form as the applicant sees it, rendered by the server's form renderer."""
    from app.jsonforms.render import render_form

    schema, ui = args["schema"], args.get("ui_schema") or {}
    if not isinstance(schema, dict) or not isinstance(ui, dict):
        raise ValidationFailed(fields={"schema": [_("Skema dan UI schema harus berupa objek JSON.")]})
    try:
        return {"html": str(render_form(schema, ui, {}, id_prefix="pratinjau", disabled=False))}
    except AppError:
        raise
    except Exception as exc:  # noqa: BLE001 - an analyst's half-written schema must not crash the preview
        message = _("Formulir tidak dapat ditampilkan: %(error)s", error=exc)
        raise ValidationFailed(fields={"schema": [message]}) from exc
