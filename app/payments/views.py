"""Officer pages: outstanding bills and the counter's payment confirmation; the supervisors' revenue table."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common import clock
from app.common.errors import AppError
from app.common.i18n import format_moment
from app.common.pages import date_arg, page_for

from . import confirmation, revenue, service

bp = Blueprint("payments", __name__)
PER_PAGE = 50





def _supervisor(user) -> None:
    from app.dashboard import service as dashboard

    dashboard.require_supervisor(user)


@bp.get("/petugas/pembayaran")
@page_for(check=confirmation.require_confirmer)
def outstanding_page():
    """Unpaid bills, searchable by billing code or registration number."""
    q = (request.args.get("q") or "").strip()[:64]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = confirmation.outstanding(q=q, page=page, per_page=PER_PAGE)
    return render_template("payments/outstanding.html", items=items, total=total, q=q, page=page,
                           pages=max(1, -(-total // PER_PAGE)), now=clock.now(), rupiah=service.rupiah,
                           skrd_number=service.skrd_number_of)


def _render_form(bill, *, errors: dict | None = None, values: dict | None = None, message: str | None = None,
                 status: int = 200):
    return render_template("payments/confirm.html", bill=bill, case=bill.case, errors=errors or {},
                           values=values or {}, message=message, rupiah=service.rupiah, now=clock.now(),
                           skrd_number=service.skrd_number_of(bill),
                           status_label=_(service.BILL_STATUS_LABELS.get(bill.status, bill.status)),
                           max_mb=current_app.config["MAX_UPLOAD_MB"], moment=format_moment), status


@bp.get("/petugas/pembayaran/<int:bill_id>")
@page_for(check=confirmation.require_confirmer)
def confirm_page(bill_id: int):
    """A bill and the form to record its payment from a bank slip."""
    return _render_form(confirmation.get_bill(bill_id))


@bp.post("/petugas/pembayaran/<int:bill_id>")
@page_for(check=confirmation.require_confirmer)
def confirm_submit(bill_id: int):
    """Record the payment: the gateway's path with the officer as actor; errors shown by field."""
    bill = confirmation.get_bill(bill_id)
    values = {k: request.form.get(k, "") for k in ("amount", "paid_at", "bank", "reference")}
    try:
        paid, status = confirmation.confirm_in_transaction(actor=current_user._get_current_object(), bill=bill,
                                                           form=request.form, proof=request.files.get("proof"))
    except AppError as error:
        if error.status in (401, 403, 404):
            raise
        bill = confirmation.get_bill(bill_id)
        return _render_form(bill, errors=error.fields, values=values, message=error.message, status=422)
    if status == "duplicate":
        flash(_("Pembayaran dengan referensi %(reference)s sudah tercatat sebelumnya; tidak ada perubahan.",
                reference=paid.reference), "info")
    else:
        flash(_("Pembayaran %(code)s sebesar %(amount)s dicatat.", code=paid.billing_code,
                amount=service.rupiah(paid.amount)), "success")
    return redirect(url_for("cases_officer.show", case_id=paid.case_id))





def _revenue_args() -> tuple[dict, dict]:
    """The page's filters as revenue() arguments; bad values are reported and replaced by defaults."""
    from app.dashboard import service as dashboard
    from app.dashboard.periods import build, default_period

    errors: dict[str, list[str]] = {}
    start, end = date_arg("dari", errors, field="from"), date_arg("sampai", errors, field="to")
    try:
        period = build(start, end)
    except AppError as exc:
        errors.update(exc.fields)
        period = default_period()
    chosen = (request.args.get("layanan") or "").strip() or None
    try:
        chosen = dashboard.check_service(chosen)
    except AppError:
        errors["service"] = [_("Layanan tidak dikenal; semua layanan ditampilkan.")]
        chosen = None
    granularity = request.args.get("periode") or "month"
    if granularity not in revenue.GRANULARITIES:
        errors["period"] = [_("Pilih bulan, triwulan atau tahun.")]
        granularity = "month"
    return {"period": period, "service": chosen, "granularity": granularity}, errors


@bp.get("/petugas/pendapatan-retribusi")
@page_for(check=_supervisor)
def revenue_page():
    """Retribusi billed, paid, outstanding and expired by service and period, with a CSV export."""
    from app.dashboard import formats, indicators

    args, errors = _revenue_args()
    report = revenue.revenue(**args)
    query = {"dari": args["period"].start.isoformat(), "sampai": args["period"].end.isoformat(),
             "periode": args["granularity"], **({"layanan": args["service"]} if args["service"] else {})}
    return render_template("payments/revenue.html", report=report, errors=errors, period=args["period"],
                           chosen=args["service"], granularity=args["granularity"], services=indicators.services(),
                           fmt=formats, metrics=revenue.METRICS, labels=revenue.metric_labels(),
                           csv_url=url_for("payments.revenue_csv", **query)), (422 if errors else 200)


@bp.get("/petugas/pendapatan-retribusi.csv")
@page_for(check=_supervisor)
def revenue_csv():
    """The revenue table as CSV."""
    args, errors = _revenue_args()
    if errors:
        flash(" ".join(m for ms in errors.values() for m in ms), "error")
        return redirect(url_for("payments.revenue_page", **request.args))
    report = revenue.revenue(**args)
    response = Response(revenue.to_csv(report), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="retribusi-{report["from"]}-{report["to"]}.csv"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
