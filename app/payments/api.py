"""Payments API: the gateway's callback, a case's bills and SKRD, officers' confirmations, revenue figures."""
from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.common import clock
from app.common.auth import require_user
from app.common.errors import AppError, Conflict
from app.common.openapi import public
from app.extensions import db

from . import confirmation, revenue, service, skrd
from .schemas import (
    BillListSchema,
    CallbackResultSchema,
    CallbackSchema,
    ConfirmationFormSchema,
    ConfirmationResultSchema,
    OutstandingArgsSchema,
    OutstandingListSchema,
    RevenueArgsSchema,
    RevenueReportSchema,
)

bp = Blueprint("payments_api", __name__, url_prefix="/api/v1", description="Pembayaran retribusi")

SIGNATURE_HEADER = {"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"},
                    "description": "sha256=<hex HMAC-SHA256 of the raw body with PAYMENT_CALLBACK_SECRET>"}


@bp.post("/payments/callback")
@public
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
        conflict = Conflict(_("Pembayaran sedang diproses oleh permintaan lain; ulangi sebentar lagi."))
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


def skrd_url(bill) -> str:
    """Where the bill's SKRD PDF is served."""
    return f"/api/v1/cases/{bill.case_id}/bills/{bill.id}/skrd.pdf"


def bill_view(bill) -> dict:
    """A bill as the API shows it."""
    return {"id": bill.id, "skrd_number": service.skrd_number_of(bill), "skrd_url": skrd_url(bill),
            "billing_code": bill.billing_code, "amount": bill.amount, "basis": bill.basis, "status": bill.status,
            "issued_at": clock.iso(bill.issued_at), "expires_at": clock.iso(bill.expires_at),
            "paid_at": clock.iso(bill.paid_at), "reference": bill.reference, "paid_amount": bill.paid_amount,
            "channel": bill.channel}


def bill_ref(bill) -> dict:
    """A bill with its case, for officers."""
    return {"id": bill.id, "case_id": bill.case_id, "registration_number": bill.case.registration_number,
            "service": bill.case.service_key, "skrd_number": service.skrd_number_of(bill), "skrd_url": skrd_url(bill),
            "billing_code": bill.billing_code, "amount": bill.amount, "status": bill.status,
            "issued_at": clock.iso(bill.issued_at), "expires_at": clock.iso(bill.expires_at),
            "overdue": bill.status == "issued" and bill.expires_at < clock.now(),
            "paid_at": clock.iso(bill.paid_at), "reference": bill.reference, "channel": bill.channel,
            "confirmed_by": bill.confirmed_by, "proof_document_id": bill.proof_document_id}


def pdf_response(data: bytes, *, filename: str) -> Response:
    """A PDF download (inline with ?inline=1), never cached."""
    disposition = "inline" if request.args.get("inline") == "1" else "attachment"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/cases/<int:case_id>/bills/<int:bill_id>/skrd.pdf")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
def skrd_pdf(case_id: int, bill_id: int):
    """The SKRD (fee assessment letter) of a bill, for the case's applicant and office staff (404 for others)."""
    bill = skrd.get_for_download(require_user(), case_id, bill_id)
    return pdf_response(skrd.render_skrd(bill), filename=f"skrd-{bill.billing_code}.pdf")


@bp.get("/payments/outstanding")
@bp.arguments(OutstandingArgsSchema, location="query")
@bp.response(200, OutstandingListSchema)
def outstanding_bills(args):
    """Unpaid open bills, by billing code or registration number (officers who confirm payments)."""
    confirmation.require_confirmer(require_user())
    per_page = 50
    items, total = confirmation.outstanding(q=args.get("q"), page=args["page"], per_page=per_page)
    return {"items": [bill_ref(b) for b in items], "total": total, "page": args["page"], "per_page": per_page}


@bp.post("/payments/bills/<int:bill_id>/confirmations")
@bp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": ConfirmationFormSchema}}},
        responses={"403": {"description": "Not a front office officer, supervisor or admin"},
                   "404": {"description": "Unknown bill"},
                   "409": {"description": "Amount mismatch, expired or cancelled bill, reference reused"},
                   "413": {"description": "Proof too large"}, "415": {"description": "Proof not PDF/JPEG/PNG"},
                   "422": {"description": "Missing or invalid fields"}})
@bp.response(200, ConfirmationResultSchema)
def confirm_payment(bill_id: int):
    """Record a payment seen on a bank slip at the counter, with the slip as proof (idempotent on reference)."""
    user = require_user()
    confirmation.require_confirmer(user)
    bill = confirmation.get_bill(bill_id)
    paid, status = confirmation.confirm_in_transaction(actor=user, bill=bill, form=request.form,
                                                       proof=request.files.get("proof"))
    return {"status": status, "bill": bill_ref(paid)}


@bp.get("/payments/revenue")
@bp.arguments(RevenueArgsSchema, location="query")
@bp.response(200, RevenueReportSchema)
def revenue_figures(args):
    """Retribusi billed, paid, outstanding and expired by service and period (supervisors and admins)."""
    from app.dashboard import service as dashboard
    from app.dashboard.periods import build

    dashboard.require_supervisor(require_user())
    chosen = dashboard.check_service(args.get("service"))
    return revenue.revenue(period=build(args.get("from_"), args.get("to")), service=chosen,
                           granularity=args["period"])
