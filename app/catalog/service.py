"""The service catalog: load models from disk into versions, deploy, and hand out parsed models."""
from __future__ import annotations

import json
import logging

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.common import clock
from app.common.errors import NotFound
from app.engine import Bundle, Library, ModelError, ParsedModel, SpecCache
from app.engine import properties as P
from app.extensions import db

from . import texts
from .models import ProcessVersion, Service

log = logging.getLogger(__name__)


def spec_cache() -> SpecCache:
    """The application's cache of parsed models."""
    return current_app.extensions["satupintu.spec_cache"]


def model_for_version(version: ProcessVersion) -> ParsedModel:
    """The parsed model of a stored version (parsed once per content hash)."""
    cached = spec_cache().get_by_hash(version.content_hash)
    if cached is not None:
        return cached
    return spec_cache().get(Bundle(version.service_key, version.files))


def get(key: str) -> Service:
    """A service by key, or 404."""
    service = db.session.get(Service, key)
    if service is None or service.active_version_id is None:
        raise NotFound("Layanan tidak ditemukan.")
    return service


def list_public() -> list[Service]:
    """Services open to applicants, by name."""
    # With each one's active version in the same statement: the catalog shows its number (one query, not 1 + N).
    return list(db.session.scalars(
        select(Service).options(joinedload(Service.active_version))
        .where(Service.active_version_id.is_not(None), Service.is_public.is_(True)).order_by(Service.name)))


def active_model(service: Service) -> tuple[ProcessVersion, ParsedModel]:
    """The active version of a service and its parsed model."""
    version = service.active_version
    if version is None:
        raise NotFound("Layanan belum memiliki versi aktif.")
    return version, model_for_version(version)


def _with_translations(form: dict | None, model) -> dict | None:
    """A decoded form carrying its version's whole catalog as `x-translations` (app/catalog/texts.py).

    The texts stay Indonesian (what permits and stored rows are made of); the renderer and the validator
    translate from the catalog the form carries, so the version's other files (the requirements named by a
    verification form's entries, the process's own file) lend their translations to it too.
    """
    if isinstance(form, dict):
        catalog = texts.translations(model)
        if catalog:
            form[texts.TRANSLATIONS] = catalog
    return form


def application_form(model: ParsedModel) -> dict:
    """The application form of a service version: {"schema", "ui_schema"} (with the version's translations)."""
    props = model.main.properties
    return {"schema": _with_translations(model.form(props.get(P.APPLICATION_FORM_SCHEMA)), model)
            or {"type": "object"},
            "ui_schema": _with_translations(model.form(props.get(P.APPLICATION_FORM_UI_SCHEMA)), model) or {}}


def requirements_of(model: ParsedModel) -> list[dict]:
    """The requirement list of a service version."""
    return model.form(model.main.properties.get(P.REQUIREMENTS_FILE)) or []


def fee_of(model: ParsedModel) -> dict:
    """The fee description of a service version."""
    props = model.main.properties
    kind = props.get(P.FEE_KIND, "free")
    fee: dict = {"kind": kind}
    if kind == "fixed":
        fee["amount"] = int(props.get(P.FEE_AMOUNT, "0") or 0)
    if kind == "computed":
        fee["decision"] = props.get(P.FEE_DECISION)
    return fee


def _apply_catalog_facts(service: Service, model: ParsedModel) -> None:
    props = model.main.properties
    service.name = model.main.name
    service.description = model.main.documentation
    service.category = props.get(P.SERVICE_CATEGORY, "perizinan")
    service.sop_days = int(props.get(P.SOP_WORKING_DAYS, "5") or 5)
    service.registration_prefix = props.get(P.REGISTRATION_PREFIX) or service.key.upper()[:8]
    service.requirements = requirements_of(model)
    service.fee = fee_of(model)
    if service.fee["kind"] == "computed":  # the fee table's rules in words, for the catalog
        from app.payments.fees import fee_rules

        service.fee["table"] = fee_rules(model, service.fee.get("decision"))
    # catalogVisible=false: offered (e.g. pengaduan, filed through its own channel) but not listed for applicants
    service.is_public = (props.get(P.CATALOG_VISIBLE) or "true").strip().lower() not in ("false", "0", "no", "tidak")


def create_version(*, bundle: Bundle, author_id: int | None = None, comment: str = "") -> tuple[ProcessVersion, bool]:
    """Store a bundle as a new version unless identical content exists; returns (version, created)."""
    existing = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.service_key == bundle.process_id, ProcessVersion.content_hash == bundle.content_hash))
    if existing is not None:
        return existing, False
    spec_cache().get(bundle)  # parses: raises ModelError before anything is stored
    last = db.session.scalar(select(func.max(ProcessVersion.version))
                             .where(ProcessVersion.service_key == bundle.process_id)) or 0
    version = ProcessVersion(service_key=bundle.process_id, version=last + 1, content_hash=bundle.content_hash,
                             files=bundle.files, comment=comment, created_by_id=author_id)
    db.session.add(version)
    db.session.flush()
    return version, True


def deploy(version: ProcessVersion) -> Service:
    """Make a version active for new cases; running cases keep theirs."""
    model = model_for_version(version)
    service = db.session.get(Service, version.service_key)
    if service is None:
        service = Service(key=version.service_key, registration_prefix="")
        db.session.add(service)
    _apply_catalog_facts(service, model)
    service.active_version_id = version.id
    version.deployed_at = clock.now()
    db.session.flush()
    return service


def sync_from_disk(processes_dir: str | None = None, forms_dir: str | None = None) -> list[dict]:
    """Load every service model from processes/ and forms/; new content becomes the active version.

    The operator's trusted path (no four-eyes approval): `flask sync-processes` records each deploy it makes
    through `app.modeler.deploys.sync_from_disk`.
    """
    cfg = current_app.config
    library = Library.from_dirs(processes_dir or cfg["PROCESSES_DIR"], forms_dir or cfg["FORMS_DIR"])
    report = []
    for key in library.services():
        try:
            bundle = library.bundle(key)
            version, created = create_version(bundle=bundle, comment="dimuat dari processes/")
        except ModelError as exc:
            report.append({"service": key, "error": str(exc), "problems": exc.problems})
            continue
        service = db.session.get(Service, key)
        previous = service.active_version.version if service is not None and service.active_version else None
        deployed = created or previous is None
        if deployed:
            deploy(version)
        report.append({"service": key, "version": version.version, "created": created, "deployed": deployed,
                       "previous": previous})
    return report


def form_file(version: ProcessVersion, filename: str | None) -> dict | None:
    """A form of a version by file name."""
    if not filename:
        return None
    # From the parsed model cached by content hash: the version's files column is not read per request.
    model = model_for_version(version)
    text = model.bundle.files.get("forms", {}).get(filename)
    return _with_translations(json.loads(text), model) if text else None
