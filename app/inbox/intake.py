"""Jemput bola (assisted intake): an officer registers a walk-in or field applicant and applies for them."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.models import User
from app.cases import events
from app.cases import service as cases
from app.cases.models import Case
from app.common.errors import Forbidden, NotFound, ValidationFailed
from app.common.i18n import N_
from app.extensions import db

NIK_PATTERN = re.compile(r"^[0-9]{16}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")
# Application fields filled from the applicant's account when the service's form has them.
ACCOUNT_FIELDS = {"nik": "nik", "nama_lengkap": "name", "no_hp": "phone"}
INTAKE_NOTE = N_("permohonan dientri oleh petugas (jemput bola)")  # history note, translated where shown


def _mask(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"


def find_or_register_applicant(*, officer: User, nik: str, email: str, name: str,
                               phone: str | None = None) -> tuple[User, bool]:
    """The applicant with this NIK/email, or a new applicant account (no password yet); (user, created)."""
    if not officer.has_role("officer", "supervisor", "admin"):
        raise Forbidden(_("Hanya petugas yang dapat mendaftarkan pemohon."))
    nik, email, name, phone = nik.strip(), email.strip().lower(), name.strip(), (phone or "").strip() or None
    errors: dict[str, list[str]] = {}
    if not NIK_PATTERN.match(nik):
        errors["nik"] = [_("NIK terdiri dari 16 digit angka.")]
    if not EMAIL_PATTERN.match(email):
        errors["email"] = [_("Alamat email tidak valid.")]
    if phone and not PHONE_PATTERN.match(phone):
        errors["phone"] = [_("Nomor HP tidak valid (contoh: 081234567890).")]
    if errors:
        raise ValidationFailed(fields=errors)
    by_email = accounts.get_by_email(email)
    by_nik = db.session.scalar(select(User).where(User.nik == nik).order_by(User.id).limit(1))
    if by_email is not None:
        if not accounts.is_applicant_account(by_email):
            raise ValidationFailed(fields={"email": [_("Email ini bukan milik akun pemohon yang aktif; "
                                                       "permohonan hanya dapat diajukan atas nama pemohon.")]})
        if by_email.nik and by_email.nik != nik:
            raise ValidationFailed(fields={"nik": [_("Email ini sudah terdaftar dengan NIK lain.")]})
        if by_nik is not None and by_nik.id != by_email.id:
            raise ValidationFailed(fields={"nik": [_("NIK ini sudah terdaftar dengan email lain.")]})
        if not by_email.nik:
            by_email.nik = nik
        return by_email, False
    if by_nik is not None:
        raise ValidationFailed(fields={"email": [_("NIK ini sudah terdaftar dengan email %(email)s.",
                                                   email=_mask(by_nik.email))]})
    if len(name) < 3:
        raise ValidationFailed(fields={"name": [_("Tulis nama lengkap pemohon.")]})
    user = accounts.create_user(email=email, name=name, roles=("applicant",), phone=phone, nik=nik, verified=False)
    return user, True


def start_application(*, officer: User, applicant: User, service_key: str) -> Case:
    """A draft for the applicant, entered by the officer, prefilled from the applicant's account."""
    from app.catalog import service as catalog

    if not service_key:
        raise ValidationFailed(fields={"service": [_("Pilih layanan.")]})
    if not accounts.is_applicant_account(applicant):  # never on behalf of staff: no links into their account
        raise ValidationFailed(fields={"email": [_("Permohonan hanya dapat diajukan atas nama akun pemohon.")]})
    service = catalog.get(service_key)
    _version, model = catalog.active_model(service)
    properties = (catalog.application_form(model)["schema"].get("properties") or {})
    data = {key: getattr(applicant, attr) for key, attr in ACCOUNT_FIELDS.items()
            if key in properties and getattr(applicant, attr)}
    case = cases.create_draft(actor=officer, service_key=service_key, data=data, applicant=applicant)
    events.record(case, "assisted_intake", actor_id=officer.id, actor_role="petugas",
                  note=INTAKE_NOTE, note_values={})
    return case


def get_draft(officer: User, case_id: int) -> Case:
    """A case the officer entered for an applicant (supervisors: any entered case)."""
    case = db.session.get(Case, case_id)
    if case is None or case.entered_by_id is None or (
            case.entered_by_id != officer.id and not officer.has_role("supervisor", "admin")):
        raise NotFound(_("Permohonan jemput bola tidak ditemukan."))
    return case
