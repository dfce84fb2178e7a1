"""Case search for officers: registration number, applicant name, NIK, service, status, submission dates."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from app.accounts.models import User
from app.accounts.service import is_staff
from app.cases.models import Case
from app.common import clock
from app.common.errors import Forbidden, ValidationFailed
from app.extensions import db


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.JAKARTA)


def search_cases(user: User, *, q: str | None = None, nik: str | None = None, service: str | None = None,
                 status: str | None = None, submitted_from: date | None = None, submitted_to: date | None = None,
                 page: int = 1, per_page: int = 25) -> tuple[list[Case], int]:
    """Submitted cases matching every given criterion, newest first (drafts only when status=draft)."""
    if not is_staff(user):
        raise Forbidden(_("Pencarian permohonan khusus petugas."))
    if submitted_from and submitted_to and submitted_to < submitted_from:
        raise ValidationFailed(fields={"to": [_("Tanggal akhir sebelum tanggal awal.")]})
    applicant = aliased(User)
    query = (select(Case, func.count().over().label("total")).join(applicant, applicant.id == Case.applicant_id)
             .options(joinedload(Case.applicant).options(lazyload(User.role_rows), lazyload(User.groups)),
                      lazyload(Case.process_version), lazyload(Case.clock)))
    query = query.where(Case.status == status) if status else query.where(Case.status != "draft")
    if q and q.strip():
        term = q.strip()
        query = query.where(or_(Case.registration_number.like(_like(term.upper()), escape="\\"),
                                func.lower(applicant.name).like(_like(term.lower()), escape="\\")))
    if nik and nik.strip():
        value = nik.strip()
        query = query.where(or_(applicant.nik == value, Case.data["nik"].as_string() == value))
    if service:
        query = query.where(Case.service_key == service)
    if submitted_from:
        query = query.where(Case.submitted_at >= _day_start(submitted_from))
    if submitted_to:
        query = query.where(Case.submitted_at < _day_start(submitted_to + timedelta(days=1)))
    rows = db.session.execute(query.order_by(Case.submitted_at.desc().nulls_last(), Case.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        return [r[0] for r in rows], int(rows[0][1])
    if page == 1:
        return [], 0
    return [], int(db.session.scalar(query.with_only_columns(func.count(Case.id)).order_by(None)) or 0)
