"""Officers confirm a payment from a bank slip brought to the counter, through the gateway's own path.

The confirmation goes through `service.confirm_payment` exactly like the gateway's callback
(idempotency on the reference, the amount and expiry checks, the audit event, the message to
the waiting process, the security signal); what differs is the actor (the officer) and the
proof of payment, stored like a case document (content sniffed, size limited).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.cases import service as cases
from app.cases import storage
from app.cases.models import Case
from app.common import clock
from app.common.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from app.common.i18n import N_
from app.extensions import db

from . import service
from .models import Bill

CONFIRMING_GROUPS = ("verifikator",)  # the front office takes bank slips at the counter
CONFIRMING_ROLES = ("supervisor", "admin")
PROOF_ACCEPT = [".pdf", ".jpg", ".jpeg", ".png"]
PROOF_REQUIREMENT = "bukti_bayar"
FUTURE_TOLERANCE = timedelta(minutes=5)
LOCAL_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")
# The slip's text fields: (name, longest, message when empty, message when too long).
TEXT_FIELDS = (
    ("bank", 64, N_("Nama bank atau kanal pembayaran wajib diisi."),
     N_("Nama bank atau kanal pembayaran paling panjang %(limit)s karakter.")),
    ("reference", 64, N_("Nomor referensi/transaksi pada slip wajib diisi."),
     N_("Nomor referensi/transaksi pada slip paling panjang %(limit)s karakter.")),
)


def can_confirm(user: User) -> bool:
    """Front office officers (group verifikator), supervisors and admins record counter payments."""
    if user.has_role(*CONFIRMING_ROLES):
        return True
    return user.has_role("officer") and any(g in CONFIRMING_GROUPS for g in user.group_keys)


def require_confirmer(user: User) -> None:
    """403 unless the user may confirm payments."""
    if not can_confirm(user):
        raise Forbidden(_("Konfirmasi pembayaran hanya untuk petugas loket, supervisor dan admin."))


def get_bill(bill_id: int) -> Bill:
    """A bill by id, or 404."""
    bill = db.session.get(Bill, bill_id)
    if bill is None:
        raise NotFound(_("Tagihan tidak ditemukan."))
    return bill


def outstanding(*, q: str | None = None, page: int = 1, per_page: int = 50) -> tuple[list[Bill], int]:
    """Unpaid open bills, the oldest deadline first; `q` matches a billing code or a registration number."""
    query = select(Bill).join(Case, Case.id == Bill.case_id).where(Bill.status == "issued")
    term = (q or "").strip()
    if term:
        query = query.where(or_(Bill.billing_code.startswith(term.replace(" ", "")),
                                func.upper(Case.registration_number).contains(term.upper())))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # The page shows each bill's case, service and applicant: load them with the bills, not one by one.
    items = list(db.session.scalars(query.options(contains_eager(Bill.case)).order_by(Bill.expires_at, Bill.id)
                                    .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def parse_amount(raw: object) -> int | None:
    """Rupiah typed by people: 248400, 248.400, Rp 248.400 (None when not a positive whole amount)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw > 0 else None
    text = re.sub(r"^rp\.?", "", str(raw or "").strip().lower()).strip()
    text = text.replace(".", "").replace(" ", "")
    if text.endswith(",00"):
        text = text[:-3]
    return int(text) if text.isdigit() and int(text) > 0 else None


def parse_moment(raw: object) -> datetime | None:
    """A payment moment: ISO 8601 with an offset, or a local 'YYYY-MM-DDTHH:MM' read in Jakarta time."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is None:
        if not LOCAL_MOMENT.match(text):
            return None
        moment = moment.replace(tzinfo=clock.JAKARTA)
    return moment


def parse_form(bill: Bill, form: Mapping) -> dict:
    """The confirmation's fields, checked (422 with a message per field)."""
    errors: dict[str, list[str]] = {}
    amount = parse_amount(form.get("amount"))
    if amount is None:
        errors["amount"] = [_("Isi jumlah yang dibayar dalam rupiah, tanpa desimal (contoh 248.400).")]
    paid_at = parse_moment(form.get("paid_at"))
    if paid_at is None:
        errors["paid_at"] = [_("Isi tanggal dan jam pembayaran pada slip bank.")]
    elif paid_at > clock.now() + FUTURE_TOLERANCE:
        errors["paid_at"] = [_("Waktu pembayaran tidak boleh di masa depan.")]
    elif paid_at < bill.issued_at - FUTURE_TOLERANCE:
        errors["paid_at"] = [_("Waktu pembayaran lebih awal dari terbitnya SKRD.")]
    fields = {}
    for name, limit, missing, too_long in TEXT_FIELDS:
        value = " ".join(str(form.get(name) or "").split())
        if not value:
            errors[name] = [_(missing)]
        elif len(value) > limit:
            errors[name] = [_(too_long, limit=limit)]
        fields[name] = value
    if errors:
        raise ValidationFailed(fields=errors)
    return {"amount": amount, "paid_at": paid_at, **fields}


@contextmanager
def proof_cleanup() -> Iterator[list[str]]:
    """Storage keys of proofs stored in the block; their files are deleted if the block fails (no commit)."""
    keys: list[str] = []
    try:
        yield keys
    except BaseException:
        for key in keys:
            storage.remove(key)
        raise


def confirm_in_transaction(*, actor: User, bill: Bill, form: Mapping, proof) -> tuple[Bill, str]:
    """`confirm` as one committed transaction (the page's and the API's boundary): a race with another
    confirmation or the gateway is a 409, and a proof stored for a failed attempt is deleted."""
    with proof_cleanup() as stored:
        try:
            result = confirm(actor=actor, bill=bill, form=form, proof=proof, stored_keys=stored)
            db.session.commit()
        except (StaleDataError, IntegrityError) as exc:
            db.session.rollback()
            raise Conflict(_("Pembayaran sedang diproses oleh permintaan lain; ulangi sebentar lagi.")) from exc
        except BaseException:
            db.session.rollback()
            raise
    return result


def confirm(*, actor: User, bill: Bill, form: Mapping, proof, stored_keys: list[str]) -> tuple[Bill, str]:
    """Record a payment an officer saw on a bank slip: same path as the gateway, with the officer and the proof."""
    require_confirmer(actor)
    values = parse_form(bill, form)
    if proof is None or not getattr(proof, "filename", ""):
        same = db.session.scalar(select(Bill).where(Bill.reference == values["reference"]))
        if same is None or same.id != bill.id:  # a repeat of a recorded confirmation needs no second proof
            raise ValidationFailed(fields={"proof": [_("Unggah bukti pembayaran (PDF, JPG atau PNG).")]})

    def attach(target: Bill):
        try:
            stored = storage.store(proof.stream, filename=proof.filename, accept=PROOF_ACCEPT,
                                   max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
        except AppError as exc:  # the upload's own 413/415/422, reported against the proof field
            exc.fields = {"proof": [m for ms in exc.fields.values() for m in ms] or [exc.message]}
            raise
        stored_keys.append(stored.key)
        return cases.attach_document(case=target.case, actor=actor, requirement=PROOF_REQUIREMENT, stored=stored,
                                     filename=f"bukti-bayar-{target.billing_code}-{proof.filename}")

    now = clock.now()
    result, status = service.confirm_payment(billing_code=bill.billing_code, amount=values["amount"],
                                             paid_at=values["paid_at"], reference=values["reference"],
                                             channel=values["bank"], actor=actor, attach_proof=attach)
    if result.id != bill.id:  # the reference paid another bill: refused by confirm_payment, kept for safety
        raise ValidationFailed(fields={"reference": [_("Referensi ini sudah dipakai untuk tagihan lain.")]})
    service.log_confirmation({"source": "manual", "officer_id": actor.id, "billing_code": bill.billing_code,
                              "amount": values["amount"], "paid_at": clock.iso(values["paid_at"]),
                              "reference": values["reference"], "channel": values["bank"]},
                             status, bill=result, now=now)
    return result, status
