"""Cases stopped by an engine error: list them, move them to a fixed version, repair their stored data, retry."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.catalog import service as catalog
from app.catalog.models import ProcessVersion
from app.common.errors import Conflict, NotFound
from app.common.i18n import N_, translate
from app.engine import UnreadableState
from app.engine.migration import MigrationCheck, check_migration, migrate
from app.extensions import db

from .service import require_analyst

MAX_LISTED = 200
REPAIRED_NOTE = N_("Data status alur kerja dinetralkan analis.")  # shown in the reader's language (note_for)
MIGRATED_NOTE = N_("versi model %(old)s → %(new)s")


@dataclass
class RepairCheck:
    """Whether a repair can restore a case's stored state, and which data paths it would neutralise."""

    possible: bool
    neutralised: list[str]
    reason: str | None = None


def _cases():
    from app.cases.models import Case

    return Case


def _workflow():
    from app.cases import workflow

    return workflow


def _incident_case(case_id: int):
    case = db.session.get(_cases(), case_id)
    if case is None:
        raise NotFound(_("Permohonan tidak ditemukan."))
    if case.status != "incident":
        raise Conflict(_("Permohonan tidak sedang dalam status insiden."))
    return case


def count() -> int:
    """Cases in status incident."""
    case = _cases()
    return db.session.scalar(select(func.count()).select_from(case).where(case.status == "incident")) or 0


def list_open() -> list[dict]:
    """Cases in incident, newest first, with a dry run of moving each to its service's active version."""
    case_model = _cases()
    rows = []
    for case in db.session.scalars(select(case_model).where(case_model.status == "incident")
                                   .order_by(case_model.updated_at.desc()).limit(MAX_LISTED)):
        active = case.service.active_version
        move = None
        if active is not None and active.id != case.process_version_id:
            move = dry_run(case, active)
        rows.append({"case": case, "version": case.process_version.version, "active": active, "move": move,
                     "repair": repair_preview(case) if case.incident_element is None else None})
    return rows


def repair_preview(case) -> RepairCheck | None:
    """For a case whose stored state cannot be restored: what a repair would neutralise (None if it is readable)."""
    try:
        _workflow().load(case)
        return None
    except UnreadableState:
        pass
    try:
        _run, neutralised = _workflow().engine().repair(catalog.model_for_version(case.process_version),
                                                     case.workflow_state)
    except UnreadableState as exc:
        return RepairCheck(possible=False, neutralised=[], reason=exc.message)
    return RepairCheck(possible=True, neutralised=neutralised)


def repair(*, case_id: int, actor):
    """Neutralise forged class tags in a case's stored state (kept as plain data), then retry it; audited."""
    from app.cases import events
    from app.cases import service as cases

    require_analyst(actor)
    case = _incident_case(case_id)
    try:
        run, neutralised = _workflow().engine().repair(catalog.model_for_version(case.process_version),
                                                       case.workflow_state)
    except UnreadableState as exc:
        raise Conflict(_("Status alur kerja tidak dapat diperbaiki otomatis: %(error)s",
                         error=translate(exc.message))) from exc
    pending = _pending_messages(case)
    case.workflow_state = run.serialize()
    events.record(case, "incident_repaired", actor_id=actor.id, note=REPAIRED_NOTE, note_values={},
                  data={"neutralised": neutralised, "pending_messages": [m["name"] for m in pending]})
    cases.retry_incident(case=case, actor=actor)
    for message in pending:  # messages that arrived while the state was unreadable (e.g. a payment)
        if case.status == "incident":
            break
        try:
            cases.deliver_message(case, message["name"], message["payload"], actor_id=actor.id)
        except Conflict:
            continue  # the process no longer waits for it
    return case


def _pending_messages(case) -> list[dict]:
    """Messages recorded by incidents since the case's last repair, oldest first."""
    from app.cases.models import CaseEvent

    found: list[dict] = []
    for event in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                            CaseEvent.kind.in_(("incident", "incident_repaired")))
                                    .order_by(CaseEvent.id)):
        if event.kind == "incident_repaired":
            found = []
        elif (event.data or {}).get("pending_message"):
            found.append(event.data["pending_message"])
    return found


def dry_run(case, target: ProcessVersion) -> MigrationCheck:
    """Whether the case's workflow can move to `target`, without changing anything."""
    from app.cases import workflow

    try:
        return check_migration(workflow.load(case), catalog.model_for_version(target))
    except Exception as exc:  # noqa: BLE001 - a dry run reports, never fails the page
        return MigrationCheck(possible=False, reasons=[_("tidak dapat diperiksa: %(error)s", error=exc)])


def move_to_version(case, target: ProcessVersion, *, actor) -> None:
    """Move a case's workflow to another version of its model (state only; the caller runs on)."""
    from app.cases import events, workflow

    if target.service_key != case.service_key:
        raise Conflict(_("Versi itu milik layanan lain."))
    if target.id == case.process_version_id:
        return
    try:
        run = workflow.load(case)
    except UnreadableState as exc:
        raise Conflict(_("Permohonan tidak dapat dipindahkan: %(error)s", error=translate(exc.message))) from exc
    model = catalog.model_for_version(target)
    check = check_migration(run, model)
    if not check.possible:
        raise Conflict(_("Permohonan tidak dapat dipindahkan ke versi %(version)s: %(reasons)s", version=target.version,
                         reasons="; ".join(translate(r) for r in check.reasons)))
    moved = migrate(run, model)
    old = case.process_version.version
    case.process_version_id = target.id
    case.process_version = target
    case.workflow_state = moved.serialize()
    events.record(case, "model_migrated", actor_id=actor.id, note=MIGRATED_NOTE,
                  note_values={"old": old, "new": target.version},
                  data={"changed": check.changed, "removed": check.removed})


def retry(*, case_id: int, actor, move_to_active: bool = False):
    """Retry a case in incident, first moving it to the service's active version when asked."""
    from app.cases import service as cases

    require_analyst(actor)
    case = _incident_case(case_id)
    if move_to_active and case.service.active_version is not None:
        move_to_version(case, case.service.active_version, actor=actor)
    cases.retry_incident(case=case, actor=actor)
    return case
