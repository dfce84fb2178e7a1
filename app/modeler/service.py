"""The analysts' workspace: models overview, new versions from edited files (deploys: deploys.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts import service as accounts
from app.catalog import service as catalog
from app.catalog.models import ProcessVersion, Service
from app.common import clock
from app.common.errors import AppError, Forbidden, NotFound
from app.common.i18n import N_, translate
from app.engine import ModelError
from app.engine import properties as P
from app.engine.specs import NS, parse_xml
from app.extensions import db

from .models import ModelEvent
from .validation import ValidationResult, problem, validate_files

ROLES = ("analyst", "admin")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
# Cases still being worked on: they count as "running" on their version.
OPEN_STATUSES = ("submitted", "in_review", "waiting_applicant", "waiting_agency", "waiting_payment", "approved",
                 "incident")
KINDS = ("bpmn", "dmn", "forms")


class InvalidModel(AppError):
    """A candidate version breaks the model rules: answered as 422 with the problems.

    The problems' messages are in the reader's language: the model rules write them so, and a marked
    message of the engine is translated here.
    """

    status, code, default_message = 422, "invalid_model", N_("Model tidak sah; tidak ada versi yang disimpan.")

    def __init__(self, problems: list[dict], warnings: list[dict] | None = None):
        problems = [_translated(item) for item in problems]
        warnings = [_translated(item) for item in warnings or []]
        fields: dict[str, list[str]] = {}
        for item in problems:
            fields.setdefault(_kind_of(item.get("file")), []).append(_located(item))
        super().__init__(fields=fields, extra={"problems": problems, "warnings": warnings})
        self.problems = problems


def _translated(item: dict) -> dict:
    return {**item, "message": translate(item.get("message")) or ""} if isinstance(item, dict) else item


def _kind_of(filename: str | None) -> str:
    name = (filename or "").lower()
    if name.endswith(".dmn"):
        return "dmn"
    if name.endswith(".json"):
        return "forms"
    return "bpmn"


def _located(item: dict) -> str:
    where = [item.get("file") or "", item.get("element_id") or ""]
    if item.get("line"):
        where.append(_("baris %(line)s", line=item["line"]))
    prefix = " · ".join(w for w in where if w)
    return f"{prefix}: {item['message']}" if prefix else item["message"]


def require_analyst(user) -> None:
    """Only analysts and admins change models."""
    if user is None or not user.has_role(*ROLES):
        raise Forbidden(_("Hanya analis proses atau admin yang dapat mengubah model."))


# -- overview ----------------------------------------------------------------------------------------


def list_models() -> list[dict]:
    """Every service with versions: active version, counts, last change, running cases, incidents."""
    versions = list(db.session.execute(
        select(ProcessVersion.id, ProcessVersion.service_key, ProcessVersion.version, ProcessVersion.created_at,
               ProcessVersion.created_by_id, ProcessVersion.comment)
        .order_by(ProcessVersion.service_key, ProcessVersion.version)))
    from app.cases.models import Case

    running = dict(db.session.execute(
        select(Case.process_version_id, func.count()).where(Case.status.in_(OPEN_STATUSES))
        .group_by(Case.process_version_id)).all())
    incidents = dict(db.session.execute(
        select(Case.service_key, func.count()).where(Case.status == "incident").group_by(Case.service_key)).all())
    services = {s.key: s for s in db.session.scalars(select(Service))}
    users = {}
    rows: dict[str, dict] = {}
    for vid, key, number, created_at, author_id, comment in versions:
        row = rows.setdefault(key, {"key": key, "name": services[key].name if key in services else key,
                                    "active_version": None, "versions": 0, "per_version": [],
                                    "incidents": incidents.get(key, 0)})
        row["versions"] += 1
        row["per_version"].append({"version": number, "running": running.get(vid, 0)})
        row["last_change_at"] = created_at
        row["last_change_comment"] = comment
        if author_id and author_id not in users:
            users[author_id] = accounts.get(author_id)
        row["last_change_by"] = users[author_id].name if author_id else _("sistem")
        service = services.get(key)
        if service is not None and service.active_version_id == vid:
            row["active_version"] = number
    for row in rows.values():
        row["running"] = sum(v["running"] for v in row["per_version"])
    last_events = _last_events(list(rows))
    for key, event in last_events.items():
        if event.at >= rows[key]["last_change_at"]:
            rows[key]["last_change_at"] = event.at
            rows[key]["last_change_by"] = event.actor.name if event.actor else _("sistem")
            rows[key]["last_change_comment"] = event.note or ""
    return sorted(rows.values(), key=lambda r: r["name"].lower())


def _last_events(keys: list[str]) -> dict[str, ModelEvent]:
    if not keys:
        return {}
    latest = select(func.max(ModelEvent.id)).where(ModelEvent.service_key.in_(keys)).group_by(
        ModelEvent.service_key)
    return {e.service_key: e for e in db.session.scalars(select(ModelEvent).where(ModelEvent.id.in_(latest)))}


def get_version(key: str, number: int) -> ProcessVersion:
    """One version of a service's model, or 404."""
    version = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.service_key == key, ProcessVersion.version == number))
    if version is None:
        raise NotFound(_("Versi model tidak ditemukan."))
    return version


def versions_of(key: str) -> list[ProcessVersion]:
    """A service's versions, newest first (404 when there is none)."""
    rows = list(db.session.scalars(select(ProcessVersion).where(ProcessVersion.service_key == key)
                                   .order_by(ProcessVersion.version.desc())))
    if not rows:
        raise NotFound(_("Model layanan tidak ditemukan."))
    return rows


def current_version(key: str) -> ProcessVersion:
    """The active version, else the newest one."""
    service = db.session.get(Service, key)
    if service is not None and service.active_version is not None:
        return service.active_version
    return versions_of(key)[0]


def running_counts(key: str) -> dict[int, int]:
    """Open cases per version id of one service (one aggregate query)."""
    from app.cases.models import Case

    return dict(db.session.execute(
        select(Case.process_version_id, func.count()).where(Case.service_key == key, Case.status.in_(OPEN_STATUSES))
        .group_by(Case.process_version_id)).all())


def history(key: str, limit: int = 50) -> list[ModelEvent]:
    """The model's change log, newest first."""
    return list(db.session.scalars(select(ModelEvent).where(ModelEvent.service_key == key)
                                   .order_by(ModelEvent.id.desc()).limit(limit)))


# -- building a candidate version -----------------------------------------------------------------------


@dataclass
class Assembly:
    """The files of a candidate version and where each came from."""

    files: dict[str, dict[str, str]]
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name) -> uploaded|version|disk


def _ids(kind: str, text: str) -> set[str]:
    try:
        root = parse_xml(text)
    except ModelError:
        return set()
    if kind == "bpmn":
        return {p.get("id") for p in root.findall("bpmn:process", NS)}
    return {d.get("id") for d in root.iter() if isinstance(d.tag, str) and d.tag.endswith("}decision")}


def _disk_files() -> dict[str, dict[str, str]]:
    cfg = current_app.config
    pdir, fdir = Path(cfg["PROCESSES_DIR"]), Path(cfg["FORMS_DIR"])
    return {"bpmn": {p.name: p.read_text("utf-8") for p in sorted(pdir.glob("*.bpmn"))},
            "dmn": {p.name: p.read_text("utf-8") for p in sorted(pdir.glob("*.dmn"))},
            "forms": {p.name: p.read_text("utf-8") for p in sorted(fdir.glob("*.json"))} if fdir.exists() else {}}


def assemble(key: str, uploaded: dict[str, dict[str, str]]) -> Assembly:
    """Uploaded files, completed by the current version's files, then by processes/ and forms/."""
    base = None
    try:
        base = current_version(key).files
    except NotFound:
        pass
    layers = [("uploaded", uploaded)] + ([("version", base)] if base else []) + [("disk", _disk_files())]
    result = Assembly({kind: {} for kind in KINDS})
    for kind in KINDS:
        covered: dict[str, str] = {}  # process/decision id -> file name
        for origin, files in layers:
            for name, text in (files or {}).get(kind, {}).items():
                if name in result.files[kind]:
                    continue
                ids = _ids(kind, text) if kind != "forms" else set()
                if ids & set(covered):
                    if origin != "uploaded":
                        _adopt_name(result, kind, name, ids, covered)
                    continue
                result.files[kind][name] = text
                result.origin[(kind, name)] = origin
                covered.update(dict.fromkeys(ids, name))
    return result


def _adopt_name(result: Assembly, kind: str, name: str, ids: set[str], covered: dict[str, str]) -> None:
    """An uploaded file replacing exactly one stored file takes the stored file's name."""
    owners = {covered[i] for i in ids if i in covered}
    if len(owners) != 1:
        return
    owner = owners.pop()
    if result.origin.get((kind, owner)) != "uploaded" or owner == name or name in result.files[kind]:
        return
    if {i for i, n in covered.items() if n == owner} != ids:
        return
    result.files[kind][name] = result.files[kind].pop(owner)
    result.origin[(kind, name)] = result.origin.pop((kind, owner))
    for i in ids:
        covered[i] = name


def group_keys() -> list[str]:
    """Group keys a lane may name."""
    return [g.key for g in accounts.list_groups()]


def check(key: str, uploaded: dict[str, dict[str, str]]) -> ValidationResult:
    """Validate a candidate version without storing anything."""
    if not KEY_PATTERN.match(key):
        return ValidationResult(problems=[problem(_("kunci layanan hanya huruf kecil, angka dan garis bawah"))])
    assembly = assemble(key, uploaded)
    result = validate_files(key, assembly.files, group_keys())
    if result.bundle is not None:
        for kind in KINDS:
            for name in result.bundle.files[kind]:
                if assembly.origin.get((kind, name)) == "disk":
                    result.warnings.append(problem(_("%(file)s diambil dari folder model di server", file=name),
                                                   file=name))
            for name in sorted(n for (k, n), origin in assembly.origin.items() if k == kind and origin == "uploaded"):
                if name not in result.bundle.files[kind]:
                    result.warnings.append(problem(
                        _("%(file)s tidak dipakai oleh layanan ini dan tidak disimpan", file=name), file=name))
    return result


@dataclass
class SaveResult:
    """The stored (or identical existing) version and what to tell the analyst."""

    version: ProcessVersion
    created: bool
    warnings: list[dict]


def save_version(*, key: str, uploaded: dict[str, dict[str, str]], author, comment: str = "") -> SaveResult:
    """Validate and store edited files as a new immutable version (identical content: the existing one)."""
    require_analyst(author)
    result = check(key, uploaded)
    if not result.valid:
        raise InvalidModel(result.problems, result.warnings)
    try:
        version, created = catalog.create_version(bundle=result.bundle, author_id=author.id,
                                                  comment=(comment or "").strip()[:2000])
    except ModelError as exc:
        raise InvalidModel(exc.problems) from exc
    warnings = list(result.warnings)
    if created:
        record_event(key, version.version, "version_created", author, comment or None)
    else:
        warnings.append(problem(_("isi sama dengan versi %(version)s; tidak ada versi baru", version=version.version)))
    return SaveResult(version, created, warnings)


def record_event(key: str, number: int, kind: str, actor, note: str | None) -> None:
    """Add a line to a model's change log (actor None: the system or the operator)."""
    db.session.add(ModelEvent(service_key=key, version=number, kind=kind, actor_id=actor.id if actor else None,
                              at=clock.now(), note=note))
    db.session.flush()


def author_name(version: ProcessVersion) -> str:
    """Who stored a version ("sistem", in the reader's language, for versions loaded from disk)."""
    user = accounts.get(version.created_by_id) if version.created_by_id else None
    return user.name if user else _("sistem")


def main_bpmn(version: ProcessVersion) -> tuple[str, str]:
    """The file name and XML of the version's own process."""
    for name, text in version.files["bpmn"].items():
        if version.service_key in _ids("bpmn", text):
            return name, text
    raise NotFound(_("Berkas BPMN utama tidak ditemukan."))


def service_name(version: ProcessVersion) -> str:
    """The service name of a version's model."""
    model = catalog.model_for_version(version)
    return model.main.name


def fee_decision_of(version: ProcessVersion) -> str | None:
    """The DMN decision id that computes the fee, if any."""
    return catalog.model_for_version(version).main.properties.get(P.FEE_DECISION)
