"""Chart specifications for the pages: plain JSON the page's script turns into Chart.js charts.

Built while the page is rendered, so series names and month labels are in the reader's language.
"""
from __future__ import annotations

from flask_babel import gettext as _

from app.common.i18n import translate

from .pdf import short_name
from .periods import month_label


def volume(data: dict, *, backlog: bool = True) -> dict:
    """Submitted, issued and rejected per month (bars), with the backlog at each month's end (line)."""
    months = data["volume"]
    datasets = [{"label": _("Diajukan"), "data": [m["submitted"] for m in months]},
                {"label": _("Terbit"), "data": [m["issued"] for m in months]},
                {"label": _("Ditolak"), "data": [m["rejected"] for m in months]}]
    if backlog:
        datasets.append({"label": _("Berjalan di akhir bulan"), "data": [m["backlog"] for m in months],
                         "line": True})
    return {"type": "bar", "labels": [month_label(m["period"], short=True) for m in months], "datasets": datasets}


def lead_time(services: list[dict]) -> dict:
    """Average working days per service against its SOP."""
    return {"type": "bar", "horizontal": True, "labels": [short_name(s["name"]) for s in services], "datasets": [
        {"label": _("Rata-rata nyata (hari kerja)"), "data": [s["avg_lead_time_working_days"] for s in services]},
        {"label": _("SOP (hari kerja)"), "data": [s["sop_days"] for s in services], "muted": True}]}


def holders(items: list[dict]) -> dict:
    """Average working days per case each holder had the file."""
    return {"type": "bar", "horizontal": True, "labels": [translate(h["label"]) for h in items], "datasets": [
        {"label": _("Rata-rata hari kerja per perkara"), "data": [h["avg_working_days"] for h in items]}]}


def breaches(items: list[dict], limit: int = 10) -> dict:
    """The steps most often late."""
    top = items[:limit]
    return {"type": "bar", "horizontal": True, "labels": [f"{b['name']} ({b['service']})" for b in top],
            "datasets": [{"label": _("Langkah terlambat"), "data": [b["count"] for b in top], "alert": True}]}
