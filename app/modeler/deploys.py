"""Four-eyes deployment: an analyst requests that a version become active, a second person approves or rejects.

The requester never approves their own request, nor does the author of the version: two people see every
model before applicants run it. Every step is a line of the model change log and a security event.
`flask sync-processes` (models loaded from the server's processes/ folder) stays the operator's direct path.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.catalog import service as catalog
from app.catalog.models import Service
from app.common import clock
from app.common.errors import Conflict, Forbidden, ValidationFailed
from app.common.i18n import N_
from app.common.signals import security_event
from app.extensions import db

from .models import DeployRequest
from .service import get_version, record_event, require_analyst

MAX_NOTE = 2000
MAX_LISTED = 100

# The change log's own notes, stored in Indonesian (the log has no room for their values apart) and shown in the
# reader's language by `shown_note`; the notes people type are shown as typed.
AWAITING_NOTE = N_("menunggu persetujuan orang kedua")
DEPLOYED_NOTE = N_("versi %(version)s aktif; diminta %(requester)s, disetujui %(approver)s")
DEPLOYED_AFTER_NOTE = N_("versi %(version)s aktif (sebelumnya versi %(previous)s); diminta %(requester)s, "
                         "disetujui %(approver)s")
OPERATOR_NOTE = N_("dimuat operator dari folder processes/ (flask sync-processes), tanpa persetujuan analis")
OPERATOR_AFTER_NOTE = N_("dimuat operator dari folder processes/ (flask sync-processes), tanpa persetujuan analis "
                         "(sebelumnya versi %(previous)s)")
SYSTEM_NOTES = (DEPLOYED_AFTER_NOTE, DEPLOYED_NOTE, OPERATOR_AFTER_NOTE, OPERATOR_NOTE, AWAITING_NOTE)


def _note_pattern(source: str) -> re.Pattern:
    """A regular expression reading a stored note back into the values of its `%(name)s` placeholders."""
    escaped = re.escape(source)
    return re.compile(re.sub(r"%\\\((\w+)\\\)s", lambda found: f"(?P<{found.group(1)}>.+?)", escaped))


_NOTE_PATTERNS = tuple((source, _note_pattern(source)) for source in SYSTEM_NOTES)


def shown_note(note: str | None) -> str | None:
    """A change-log note in the reader's language: the system's own notes translated, typed notes as they are."""
    if not note:
        return note
    for source, pattern in _NOTE_PATTERNS:
        found = pattern.fullmatch(note)
        if found is not None:
            return _(source, **found.groupdict()) if found.groupdict() else _(source)
    return note


def _active_number(key: str) -> int | None:
    service = db.session.get(Service, key)
    return service.active_version.version if service is not None and service.active_version else None


def _audit(request: DeployRequest, kind: str, actor, note: str | None, **detail) -> None:
    record_event(request.service_key, request.version, kind, actor, note)
    security_event.send(None, kind=f"model_{kind}", actor_id=actor.id, subject=f"model:{request.service_key}",
                        ok=True, detail={"version": request.version, "request_id": request.id, **detail})


def pending(key: str | None = None) -> list[DeployRequest]:
    """Requests waiting for a second person, oldest first (of one service, or of all)."""
    query = select(DeployRequest).where(DeployRequest.state == "pending")
    if key is not None:
        query = query.where(DeployRequest.service_key == key)
    return list(db.session.scalars(query.order_by(DeployRequest.id).limit(MAX_LISTED)))


def pending_for(*, key: str, number: int) -> DeployRequest:
    """The pending request for a version; 404 for an unknown version, 409 when nothing waits."""
    get_version(key, number)
    # Locked (PostgreSQL): of two people deciding at once, the second finds nothing pending any more.
    request = db.session.scalar(select(DeployRequest).where(
        DeployRequest.service_key == key, DeployRequest.version == number, DeployRequest.state == "pending")
        .with_for_update(of=DeployRequest))
    if request is None:
        raise Conflict(_("Tidak ada permintaan aktivasi versi %(version)s yang menunggu persetujuan.", version=number))
    return request


def waiting_from_someone_else(*, key: str, number: int, actor) -> DeployRequest | None:
    """The version's pending request when someone other than `actor` made it (their call then approves it)."""
    get_version(key, number)
    request = db.session.scalar(select(DeployRequest).where(
        DeployRequest.service_key == key, DeployRequest.version == number, DeployRequest.state == "pending"))
    return request if request is not None and request.requested_by_id != actor.id else None


def request_deploy(*, key: str, number: int, actor, note: str | None = None) -> DeployRequest:
    """Ask for a version to become active (an older one: a roll back); it waits for a second person."""
    require_analyst(actor)
    version = get_version(key, number)
    if _active_number(key) == number:
        raise Conflict(_("Versi %(version)s sudah aktif.", version=number))
    request = DeployRequest(service_key=key, version=number, process_version_id=version.id, state="pending",
                            note=(note or "").strip()[:MAX_NOTE] or None, requested_by_id=actor.id,
                            requested_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError as exc:  # the partial unique index: one pending request per version
        raise Conflict(_("Permintaan aktivasi versi %(version)s sudah menunggu persetujuan.", version=number)) from exc
    _audit(request, "deploy_requested", actor, request.note or AWAITING_NOTE)
    return request


def _require_second_person(request: DeployRequest, actor) -> None:
    if actor.id == request.requested_by_id:
        raise Forbidden(_("Permintaan aktivasi harus disetujui analis atau admin lain, bukan oleh pemintanya."))
    author_id = get_version(request.service_key, request.version).created_by_id
    if author_id is not None and actor.id == author_id:
        raise Forbidden(_("Penyusun versi ini tidak dapat menyetujui aktivasinya sendiri."))


def approve(*, key: str, number: int, actor) -> Service:
    """A second analyst or admin approves the pending request: the version becomes active for new cases."""
    require_analyst(actor)
    request = pending_for(key=key, number=number)
    _require_second_person(request, actor)
    previous = _active_number(key)
    request.state, request.decided_by, request.decided_at = "approved", actor, clock.now()
    service = catalog.deploy(get_version(key, number)) if previous != number else db.session.get(Service, key)
    kind = "rolled_back" if previous is not None and number < previous else "deployed"
    values = {"version": number, "previous": previous, "requester": request.requested_by.name,
              "approver": actor.name}
    note = (DEPLOYED_AFTER_NOTE if previous else DEPLOYED_NOTE) % values
    record_event(key, number, kind, actor, note)
    security_event.send(None, kind="model_deployed", actor_id=actor.id, subject=f"model:{key}", ok=True,
                        detail={"version": number, "previous": previous, "request_id": request.id,
                                "requested_by": request.requested_by_id, "approved_by": actor.id})
    return service


def reject(*, key: str, number: int, actor, reason: str | None) -> DeployRequest:
    """Another analyst or admin rejects the pending request with a reason; its requester may withdraw it."""
    require_analyst(actor)
    request = pending_for(key=key, number=number)
    cleaned = (reason or "").strip()[:MAX_NOTE]
    own = actor.id == request.requested_by_id
    if not own and not cleaned:
        raise ValidationFailed(fields={"reason": [_("Alasan penolakan wajib diisi.")]})
    request.state = "withdrawn" if own else "rejected"
    request.decided_by, request.decided_at, request.decision_note = actor, clock.now(), cleaned or None
    _audit(request, "deploy_withdrawn" if own else "deploy_rejected", actor, cleaned or None,
           requested_by=request.requested_by_id)
    return request


def sync_from_disk() -> list[dict]:
    """The operator's direct path: load processes/ and forms/, deploying changed models; each deploy is audited."""
    report = catalog.sync_from_disk()
    for line in report:
        if not line.get("deployed"):
            continue
        previous = line.get("previous")
        note = OPERATOR_AFTER_NOTE % {"previous": previous} if previous else OPERATOR_NOTE
        record_event(line["service"], line["version"], "deployed_by_operator", None, note)
        security_event.send(None, kind="model_deployed", actor_id=None, subject=f"model:{line['service']}", ok=True,
                            detail={"version": line["version"], "previous": previous, "via": "sync-processes"})
    return report
