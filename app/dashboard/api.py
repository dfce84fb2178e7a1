"""Dashboard and report API for supervisors and admins (API.md "Dashboard and reports")."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from app.common.auth import require_user

from . import service
from .periods import build
from .schemas import (
    CsvArgsSchema,
    DetailArgsSchema,
    DetailSchema,
    HeatmapArgsSchema,
    HeatmapSchema,
    MonthArgsSchema,
    PeriodArgsSchema,
    SummarySchema,
)

bp = Blueprint("dashboard_api", __name__, url_prefix="/api/v1", description="Dasbor kinerja dan laporan (supervisor)")
PDF = {"type": "string", "format": "binary"}
CSV = {"type": "string"}


@bp.before_request
def supervisors_only():
    """401 without a login, 403 for other roles, before any parameter is read."""
    service.require_supervisor(require_user())


def _period(args):
    return build(args.get("from_"), args.get("to"))


@bp.get("/dashboard/summary")
@bp.arguments(PeriodArgsSchema, location="query")
@bp.response(200, SummarySchema)
def summary(args):
    """Open cases and tasks, overdue and at risk, on-time rate, lead time vs SOP, breaches, volume, IKM, revenue."""
    return service.summary(require_user(), period=_period(args), service=args.get("service"))


@bp.get("/dashboard/details")
@bp.arguments(DetailArgsSchema, location="query")
@bp.response(200, DetailSchema)
def details(args):
    """Breaches by officer, working time by holder of the file, and stuck cases."""
    return service.details(require_user(), period=_period(args), service=args.get("service"),
                           stuck_days=args["stuck_days"])


@bp.get("/dashboard/heatmap")
@bp.arguments(HeatmapArgsSchema, location="query")
@bp.response(200, HeatmapSchema)
def heatmap(args):
    """A service's BPMN diagrams with per-step duration (average, 90th percentile), count and breach rate."""
    return service.heatmap(require_user(), service=args["service"], period=_period(args))


@bp.get("/reports/cases.csv")
@bp.arguments(CsvArgsSchema, location="query")
@bp.response(200, CSV, content_type="text/csv")
def cases_csv(args):
    """One row per case submitted or finished in the period, with its working-day times."""
    period = _period(args)
    body = service.cases_csv(require_user(), period=period, service=args.get("service"))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="permohonan-{period.start.isoformat()}-{period.end.isoformat()}.csv"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/reports/monthly.pdf")
@bp.arguments(MonthArgsSchema, location="query")
@bp.response(200, PDF, content_type="application/pdf")
def monthly_pdf(args):
    """The month's performance report (tables and charts), to attach to the LAKIP."""
    data = service.monthly_report(require_user(), month=args["month"])
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="laporan-kinerja-{args["month"].strip()}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
