"""Payments API: the revenue agency gateway's callback, and a case's bills."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.common import clock
from app.common.auth import require_user
from app.common.errors import AppError, Conflict
from app.extensions import db

from . import service
from .schemas import BillListSchema, CallbackResultSchema, CallbackSchema

bp = Blueprint("payments_api", __name__, url_prefix="/api/v1", description="Pembayaran retribusi")

SIGNATURE_HEADER = {"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"},
                    "description": "sha256=<hex HMAC-SHA256 of the raw body with PAYMENT_CALLBACK_SECRET>"}


@bp.post("/payments/callback")
@bp.doc(parameters=[SIGNATURE_HEADER],
        requestBody={"required": True, "content": {"application/json": {"schema": CallbackSchema}}},
        responses={"401": {"description": "Bad signature"}, "404": {"description": "Unknown billing code"},
                   "409": {"description": "Amount mismatch, expired or cancelled bill, reference reused"}})
@bp.response(200, CallbackResultSchema)
def payment_callback():
    """A payment was made at the bank: confirm it (idempotent on `reference`)."""
    raw = request.get_data(cache=True)
    try:
        result = service.receive_callback(raw, request.headers.get("X-Signature"))
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:  # a concurrent callback for the same bill won the race
        db.session.rollback()
        conflict = Conflict("Pembayaran sedang diproses oleh permintaan lain; ulangi sebentar lagi.")
        _record_refusal(raw, conflict)
        raise conflict from exc
    except AppError as error:
        db.session.rollback()
        _record_refusal(raw, error)
        raise
    except BaseException:
        db.session.rollback()
        raise
    return result


def _record_refusal(raw: bytes, error: AppError) -> None:
    service.log_refusal(raw, error)
    db.session.commit()


@bp.get("/cases/<int:case_id>/bills")
@bp.response(200, BillListSchema)
def case_bills(case_id: int):
    """The bills (SKRD) of a case the caller may see."""
    from app.cases import service as cases

    user = require_user()
    case = cases.get_visible(user, case_id)
    items = [bill_view(b) for b in service.bills_of(case)]
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


def bill_view(bill) -> dict:
    """A bill as the API shows it."""
    return {"billing_code": bill.billing_code, "amount": bill.amount, "basis": bill.basis, "status": bill.status,
            "issued_at": clock.iso(bill.issued_at), "expires_at": clock.iso(bill.expires_at),
            "paid_at": clock.iso(bill.paid_at), "reference": bill.reference, "paid_amount": bill.paid_amount,
            "channel": bill.channel}
