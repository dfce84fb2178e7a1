"""Internal notes between officers about a case: kept apart from the audit trail and never shown to applicants."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.service import is_staff
from app.cases.models import Case
from app.common import clock
from app.common.errors import Forbidden, ValidationFailed
from app.common.i18n import format_number
from app.extensions import db

from .models import CaseNote

MAX_NOTE_LENGTH = 4000


def add_note(*, case: Case, author: User, body: str, task_id: str | None = None) -> CaseNote:
    """Add an internal note to a case (office staff only)."""
    if not is_staff(author):
        raise Forbidden(_("Catatan internal hanya untuk petugas."))
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(fields={"body": [_("Tulis isi catatan.")]})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed(fields={"body": [_("Paling banyak %(count)s karakter.",
                                                   count=format_number(MAX_NOTE_LENGTH))]})
    note = CaseNote(case_id=case.id, task_id=task_id, author_id=author.id, body=text, created_at=clock.now())
    db.session.add(note)
    db.session.flush()
    return note


def notes_of(case: Case, viewer: User) -> list[CaseNote]:
    """A case's internal notes, oldest first; nothing for anyone but office staff."""
    if not is_staff(viewer):
        return []
    return list(db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)))
