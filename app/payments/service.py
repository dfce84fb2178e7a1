"""Retribusi: issue and expire bills when the model asks, confirm payments from the gateway's callback."""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.cases import events
from app.cases.models import Case
from app.common import clock
from app.common.errors import AppError, BadRequest, Conflict, NotFound, Unauthorized, ValidationFailed, flatten_messages
from app.common.i18n import N_, format_moment, format_number, format_number_in
from app.common.sequences import next_value
from app.common.signals import security_event
from app.extensions import db

from . import billing
from .models import Bill, PaymentLog

BILL_STATUS_LABELS = {"issued": N_("belum dibayar"), "paid": N_("lunas"), "expired": N_("kedaluwarsa"),
                      "cancelled": N_("dibatalkan")}
# What a closed bill's event note says (stored in Indonesian, shown in the reader's language by the history).
PAST_DEADLINE_NOTE = N_("batas pembayaran terlewati")
CASE_ENDED_NOTES = {"rejected": N_("permohonan ditolak"), "expired": N_("permohonan kedaluwarsa"),
                    "withdrawn": N_("permohonan dibatalkan"), "approved": N_("permohonan selesai")}
PAID_BY_GATEWAY_NOTE = N_("%(code)s · %(amount)s · ref %(reference)s · dikonfirmasi Bapenda")
PAID_AT_COUNTER_NOTE = N_("%(code)s · %(amount)s · ref %(reference)s · dikonfirmasi petugas (%(channel)s)")
NOTE_LOCALE = "id"  # amounts inside stored notes are written the Indonesian way, whoever's request stored them

DEFAULT_VALID_DAYS = 14
SKRD_NUMBER_FORMAT = "973/{seq:05d}/SKRD/{year}"
MESSAGE = "payment_received"
LOG_PAYLOAD_LIMIT = 4000
CLOCK_SKEW = timedelta(minutes=5)  # the gateway's clock and ours may differ this much


# -- bills ------------------------------------------------------------------------------------


def bills_of(case: Case) -> list[Bill]:
    """Every bill of a case, oldest first."""
    return list(db.session.scalars(select(Bill).where(Bill.case_id == case.id).order_by(Bill.id)))


def get_by_code(code: str) -> Bill | None:
    """A bill by its billing code."""
    return db.session.scalar(select(Bill).where(Bill.billing_code == code))


def issue_bill(case: Case, *, amount: Any, basis: str | None = None, valid_days: Any = DEFAULT_VALID_DAYS,
               element_id: str | None = None, data: dict | None = None) -> Bill:
    """Issue a bill (SKRD) with a new billing code and SKRD number; an open bill of the same step is reused."""
    if isinstance(amount, bool) or not isinstance(amount, int | float) or int(amount) != amount or amount <= 0:
        raise ValueError(f"fee_amount harus bilangan bulat rupiah lebih dari nol, bukan {amount!r}")
    existing = db.session.scalar(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued",
                                                    Bill.element_id == element_id))
    if existing is not None:
        return existing
    now = clock.now()
    expires_at = now + timedelta(days=int(valid_days or DEFAULT_VALID_DAYS))
    code = billing.adapter().new_code(case_id=case.id, amount=int(amount), expires_at=expires_at)
    from .fees import assessment

    bill = Bill(case_id=case.id, billing_code=code, amount=int(amount), basis=(basis or None), status="issued",
                issued_at=now, expires_at=expires_at, element_id=element_id, skrd_number=new_skrd_number(now),
                fee_details=assessment(case, amount=int(amount), basis=basis, data=data or {}))
    db.session.add(bill)
    db.session.flush()
    events.record(case, "bill_issued", actor_id=None, bpmn_id=element_id,
                  note=f"{code} · {rupiah(bill.amount, NOTE_LOCALE)}",
                  data={"billing_code": code, "amount": bill.amount, "expires_at": clock.iso(expires_at)})
    _notify_bill(case, bill)
    return bill


def new_skrd_number(moment: datetime) -> str:
    """The next SKRD number of the year: SKRD_NUMBER_FORMAT with a gap-free yearly `seq` (973: retribusi)."""
    year = moment.astimezone(clock.JAKARTA).year
    fmt = current_app.config.get("SKRD_NUMBER_FORMAT") or SKRD_NUMBER_FORMAT
    return fmt.format(seq=next_value(f"skrd:{year}"), year=year)


def check_skrd_number_format(fmt: str) -> None:
    """Fail at start when SKRD_NUMBER_FORMAT does not number with {seq} (and only seq and year)."""
    try:
        sample = fmt.format(seq=1, year=2026)
    except (KeyError, IndexError, ValueError) as exc:
        raise RuntimeError(f"SKRD_NUMBER_FORMAT may use only {{seq}} and {{year}}: {fmt!r}") from exc
    if sample == fmt.format(seq=2, year=2026) or len(sample) > 64:
        raise RuntimeError(f"SKRD_NUMBER_FORMAT must contain {{seq}} and stay under 64 characters: {fmt!r}")


def skrd_number_of(bill: Bill) -> str:
    """The bill's SKRD number (bills issued before numbering began get one derived from their id)."""
    return bill.skrd_number or f"973/{bill.id:05d}/SKRD/{bill.issued_at.astimezone(clock.JAKARTA).year}"


def _notify_bill(case: Case, bill: Bill) -> None:
    from app.notifications import service as notifications

    # The template writes the amount and the deadline from `bill` and `expires_at`, in its recipient's language.
    notifications.notify_case(case, "bill_issued", element_id=f"bill-{bill.id}",
                              context={"bill": bill, "amount": rupiah(bill.amount, NOTE_LOCALE),
                                       "expires_at": clock.to_local(bill.expires_at)})


def close_open_bills(case: Case, status: str, *, element_id: str | None = None, note: str | None = None) -> list[Bill]:
    """Mark a case's unpaid bills expired or cancelled (they can no longer be paid).

    `note` is a fixed text marked with `N_` (stored in Indonesian, translated where the history shows it).
    """
    now = clock.now()
    closed = []
    for bill in db.session.scalars(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued")):
        bill.status = status
        bill.closed_at = now
        closed.append(bill)
        if note:
            events.record(case, f"bill_{status}", actor_id=None, bpmn_id=element_id, note=note, note_values={},
                          data={"billing_code": bill.billing_code})
        else:
            events.record(case, f"bill_{status}", actor_id=None, bpmn_id=element_id, note=bill.billing_code,
                          data={"billing_code": bill.billing_code})
    return closed


def outstanding_for(case: Case) -> list[dict]:
    """Unpaid bills as the case's `outstanding` entries (API.md)."""
    return [{"kind": "payment", "billing_code": b.billing_code, "amount": b.amount,
             "expires_at": clock.iso(b.expires_at), "basis": b.basis}
            for b in db.session.scalars(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued")
                                        .order_by(Bill.id))]


def rupiah(amount: int, locale: str | None = None) -> str:
    """Rp 1.234.500: in the page's language, or in `locale` (what is stored is written in Indonesian)."""
    number = format_number(int(amount)) if locale is None else format_number_in(int(amount), locale)
    return f"Rp {number}"


# -- signal receivers ------------------------------------------------------------------------


HOST_ACTIONS = ("issue_bill", "expire_bill")


def on_host_action(sender, *, case: Case, action: str, element_id: str, properties: dict, data: dict,
                   **_: Any) -> None:
    """issue_bill and expire_bill, asked for by the model inside the step's transaction."""
    if action == "issue_bill":
        issue_bill(case, amount=data.get("fee_amount"), basis=data.get("fee_basis"),
                   valid_days=data.get("bill_valid_days", DEFAULT_VALID_DAYS), element_id=element_id, data=data)
    elif action == "expire_bill":
        close_open_bills(case, "expired", element_id=element_id, note=PAST_DEADLINE_NOTE)


def on_case_finished(sender, *, case: Case, outcome: str, **_: Any) -> None:
    """A case that ends (withdrawn, rejected, expired) leaves no bill open."""
    if outcome != "issued":
        close_open_bills(case, "expired" if outcome == "expired" else "cancelled",
                         note=CASE_ENDED_NOTES.get(outcome) or N_("permohonan selesai"))


# -- the gateway's callback -------------------------------------------------------------------


def signature_for(raw: bytes, secret: str) -> str:
    """The X-Signature header value for a body: sha256=<hex HMAC-SHA256>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def check_signature(raw: bytes, header: str | None) -> None:
    """401 unless the header is the body's HMAC with PAYMENT_CALLBACK_SECRET (an unset secret refuses all)."""
    secret = current_app.config.get("PAYMENT_CALLBACK_SECRET") or ""
    if not secret or not header or not hmac.compare_digest(signature_for(raw, secret), header.strip()):
        raise Unauthorized(_("Tanda tangan callback tidak sah."))


def parse_callback(raw: bytes) -> dict:
    """The callback body, validated: billing_code, amount (int), paid_at (aware datetime), reference, channel."""
    from .schemas import CallbackSchema

    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(_("Badan permintaan bukan JSON yang sah.")) from exc
    if not isinstance(body, dict):
        raise BadRequest(_("Badan permintaan harus berupa objek JSON."))
    try:
        return CallbackSchema().load(body)
    except ValidationError as exc:
        raise ValidationFailed(fields=flatten_messages(exc.messages)) from exc


def receive_callback(raw: bytes, signature: str | None) -> dict:
    """Confirm a payment: mark the bill paid and deliver payment_received to its case (idempotent on reference)."""
    check_signature(raw, signature)
    body = parse_callback(raw)
    now = clock.now()
    bill, status = confirm_payment(billing_code=body["billing_code"], amount=body["amount"], paid_at=body["paid_at"],
                                   reference=body["reference"], channel=body.get("channel"))
    _log(raw, body, status, 200, bill=bill, now=now)
    return callback_view(bill, status)


def confirm_payment(*, billing_code: str, amount: int, paid_at: datetime, reference: str, channel: str | None,
                    actor=None, attach_proof: Callable[[Bill], Any] | None = None) -> tuple[Bill, str]:
    """Mark a bill paid and deliver payment_received to its case: the one path of the gateway and of officers.

    Idempotent on `reference` (the same reference for the same bill answers "duplicate" and
    changes nothing). `actor` is the confirming officer (None: the revenue agency's gateway);
    `attach_proof(bill)` stores the officer's proof of payment once every check has passed and
    returns its document. Refusals are 409 with `reason` and the field they concern.
    """
    same_reference = db.session.scalar(select(Bill).where(Bill.reference == reference))
    if same_reference is not None:
        if same_reference.billing_code != billing_code:
            raise Conflict(_("Referensi pembayaran ini sudah dipakai untuk kode billing lain."),
                           fields={"reference": [_("Referensi ini sudah dipakai untuk tagihan lain.")]},
                           extra={"reason": "reference_reused"})
        return same_reference, "duplicate"
    bill = get_by_code(billing_code)
    if bill is None:
        raise NotFound(_("Kode billing tidak dikenal."), fields={"billing_code": [_("Kode billing tidak dikenal.")]})
    if bill.status == "paid":
        raise Conflict(_("Tagihan ini sudah dibayar dengan referensi lain."),
                       fields={"reference": [_("Tagihan sudah lunas dengan referensi %(reference)s.",
                                               reference=bill.reference)]},
                       extra={"reason": "already_paid"})
    if bill.status != "issued":
        status = _(BILL_STATUS_LABELS.get(bill.status, bill.status))
        raise Conflict(_("Tagihan sudah kedaluwarsa atau dibatalkan."),
                       fields={"billing_code": [_("Tagihan berstatus %(status)s; tidak dapat dibayar lagi.",
                                                  status=status)]},
                       extra={"reason": "bill_expired"})
    if paid_at > bill.expires_at:
        raise Conflict(_("Tagihan sudah kedaluwarsa atau dibatalkan."),
                       fields={"paid_at": [_("Pembayaran setelah batas waktu tagihan (%(limit)s WIB).",
                                             limit=format_moment(bill.expires_at))]},
                       extra={"reason": "bill_expired"})
    check_paid_at(bill, paid_at)
    if amount != bill.amount:
        raise Conflict(_("Jumlah pembayaran tidak sama dengan tagihan (%(amount)s).", amount=rupiah(bill.amount)),
                       fields={"amount": [_("Jumlah harus sama dengan tagihan: %(amount)s.",
                                            amount=rupiah(bill.amount))]},
                       extra={"reason": "amount_mismatch"})
    proof = attach_proof(bill) if attach_proof is not None else None
    manual = actor is not None
    bill.status = "paid"
    bill.paid_at = paid_at
    bill.paid_amount = amount
    bill.reference = reference
    bill.channel = channel
    bill.confirmed_by = "manual" if manual else "gateway"
    bill.confirmed_by_id = actor.id if manual else None
    bill.proof_document_id = proof.id if proof is not None else None
    db.session.flush()
    case = bill.case
    actor_id = actor.id if manual else None
    details = {"billing_code": bill.billing_code, "amount": bill.amount, "reference": bill.reference,
               "paid_at": clock.iso(bill.paid_at), "channel": bill.channel,
               "confirmed_by": bill.confirmed_by}
    if proof is not None:
        details["proof_document_id"] = proof.id
    values = {"code": bill.billing_code, "amount": rupiah(bill.amount, NOTE_LOCALE), "reference": bill.reference}
    if manual:
        values["channel"] = bill.channel
    events.record(case, "payment_received", actor_id=actor_id, actor_role="petugas" if manual else "bapenda",
                  note=PAID_AT_COUNTER_NOTE if manual else PAID_BY_GATEWAY_NOTE, note_values=values, data=details)
    from app.cases import service as cases

    cases.deliver_message(case, MESSAGE, {"billing_code": bill.billing_code, "amount": bill.amount,
                                          "paid_at": clock.iso(bill.paid_at), "reference": bill.reference,
                                          "channel": bill.channel, "confirmed_by": bill.confirmed_by},
                          actor_id=actor_id)
    security_event.send(None, kind="payment_confirmed", actor_id=actor_id, subject=f"bill:{bill.id}",
                        detail={"billing_code": bill.billing_code, "amount": bill.amount,
                                "channel": "manual" if manual else "gateway"}, ok=True)
    return bill, "accepted"


def check_paid_at(bill: Bill, paid_at: datetime) -> None:
    """422 unless the payment moment lies between the bill's issue and now (give or take CLOCK_SKEW)."""
    if paid_at < bill.issued_at - CLOCK_SKEW:
        message = _("Waktu pembayaran lebih awal dari terbitnya tagihan (%(issued)s WIB).",
                    issued=format_moment(bill.issued_at))
        raise ValidationFailed(message, fields={"paid_at": [message]}, extra={"reason": "paid_before_bill"})
    if paid_at > clock.now() + CLOCK_SKEW:
        message = _("Waktu pembayaran tidak boleh di masa depan.")
        raise ValidationFailed(message, fields={"paid_at": [message]}, extra={"reason": "paid_in_future"})


def callback_view(bill: Bill, status: str) -> dict:
    """What the gateway gets back."""
    return {"status": status, "billing_code": bill.billing_code, "reference": bill.reference,
            "amount": bill.paid_amount, "paid_at": clock.iso(bill.paid_at), "bill_status": bill.status,
            "registration_number": bill.case.registration_number}


def log_refusal(raw: bytes, error: AppError) -> PaymentLog:
    """Record a refused callback (its own transaction: the refusal rolled the attempt back)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        body = None
    return _log(raw, body if isinstance(body, dict) else None, error.extra.get("reason") or error.code, error.status,
                bill=None, now=clock.now(),
                note=error.message)


def log_confirmation(body: dict, status: str, *, bill: Bill, now: datetime) -> PaymentLog:
    """Keep an officer's confirmation in the payment log beside the gateway's callbacks."""
    return _log(b"", body, status, 200, bill=bill, now=now)


def _log(raw: bytes, body: dict | None, outcome: str, status: int, *, bill: Bill | None, now: datetime,
         note: str | None = None) -> PaymentLog:
    if body is not None:
        payload = _jsonable(body)
    else:
        payload = {"raw": _no_nul(raw[:LOG_PAYLOAD_LIMIT].decode("utf-8", "replace"))}
    code = _no_nul((body or {}).get("billing_code"))
    reference = _no_nul((body or {}).get("reference"))
    amount = (body or {}).get("amount")
    entry = PaymentLog(received_at=now, bill_id=bill.id if bill else None,
                       billing_code=str(code)[:64] if code is not None else None,
                       reference=str(reference)[:64] if reference is not None else None,
                       amount=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
                       outcome=outcome, status_code=status, note=_no_nul(note), payload=payload)
    db.session.add(entry)
    db.session.flush()
    return entry


def _no_nul(value):
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


def _jsonable(body: dict) -> dict:
    # PostgreSQL refuses NUL in text and JSON: a hostile body must still be logged, not end in a 500.
    text = json.dumps(body, default=str, ensure_ascii=False).replace("\\u0000", "\\ufffd")
    if len(text) > LOG_PAYLOAD_LIMIT:
        return {"truncated": text[:LOG_PAYLOAD_LIMIT]}
    return json.loads(text)
