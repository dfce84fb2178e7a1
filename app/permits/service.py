"""Permits: numbering and issuance records, verification tokens."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select

from app.cases import events
from app.cases.models import Case
from app.common import clock
from app.common.sequences import next_value
from app.extensions import db

from .models import Permit


def permit_number(case: Case, year: int) -> str:
    """Next gap-free permit number for the case's service and year, e.g. 503/SIPA/2026/00001."""
    prefix = case.service.registration_prefix
    sequence = next_value(f"permit:{case.service_key}:{year}")
    return f"503/{prefix}/{year}/{sequence:05d}"


def _valid_until(issued: date, years: int | None) -> date | None:
    if not years:
        return None
    try:
        return issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


def issue_for_case(case: Case, process_data: dict, *, actor_id: int | None) -> Permit:
    """Record the permit of an issued case (once)."""
    existing = db.session.scalar(select(Permit).where(Permit.case_id == case.id, Permit.status == "valid"))
    if existing is not None:
        return existing
    from app.catalog import service as catalog
    from app.engine import properties as P

    model = catalog.model_for_version(case.process_version)
    years_raw = model.main.properties.get(P.PERMIT_VALIDITY_YEARS)
    years = int(years_raw) if years_raw and years_raw.isdigit() else None
    now = clock.now()
    local_today = now.astimezone(clock.JAKARTA).date()
    application = case.data or {}
    permit = Permit(number=permit_number(case, local_today.year), case_id=case.id, service_key=case.service_key,
                    holder_name=application.get("nama_lengkap") or case.applicant.name, issued_at=now,
                    valid_until=_valid_until(local_today, years), verify_token=secrets.token_urlsafe(24),
                    status="valid")
    db.session.add(permit)
    db.session.flush()
    events.record(case, "permit_issued", note=permit.number, actor_id=actor_id, data={"number": permit.number})
    return permit


def for_case(case_id: int) -> Permit | None:
    """The current (latest) permit of a case."""
    return db.session.scalar(select(Permit).where(Permit.case_id == case_id).order_by(Permit.id.desc()))


def get_by_token(token: str) -> Permit | None:
    """A permit by its verification token."""
    return db.session.scalar(select(Permit).where(Permit.verify_token == token))


def status_of(permit: Permit) -> str:
    """valid, revoked or expired (as of today in Jakarta)."""
    if permit.status == "revoked":
        return "revoked"
    today = clock.now().astimezone(clock.JAKARTA).date()
    if permit.valid_until is not None and permit.valid_until < today:
        return "expired"
    return "valid"
