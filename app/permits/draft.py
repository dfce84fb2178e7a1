"""The draft permit: what the head of division approves and the signer signs, before anything is issued.

It is the permit as it would be issued today from the case's data (same layout, holder, activity, place,
validity and conditions), marked on every page as a draft: no permit number is taken, no verification token
exists and no QR code is drawn, so a printed or forwarded draft cannot pass for a permit.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.cases import events
from app.cases.models import Case
from app.common import clock
from app.common.errors import Conflict
from app.common.i18n import N_
from app.extensions import db

from . import pdf
from .layout import Office
from .service import SIGNER_GROUP, validity_end

if TYPE_CHECKING:
    from app.inbox.models import Task

APPROVER_GROUP = "kabid"
DRAFT_GROUPS = (APPROVER_GROUP, SIGNER_GROUP)
DRAFT_NUMBER = "…… (diberikan saat izin ditandatangani)"
SIGNING_FIELD, SIGNED = "signing_decision", "sign"  # the signing form's choice that signs the permit
# The signing page's checkbox: the signer states they read the draft; the server refuses a signature without it.
CONFIRM_FIELD = "confirm_draft_reviewed"
CONFIRM_MESSAGE = N_("Centang pernyataan bahwa Anda telah memeriksa draf izin sebelum menandatanganinya "
                     "secara elektronik.")
CONFIRMED_NOTE = N_("draf izin diperiksa sebelum ditandatangani")  # stored in Indonesian, shown translated


def shows_draft(task: Task) -> bool:
    """Whether the task is a step that decides on the permit (approval or signing), whose page shows the draft."""
    return task.group_key in DRAFT_GROUPS


def _recommendation_conditions(case: Case) -> list[str]:
    """The conditions of the case's latest technical recommendation (from its task row), one per line."""
    from app.inbox.models import Task

    rows = db.session.scalars(select(Task).where(Task.case_id == case.id, Task.state == "completed")
                              .order_by(Task.completed_at.desc()))
    for row in rows:
        result = row.result or {}
        if "recommendation" in result:
            raw = result.get("recommendation_conditions")
            text = raw if isinstance(raw, str) else ""
            return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]
    return []


def render(case: Case, *, signer: User | None = None) -> bytes:
    """The case's draft permit PDF; the signer's name is the viewer's when they sign, else the head of office's."""
    from app.catalog import service as catalog

    office = Office.from_config()
    model = catalog.model_for_version(case.process_version)
    schema = catalog.application_form(model)["schema"]
    holder, activity, place = pdf.describe_case_data(case.service_key, case.service.name, schema, case.data or {})
    today = clock.now().astimezone(clock.JAKARTA).date()
    content = pdf.PermitContent(
        number=DRAFT_NUMBER, service_name=case.service.name, registration_number=case.registration_number,
        submitted_at=case.submitted_at, holder_rows=holder, activity=activity, place_rows=place,
        issued_at=clock.now(), valid_until=validity_end(case, today),
        signer_name=(signer.name if signer is not None else office.head_name) or "",
        signer_nip=signer.nip if signer is not None else (office.head_nip or None), verify_url="",
        conditions=_recommendation_conditions(case), draft=True)
    return pdf.render_permit(content, office)


def for_task(*, task: Task, viewer: User) -> bytes:
    """The draft permit seen from an open approval or signing step (the caller checked the viewer may see it)."""
    from app.inbox.models import OPEN_STATES

    if not shows_draft(task):
        raise Conflict(_("Draf izin hanya tersedia pada langkah persetujuan dan penandatanganan izin."))
    if task.state not in OPEN_STATES:
        raise Conflict(_("Langkah ini sudah selesai; draf izin hanya tersedia selama langkah berjalan."))
    signs = task.group_key == SIGNER_GROUP and SIGNER_GROUP in viewer.group_keys
    return render(task.case, signer=viewer if signs else None)


def asks_confirmation(task: Task) -> bool:
    """Whether completing the task from its page signs the permit, and so needs the signer's confirmation."""
    return task.group_key == SIGNER_GROUP


def confirmation_errors(*, task: Task, data: dict, confirmed: str | None) -> dict[str, list[str]]:
    """The field error of a signature sent from the task page without ticking the draft-reviewed box."""
    if asks_confirmation(task) and data.get(SIGNING_FIELD) == SIGNED and confirmed != "1":
        return {CONFIRM_FIELD: [_(CONFIRM_MESSAGE)]}
    return {}


def record_confirmation(*, task: Task, actor: User, data: dict) -> None:
    """Put the signer's statement that they read the draft on the case's audit trail (same transaction)."""
    if asks_confirmation(task) and data.get(SIGNING_FIELD) == SIGNED:
        events.record(task.case, "draft_permit_confirmed", actor_id=actor.id, step=task.name, bpmn_id=task.bpmn_id,
                      actor_role=task.group_key, note=CONFIRMED_NOTE, note_values={},
                      data={"task_id": task.id})
