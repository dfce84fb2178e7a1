"""The monthly performance report (PDF, ReportLab): the month's indicators as tables and charts, for a LAKIP.

Written in the language of whoever asks for it (headings, numbers, dates); see `render`.
"""
from __future__ import annotations

import re
from functools import partial

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.common import clock
from app.common.i18n import format_moment_in, format_number_in, translate
from app.permits.layout import PAGE_WIDTH, Office, build_pdf, paragraph, styles, text

from . import formats as f
from .periods import month_label

WIDTH = PAGE_WIDTH - 40 * mm
SERIES = (colors.HexColor("#0b4f8a"), colors.HexColor("#2e9e5b"), colors.HexColor("#c0392b"))
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a939c")),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ebf2")),
                   ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 1), (-1, -1), "RIGHT")])


def short_name(name: str) -> str:
    """The abbreviation in parentheses of a service name, else its first words."""
    found = re.search(r"\(([^)]+)\)", name)
    return found.group(1) if found else (name if len(name) <= 18 else name[:16] + "…")


def _table(rows: list[list], widths: list[float], *, cell_style) -> Table:
    body = [[paragraph(text(c), cell_style) if isinstance(c, str) and i == 0 and r else c
             for i, c in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table


def _axis_numbers(locale: str):
    """Value-axis labels in the report's language (2,5 / 2.5)."""
    return lambda value: format_number_in(value, locale)


def _volume_chart(services: list[dict], locale: str) -> Drawing:
    drawing = Drawing(WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, WIDTH - 50 * mm, 44 * mm
    chart.data = [[s["submitted"] for s in services], [s["issued"] for s in services],
                  [s["rejected"] for s in services]] if services else [[0]]
    chart.categoryAxis.categoryNames = [short_name(s["name"]) for s in services] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_numbers(locale)
    for index, colour in enumerate(SERIES):
        chart.bars[index].fillColor = colour
    legend = Legend()
    legend.x, legend.y = WIDTH - 34 * mm, 50 * mm
    legend.fontSize = 7
    legend.colorNamePairs = list(zip(SERIES, (_("Diajukan"), _("Terbit"), _("Ditolak")), strict=True))
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(0, 2 * mm, _("Gambar 1. Volume permohonan per layanan"), fontSize=8))
    return drawing


def _lead_chart(services: list[dict], locale: str) -> Drawing:
    rows = [s for s in services if s["measured"]] or services
    height = max(len(rows), 1) * 9 * mm + 22 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30 * mm, 14 * mm, WIDTH - 70 * mm, height - 20 * mm
    chart.data = [[s["avg_lead_time_working_days"] or 0 for s in rows], [s["sop_days"] for s in rows]] if rows \
        else [[0]]
    chart.categoryAxis.categoryNames = [short_name(s["name"]) for s in rows] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_numbers(locale)
    chart.bars[0].fillColor, chart.bars[1].fillColor = SERIES[0], colors.HexColor("#b8c4d0")
    legend = Legend()
    legend.x, legend.y = WIDTH - 36 * mm, height - 8 * mm
    legend.fontSize = 7
    legend.colorNamePairs = [(SERIES[0], _("Rata-rata nyata")), (colors.HexColor("#b8c4d0"), "SOP")]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(0, 2 * mm, _("Gambar 2. Rata-rata waktu penyelesaian dibanding SOP (hari kerja)"), fontSize=8))
    return drawing


def _ikm_quality(ikm: dict) -> str:
    """`B (Baik)`: the category letter and its name in the report's language."""
    return f"{ikm['category']} ({translate(ikm['label'])})" if ikm.get("category") else "–"


def render(data: dict, *, month: str, office: Office, locale: str | None = None) -> bytes:
    """The report of one month from the dashboard's figures for that month, in the requester's language.

    Headings through gettext, numbers and dates through Babel in `locale` (default: the request's language),
    so an English request gets `1,250,000` and `August 2026` where an Indonesian one gets `1.250.000` and
    `Agustus 2026`. `data["period_label"]` is the period in words, already in that language.
    """
    locale = locale or f.language()
    decimal = partial(f.decimal, locale=locale)
    integer = partial(f.integer, locale=locale)
    percent = partial(f.percent, locale=locale)
    rupiah = partial(f.rupiah, locale=locale)
    st = styles()
    cell = st["small"]
    volume = data["volume"]
    submitted = sum(v["submitted"] for v in volume)
    issued = sum(v["issued"] for v in volume)
    rejected = sum(v["rejected"] for v in volume)
    backlog = volume[-1]["backlog"] if volume else 0
    ikm, revenue, complaints = data["ikm"], data["revenue"], data["complaints"]
    label = month_label(month, locale)
    story = [paragraph(text(_("LAPORAN KINERJA PELAYANAN PERIZINAN DAN NONPERIZINAN")), st["title"]),
             paragraph(text(_("Bulan %(month)s (%(period)s)", month=label, period=data["period_label"])),
                       st["subtitle"]),
             paragraph(text(_("A. Ringkasan")), st["heading"])]
    ikm_text = (_("%(score)s (mutu %(category)s, %(label)s; %(responses)s responden)", score=decimal(ikm["score"]),
                  category=ikm["category"], label=translate(ikm["label"]), responses=integer(ikm["responses"]))
                if ikm["score"] is not None else _("belum ada responden"))
    summary_rows = [
        [_("Indikator"), _("Nilai")],
        [_("Permohonan diajukan"), integer(submitted)],
        [_("Izin/dokumen terbit"), integer(issued)],
        [_("Permohonan ditolak"), integer(rejected)],
        [_("Permohonan berjalan pada akhir bulan"), integer(backlog)],
        [_("Diputus tepat waktu (sesuai SOP)"),
         _("%(rate)s dari %(n)s perkara", rate=percent(data["on_time_rate"]), n=integer(data["measured_cases"]))],
        [_("Rata-rata waktu penyelesaian"), _("%(n)s hari kerja", n=decimal(data["avg_lead_time_all_working_days"]))],
        [_("Langkah melewati batas waktu"), integer(sum(b["count"] for b in data["breaches_by_step"]))],
        [_("Indeks Kepuasan Masyarakat (IKM)"), ikm_text],
        [_("Retribusi ditagih"), rupiah(revenue["billed"])],
        [_("Retribusi dibayar"), rupiah(revenue["paid"])],
        [_("Pengaduan diterima / dijawab / terlambat"),
         " / ".join(integer(complaints[k]) for k in ("received", "answered", "overdue"))],
    ]
    story.append(_table(summary_rows, [WIDTH * 0.55, WIDTH * 0.45], cell_style=cell))
    story += [paragraph(text(_("B. Kinerja per layanan")), st["heading"])]
    service_rows = [[_("Layanan"), "SOP", _("Rata-rata"), "P90", _("Tepat waktu"), _("Diajukan"), _("Terbit"),
                     _("Ditolak")]]
    for s in data["services"]:
        service_rows.append([s["name"], integer(s["sop_days"]), decimal(s["avg_lead_time_working_days"]),
                             decimal(s["p90_lead_time_working_days"]), percent(s["on_time_rate"]),
                             integer(s["submitted"]), integer(s["issued"]), integer(s["rejected"])])
    story.append(_table(service_rows, [WIDTH * 0.34] + [WIDTH * 0.66 / 7] * 7, cell_style=cell))
    story.append(paragraph(text(_(
        "Waktu dalam hari kerja, dihitung pada jam layanan sejak berkas lengkap tanpa masa menunggu pemohon; "
        "tepat waktu: selesai dalam SOP ditambah perpanjangan.")), cell))
    story += [Spacer(1, 4 * mm), KeepTogether([_volume_chart(data["services"], locale)]), Spacer(1, 3 * mm),
              KeepTogether([_lead_chart(data["services"], locale)])]
    story.append(paragraph(text(_("C. Langkah yang melewati batas waktu")), st["heading"]))
    service_names = {s["service"]: s["name"] for s in data["services"]}  # people read names, never keys
    step_rows = [[_("Langkah"), _("Layanan"), _("Jumlah terlambat")]] + [
        [b["name"], service_names.get(b["service"], b["service"]), integer(b["count"])]
        for b in data["breaches_by_step"][:15]]
    if len(step_rows) == 1:
        step_rows.append([_("Tidak ada langkah yang terlambat."), "", ""])
    story.append(_table(step_rows, [WIDTH * 0.5, WIDTH * 0.3, WIDTH * 0.2], cell_style=cell))
    story.append(paragraph(text(_("D. Waktu menurut pemegang berkas")), st["heading"]))
    holder_rows = [[_("Pemegang berkas"), _("Hari kerja"), _("Perkara"), _("Rata-rata per perkara")]] + [
        [translate(h["label"]), decimal(h["working_days"]), integer(h["cases"]), decimal(h["avg_working_days"])]
        for h in data["time_by_holder"]]
    story.append(_table(holder_rows, [WIDTH * 0.4, WIDTH * 0.2, WIDTH * 0.15, WIDTH * 0.25], cell_style=cell))
    story.append(paragraph(text(_("E. Indeks Kepuasan Masyarakat (PermenPAN-RB 14/2017)")), st["heading"]))
    ikm_rows = [[_("Unsur pelayanan"), _("Nilai rata-rata (NRR)")]] + [
        [translate(e["name"]), decimal(e["nrr"], 3)] for e in ikm["elements"]]
    ikm_rows.append([_("IKM (konversi 25–100)"), decimal(ikm["score"])])
    story.append(_table(ikm_rows, [WIDTH * 0.7, WIDTH * 0.3], cell_style=cell))
    per_service = [[_("Layanan"), _("Responden"), "IKM", _("Mutu")]] + [
        [s["name"], integer(s["ikm"]["responses"]), decimal(s["ikm"]["score"]), _ikm_quality(s["ikm"])]
        for s in data["services"] if s["ikm"]["responses"]]
    if len(per_service) > 1:
        story += [Spacer(1, 3 * mm), _table(per_service, [WIDTH * 0.45, WIDTH * 0.15, WIDTH * 0.15, WIDTH * 0.25],
                                            cell_style=cell)]
    generated = format_moment_in(clock.now(), locale)
    return build_pdf(story, office=office, title=_("Laporan kinerja pelayanan %(month)s", month=label),
                     subject=_("Laporan kinerja bulanan (LAKIP)"),
                     footer_note=_("Dibuat oleh SatuPintu pada %(moment)s WIB", moment=generated),
                     page_of=_("Halaman %(number)s dari %(total)s"))
