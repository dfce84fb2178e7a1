"""Retribusi: issue and expire bills when the model asks, confirm payments from the gateway's callback."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from app.cases import events
from app.cases.models import Case
from app.common import clock
from app.common.errors import AppError, BadRequest, Conflict, NotFound, Unauthorized, ValidationFailed, flatten_messages
from app.extensions import db

from . import billing
from .models import Bill, PaymentLog

DEFAULT_VALID_DAYS = 14
MESSAGE = "payment_received"
LOG_PAYLOAD_LIMIT = 4000


# -- bills ------------------------------------------------------------------------------------


def bills_of(case: Case) -> list[Bill]:
    """Every bill of a case, oldest first."""
    return list(db.session.scalars(select(Bill).where(Bill.case_id == case.id).order_by(Bill.id)))


def get_by_code(code: str) -> Bill | None:
    """A bill by its billing code."""
    return db.session.scalar(select(Bill).where(Bill.billing_code == code))


def issue_bill(case: Case, *, amount: Any, basis: str | None = None, valid_days: Any = DEFAULT_VALID_DAYS,
               element_id: str | None = None) -> Bill:
    """Issue a bill (SKRD) with a new billing code; an open bill of the same step is reused."""
    if isinstance(amount, bool) or not isinstance(amount, int | float) or int(amount) != amount or amount <= 0:
        raise ValueError(f"fee_amount harus bilangan bulat rupiah lebih dari nol, bukan {amount!r}")
    existing = db.session.scalar(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued",
                                                    Bill.element_id == element_id))
    if existing is not None:
        return existing
    now = clock.now()
    expires_at = now + timedelta(days=int(valid_days or DEFAULT_VALID_DAYS))
    code = billing.adapter().new_code(case_id=case.id, amount=int(amount), expires_at=expires_at)
    bill = Bill(case_id=case.id, billing_code=code, amount=int(amount), basis=(basis or None), status="issued",
                issued_at=now, expires_at=expires_at, element_id=element_id)
    db.session.add(bill)
    db.session.flush()
    events.record(case, "bill_issued", actor_id=None, bpmn_id=element_id,
                  note=f"{code} · {rupiah(bill.amount)}", data={"billing_code": code, "amount": bill.amount,
                                                                "expires_at": clock.iso(expires_at)})
    _notify_bill(case, bill)
    return bill


def _notify_bill(case: Case, bill: Bill) -> None:
    from app.notifications import service as notifications

    notifications.notify_case(case, "bill_issued", element_id=f"bill-{bill.id}",
                              context={"bill": bill, "amount": rupiah(bill.amount),
                                       "expires_at": clock.to_local(bill.expires_at)})


def close_open_bills(case: Case, status: str, *, element_id: str | None = None, note: str | None = None) -> list[Bill]:
    """Mark a case's unpaid bills expired or cancelled (they can no longer be paid)."""
    now = clock.now()
    closed = []
    for bill in db.session.scalars(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued")):
        bill.status = status
        bill.closed_at = now
        closed.append(bill)
        events.record(case, f"bill_{status}", actor_id=None, bpmn_id=element_id, note=note or bill.billing_code,
                      data={"billing_code": bill.billing_code})
    return closed


def outstanding_for(case: Case) -> list[dict]:
    """Unpaid bills as the case's `outstanding` entries (API.md)."""
    return [{"kind": "payment", "billing_code": b.billing_code, "amount": b.amount,
             "expires_at": clock.iso(b.expires_at), "basis": b.basis}
            for b in db.session.scalars(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued")
                                        .order_by(Bill.id))]


def rupiah(amount: int) -> str:
    """Rp 1.234.500."""
    return "Rp " + f"{int(amount):,}".replace(",", ".")


# -- signal receivers ------------------------------------------------------------------------


def on_host_action(sender, *, case: Case, action: str, element_id: str, properties: dict, data: dict,
                   **_: Any) -> None:
    """issue_bill and expire_bill, asked for by the model inside the step's transaction."""
    if action == "issue_bill":
        issue_bill(case, amount=data.get("fee_amount"), basis=data.get("fee_basis"),
                   valid_days=data.get("bill_valid_days", DEFAULT_VALID_DAYS), element_id=element_id)
    elif action == "expire_bill":
        close_open_bills(case, "expired", element_id=element_id, note="batas pembayaran terlewati")


def on_case_finished(sender, *, case: Case, outcome: str, **_: Any) -> None:
    """A case that ends (withdrawn, rejected, expired) leaves no bill open."""
    if outcome != "issued":
        close_open_bills(case, "expired" if outcome == "expired" else "cancelled", note=f"permohonan {outcome}")


# -- the gateway's callback -------------------------------------------------------------------


def signature_for(raw: bytes, secret: str) -> str:
    """The X-Signature header value for a body: sha256=<hex HMAC-SHA256>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def check_signature(raw: bytes, header: str | None) -> None:
    """401 unless the header is the body's HMAC with PAYMENT_CALLBACK_SECRET (an unset secret refuses all)."""
    secret = current_app.config.get("PAYMENT_CALLBACK_SECRET") or ""
    if not secret or not header or not hmac.compare_digest(signature_for(raw, secret), header.strip()):
        raise Unauthorized("Tanda tangan callback tidak sah.")


def parse_callback(raw: bytes) -> dict:
    """The callback body, validated: billing_code, amount (int), paid_at (aware datetime), reference, channel."""
    from .schemas import CallbackSchema

    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("Badan permintaan bukan JSON yang sah.") from exc
    if not isinstance(body, dict):
        raise BadRequest("Badan permintaan harus berupa objek JSON.")
    try:
        return CallbackSchema().load(body)
    except ValidationError as exc:
        raise ValidationFailed(fields=flatten_messages(exc.messages)) from exc


def receive_callback(raw: bytes, signature: str | None) -> dict:
    """Confirm a payment: mark the bill paid and deliver payment_received to its case (idempotent on reference)."""
    check_signature(raw, signature)
    body = parse_callback(raw)
    now = clock.now()
    same_reference = db.session.scalar(select(Bill).where(Bill.reference == body["reference"]))
    if same_reference is not None:
        if same_reference.billing_code != body["billing_code"]:
            raise Conflict("Referensi pembayaran ini sudah dipakai untuk kode billing lain.",
                           extra={"reason": "reference_reused"})
        _log(raw, body, "duplicate", 200, bill=same_reference, now=now)
        return callback_view(same_reference, "duplicate")
    bill = get_by_code(body["billing_code"])
    if bill is None:
        raise NotFound("Kode billing tidak dikenal.")
    if bill.status == "paid":
        raise Conflict("Tagihan ini sudah dibayar dengan referensi lain.", extra={"reason": "already_paid"})
    if bill.status != "issued" or body["paid_at"] > bill.expires_at:
        raise Conflict("Tagihan sudah kedaluwarsa atau dibatalkan.", extra={"reason": "bill_expired"})
    if body["amount"] != bill.amount:
        raise Conflict(f"Jumlah pembayaran tidak sama dengan tagihan ({rupiah(bill.amount)}).",
                       extra={"reason": "amount_mismatch"})
    bill.status = "paid"
    bill.paid_at = body["paid_at"]
    bill.paid_amount = body["amount"]
    bill.reference = body["reference"]
    bill.channel = body.get("channel")
    bill.confirmed_by = "gateway"
    db.session.flush()
    case = bill.case
    events.record(case, "payment_received", actor_id=None, actor_role="bapenda",
                  note=f"{bill.billing_code} · {rupiah(bill.amount)} · ref {bill.reference}",
                  data={"billing_code": bill.billing_code, "amount": bill.amount, "reference": bill.reference,
                        "paid_at": clock.iso(bill.paid_at), "channel": bill.channel})
    from app.cases import service as cases

    cases.deliver_message(case, MESSAGE, {"billing_code": bill.billing_code, "amount": bill.amount,
                                          "paid_at": clock.iso(bill.paid_at), "reference": bill.reference,
                                          "channel": bill.channel})
    _log(raw, body, "accepted", 200, bill=bill, now=now)
    return callback_view(bill, "accepted")


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


def _log(raw: bytes, body: dict | None, outcome: str, status: int, *, bill: Bill | None, now: datetime,
         note: str | None = None) -> PaymentLog:
    payload = _jsonable(body) if body is not None else {"raw": raw[:LOG_PAYLOAD_LIMIT].decode("utf-8", "replace")}
    code = (body or {}).get("billing_code")
    reference = (body or {}).get("reference")
    amount = (body or {}).get("amount")
    entry = PaymentLog(received_at=now, bill_id=bill.id if bill else None,
                       billing_code=str(code)[:64] if code is not None else None,
                       reference=str(reference)[:64] if reference is not None else None,
                       amount=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
                       outcome=outcome, status_code=status, note=note, payload=payload)
    db.session.add(entry)
    db.session.flush()
    return entry


def _jsonable(body: dict) -> dict:
    text = json.dumps(body, default=str, ensure_ascii=False)
    if len(text) > LOG_PAYLOAD_LIMIT:
        return {"truncated": text[:LOG_PAYLOAD_LIMIT]}
    return json.loads(text)
