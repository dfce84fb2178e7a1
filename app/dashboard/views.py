"""Pages: the supervisors' dashboard and process heatmap, and the public transparency page."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.catalog.texts import model_text
from app.common.errors import AppError
from app.common.i18n import translate
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
        messages = [translate(m) for ms in getattr(exc, "fields", {}).values() for m in ms]
        flash(" ".join(messages) or _("Tanggal tidak valid (gunakan format YYYY-MM-DD)."), "error")
        period = default_period()
    try:
        chosen = service.check_service(chosen)
    except AppError:
        flash(_("Layanan tidak dikenal; semua layanan ditampilkan."), "error")
        chosen = default_service
    return period, chosen


def _ikm_shown(ikm: dict) -> dict:
    """An IKM result with its category and element names in the reader's language (a copy)."""
    return {**ikm, "label": translate(ikm.get("label")),
            "elements": [{**e, "name": translate(e["name"])} for e in ikm.get("elements") or []]}


def in_reader_language(data: dict) -> dict:
    """The figures with their marked labels (IKM categories and elements) translated for the page.

    A copy: the public figures are cached for every reader, whatever their language.
    """
    shown = dict(data)
    if "ikm" in data:
        shown["ikm"] = _ikm_shown(data["ikm"])
    if "ikm_by_service" in data:
        shown["ikm_by_service"] = {key: _ikm_shown(value) for key, value in data["ikm_by_service"].items()}
    if "services" in data:
        shown["services"] = [{**s, "ikm": _ikm_shown(s["ikm"])} if "ikm" in s else s for s in data["services"]]
    return shown


def _model_named(rows: list[dict]) -> list[dict]:
    """Chart rows with their service's or step's `name` in the reader's language, from the service's model (copies)."""
    return [{**row, "name": model_text(row["name"], row["service"])} for row in rows]


def _months(count: int = 12) -> list[tuple[str, str]]:
    day = today()
    year, month = day.year, day.month
    items = []
    for _month in range(count):
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
    data = in_reader_language(service.overview(current_user, period=period, service=chosen, stuck_days=stuck_days))
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), **({"service": chosen} if chosen else {})}
    options = indicators.services()
    return render_template(
        "dashboard/index.html", data=data, period=period, chosen=chosen, stuck_days=stuck_days, fmt=formats,
        services=options, months=_months(), csv_url=url_for("dashboard_api.cases_csv", **query),
        pdf_url=url_for("dashboard_api.monthly_pdf"), names={s["key"]: s["name"] for s in options},
        short={s["key"]: short_name(s["name"]) for s in options},
        charts={"volume": charts.volume(data), "lead": charts.lead_time(_model_named(data["services"])),
                "holders": charts.holders(data["time_by_holder"]),
                "breaches": charts.breaches(_model_named(data["breaches_by_step"]))})


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
    cached = service.transparency_cached()
    period = Period(date.fromisoformat(cached["period"]["from"]), date.fromisoformat(cached["period"]["to"]))
    data = {**in_reader_language(cached), "period_label": period.label()}
    return render_template("dashboard/transparency.html", data=data, fmt=formats,
                           charts={"lead": charts.lead_time(_model_named(data["services"])),
                                   "volume": charts.volume(data, backlog=False)})
