"""The monthly performance report (PDF, ReportLab): the month's indicators as tables and charts, for a LAKIP."""
from __future__ import annotations

import re

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.common import clock
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


def _volume_chart(services: list[dict]) -> Drawing:
    drawing = Drawing(WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 14 * mm, WIDTH - 50 * mm, 44 * mm
    chart.data = [[s["submitted"] for s in services], [s["issued"] for s in services],
                  [s["rejected"] for s in services]] if services else [[0]]
    chart.categoryAxis.categoryNames = [short_name(s["name"]) for s in services] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for index, colour in enumerate(SERIES):
        chart.bars[index].fillColor = colour
    legend = Legend()
    legend.x, legend.y = WIDTH - 34 * mm, 50 * mm
    legend.fontSize = 7
    legend.colorNamePairs = list(zip(SERIES, ("Diajukan", "Terbit", "Ditolak"), strict=True))
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(0, 2 * mm, "Gambar 1. Volume permohonan per layanan", fontSize=8))
    return drawing


def _lead_chart(services: list[dict]) -> Drawing:
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
    chart.bars[0].fillColor, chart.bars[1].fillColor = SERIES[0], colors.HexColor("#b8c4d0")
    legend = Legend()
    legend.x, legend.y = WIDTH - 36 * mm, height - 8 * mm
    legend.fontSize = 7
    legend.colorNamePairs = [(SERIES[0], "Rata-rata nyata"), (colors.HexColor("#b8c4d0"), "SOP")]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(0, 2 * mm, "Gambar 2. Rata-rata waktu penyelesaian dibanding SOP (hari kerja)", fontSize=8))
    return drawing


def render(data: dict, *, month: str, office: Office) -> bytes:
    """The report of one month from the dashboard's figures for that month."""
    st = styles()
    cell = st["small"]
    volume = data["volume"]
    submitted = sum(v["submitted"] for v in volume)
    issued = sum(v["issued"] for v in volume)
    rejected = sum(v["rejected"] for v in volume)
    backlog = volume[-1]["backlog"] if volume else 0
    ikm, revenue, complaints = data["ikm"], data["revenue"], data["complaints"]
    label = month_label(month)
    story = [paragraph("LAPORAN KINERJA PELAYANAN PERIZINAN DAN NONPERIZINAN", st["title"]),
             paragraph(text(f"Bulan {label} ({data['period_label']})"), st["subtitle"]),
             paragraph("A. Ringkasan", st["heading"])]
    ikm_text = (f"{f.decimal(ikm['score'])} (mutu {ikm['category']}, {ikm['label']}; {ikm['responses']} responden)"
                if ikm["score"] is not None else "belum ada responden")
    summary_rows = [
        ["Indikator", "Nilai"],
        ["Permohonan diajukan", f.integer(submitted)],
        ["Izin/dokumen terbit", f.integer(issued)],
        ["Permohonan ditolak", f.integer(rejected)],
        ["Permohonan berjalan pada akhir bulan", f.integer(backlog)],
        ["Diputus tepat waktu (sesuai SOP)",
         f"{f.percent(data['on_time_rate'])} dari {data['measured_cases']} perkara"],
        ["Rata-rata waktu penyelesaian", f"{f.decimal(data['avg_lead_time_all_working_days'])} hari kerja"],
        ["Langkah melewati batas waktu", f.integer(sum(b["count"] for b in data["breaches_by_step"]))],
        ["Indeks Kepuasan Masyarakat (IKM)", ikm_text],
        ["Retribusi ditagih", f.rupiah(revenue["billed"])],
        ["Retribusi dibayar", f.rupiah(revenue["paid"])],
        ["Pengaduan diterima / dijawab / terlambat",
         f"{complaints['received']} / {complaints['answered']} / {complaints['overdue']}"],
    ]
    story.append(_table(summary_rows, [WIDTH * 0.55, WIDTH * 0.45], cell_style=cell))
    story += [paragraph("B. Kinerja per layanan", st["heading"])]
    service_rows = [["Layanan", "SOP", "Rata-rata", "P90", "Tepat waktu", "Diajukan", "Terbit", "Ditolak"]]
    for s in data["services"]:
        service_rows.append([s["name"], f.integer(s["sop_days"]), f.decimal(s["avg_lead_time_working_days"]),
                             f.decimal(s["p90_lead_time_working_days"]), f.percent(s["on_time_rate"]),
                             f.integer(s["submitted"]), f.integer(s["issued"]), f.integer(s["rejected"])])
    story.append(_table(service_rows, [WIDTH * 0.34] + [WIDTH * 0.66 / 7] * 7, cell_style=cell))
    story.append(paragraph("Waktu dalam hari kerja, dihitung pada jam layanan sejak berkas lengkap tanpa masa "
                           "menunggu pemohon; tepat waktu: selesai dalam SOP ditambah perpanjangan.", cell))
    story += [Spacer(1, 4 * mm), KeepTogether([_volume_chart(data["services"])]), Spacer(1, 3 * mm),
              KeepTogether([_lead_chart(data["services"])])]
    story.append(paragraph("C. Langkah yang melewati batas waktu", st["heading"]))
    service_names = {s["service"]: s["name"] for s in data["services"]}  # people read names, never keys
    step_rows = [["Langkah", "Layanan", "Jumlah"]] + [
        [b["name"], service_names.get(b["service"], b["service"]), f.integer(b["count"])]
        for b in data["breaches_by_step"][:15]]
    if len(step_rows) == 1:
        step_rows.append(["Tidak ada langkah yang terlambat.", "", ""])
    story.append(_table(step_rows, [WIDTH * 0.55, WIDTH * 0.3, WIDTH * 0.15], cell_style=cell))
    story.append(paragraph("D. Waktu menurut pemegang berkas", st["heading"]))
    holder_rows = [["Pemegang berkas", "Hari kerja", "Perkara", "Rata-rata per perkara"]] + [
        [h["label"], f.decimal(h["working_days"]), f.integer(h["cases"]), f.decimal(h["avg_working_days"])]
        for h in data["time_by_holder"]]
    story.append(_table(holder_rows, [WIDTH * 0.4, WIDTH * 0.2, WIDTH * 0.15, WIDTH * 0.25], cell_style=cell))
    story.append(paragraph("E. Indeks Kepuasan Masyarakat (PermenPAN-RB 14/2017)", st["heading"]))
    ikm_rows = [["Unsur pelayanan", "Nilai rata-rata (NRR)"]] + [
        [e["name"], f.decimal(e["nrr"], 3)] for e in ikm["elements"]]
    ikm_rows.append(["IKM (konversi 25–100)", f.decimal(ikm["score"])])
    story.append(_table(ikm_rows, [WIDTH * 0.7, WIDTH * 0.3], cell_style=cell))
    per_service = [["Layanan", "Responden", "IKM", "Mutu"]] + [
        [s["name"], f.integer(s["ikm"]["responses"]), f.decimal(s["ikm"]["score"]),
         f"{s['ikm']['category']} ({s['ikm']['label']})" if s["ikm"]["category"] else "–"]
        for s in data["services"] if s["ikm"]["responses"]]
    if len(per_service) > 1:
        story += [Spacer(1, 3 * mm), _table(per_service, [WIDTH * 0.45, WIDTH * 0.15, WIDTH * 0.15, WIDTH * 0.25],
                                            cell_style=cell)]
    generated = clock.to_local(clock.now())
    return build_pdf(story, office=office, title=f"Laporan kinerja pelayanan {label}",
                     subject="Laporan kinerja bulanan (LAKIP)",
                     footer_note=f"Dibuat oleh SatuPintu pada {generated:%d-%m-%Y %H:%M} WIB")
