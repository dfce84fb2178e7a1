"""Pages: the supervisors' dashboard and process heatmap, and the public transparency page."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user

from app.common.errors import AppError
from app.extensions import login_manager

from . import charts, formats, indicators, service
from .pdf import short_name
from .periods import Period, build, default_period, month_label, today

bp = Blueprint("dashboard", __name__)


def supervisor_page(view: Callable) -> Callable:
    """Signed-in supervisors and admins (others: the login page, or 403)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        service.require_supervisor(current_user)
        return view(*args, **kwargs)

    return wrapper


def _date_arg(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    return date.fromisoformat(raw) if raw else None


def _filters(default_service: str | None = None) -> tuple[Period, str | None]:
    """The period and service of the page's filter form; a bad value is flagged and replaced by the default."""
    chosen = (request.args.get("layanan") or "").strip() or default_service
    try:
        period = build(_date_arg("dari"), _date_arg("sampai"))
    except (ValueError, AppError) as exc:
        messages = [m for ms in getattr(exc, "fields", {}).values() for m in ms]
        flash(" ".join(messages) or "Tanggal tidak valid (gunakan format YYYY-MM-DD).", "error")
        period = default_period()
    try:
        chosen = service.check_service(chosen)
    except AppError:
        flash("Layanan tidak dikenal; semua layanan ditampilkan.", "error")
        chosen = default_service
    return period, chosen


def _months(count: int = 12) -> list[tuple[str, str]]:
    day = today()
    year, month = day.year, day.month
    items = []
    for _ in range(count):
        key = f"{year:04d}-{month:02d}"
        items.append((key, month_label(key)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return items


@bp.get("/dasbor")
@supervisor_page
def index():
    """SLA and performance dashboard for supervisors."""
    period, chosen = _filters()
    stuck_days = min(max(request.args.get("macet", service.DEFAULT_STUCK_DAYS, type=int) or 1, 1), 365)
    data = service.overview(current_user, period=period, service=chosen, stuck_days=stuck_days)
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), **({"service": chosen} if chosen else {})}
    options = indicators.services()
    return render_template(
        "dashboard/index.html", data=data, period=period, chosen=chosen, stuck_days=stuck_days, fmt=formats,
        services=options, months=_months(), csv_url=url_for("dashboard_api.cases_csv", **query),
        pdf_url=url_for("dashboard_api.monthly_pdf"), names={s["key"]: s["name"] for s in options},
        short={s["key"]: short_name(s["name"]) for s in options},
        charts={"volume": charts.volume(data), "lead": charts.lead_time(data["services"]),
                "holders": charts.holders(data["time_by_holder"]),
                "breaches": charts.breaches(data["breaches_by_step"])})


@bp.get("/dasbor/heatmap")
@supervisor_page
def heatmap():
    """The process heatmap of one service."""
    options = indicators.services()
    period, chosen = _filters(default_service=options[0]["key"] if options else None)
    if chosen is None:
        return render_template("dashboard/heatmap.html", data=None, period=period, chosen=None, services=options,
                               fmt=formats, source=None)
    data = service.heatmap(current_user, service=chosen, period=period)
    source = url_for("dashboard_api.heatmap", service=chosen, **{"from": period.start.isoformat(),
                                                                 "to": period.end.isoformat()})
    return render_template("dashboard/heatmap.html", data=data, period=period, chosen=chosen, services=options,
                           fmt=formats, source=source)


@bp.get("/transparansi")
def transparency():
    """Public performance of each service over the last twelve months: aggregates only."""
    data = service.transparency_cached()
    return render_template("dashboard/transparency.html", data=data, fmt=formats,
                           charts={"lead": charts.lead_time(data["services"]),
                                   "volume": charts.volume(data, backlog=False)})
