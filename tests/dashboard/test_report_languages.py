"""The exports in the requester's language: the CSV's header row and the monthly PDF's headings, numbers and dates.

The CSV's cells stay machine-readable in every language. Assertions on English words (headings, the CSV
header) need the English catalog compiled (`make messages` + `pybabel compile`); numbers, month names and
dates come from Babel's locale data and hold without it.
"""
from __future__ import annotations

import csv
import io

import pytest

from app.common import clock
from tests.dashboard.support import NOW
from tests.support.api import ApiClient

AUGUST = "from=2026-08-01&to=2026-08-31"
ENGLISH_HEADER = ["Registration number", "Service", "Status", "Submitted at", "Completed at", "SOP (working days)",
                  "Extension (working days)", "Clock state", "Lead time (working days)", "Elapsed (working days)",
                  "On time", "Late steps", "Billed (IDR)", "Paid (IDR)", "IKM score"]


def _client(shared_app, language: str | None) -> ApiClient:
    client = shared_app.test_client()
    if language:
        client.get(f"/bahasa/{language}")  # the language switch's cookie, sent with every later request
    with clock.frozen_at(NOW):
        return ApiClient(client, "supervisor@demo.local")


def _get(api: ApiClient, path: str):
    with clock.frozen_at(NOW):
        return api.get(path)


def _csv_rows(shared_app, language: str | None) -> list[list[str]]:
    response = _get(_client(shared_app, language), f"/api/v1/reports/cases.csv?{AUGUST}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _pdf_text(shared_app, language: str | None) -> str:
    from pypdf import PdfReader

    response = _get(_client(shared_app, language), "/api/v1/reports/monthly.pdf?month=2026-08")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_csv_header_keeps_the_documented_column_names_in_indonesian(shared_app):
    from app.dashboard.reports import COLUMNS

    assert _csv_rows(shared_app, None)[0] == list(COLUMNS)
    assert _csv_rows(shared_app, "id")[0] == list(COLUMNS)


def test_the_csv_cells_are_the_same_data_in_every_language(shared_app):
    indonesian, english = _csv_rows(shared_app, "id"), _csv_rows(shared_app, "en")
    assert len(indonesian) > 1 and english[1:] == indonesian[1:]
    lead = indonesian[0].index("lead_time_working_days")
    submitted = indonesian[0].index("submitted_at")
    for row in english[1:]:
        assert "," not in row[lead] and (row[lead] == "" or float(row[lead]) >= 0)  # 4.00, never 4,00
        assert row[submitted][4] == "-" and row[submitted].endswith("+07:00")  # ISO 8601, never in words


def test_the_csv_header_follows_the_requesters_language(shared_app):
    """Needs the compiled English catalog."""
    assert _csv_rows(shared_app, "en")[0] == ENGLISH_HEADER


def test_the_monthly_report_writes_numbers_and_dates_the_english_way(shared_app):
    text = _pdf_text(shared_app, "en")
    assert "August 2026" in text and "Agustus" not in text
    assert "1 August 2026" in text and "31 August 2026" in text  # the period, in English dates
    assert "66.7%" in text and "66,7%" not in text  # on-time rate 0.6667
    assert "5.50" in text and "14.00" in text and "86.11" in text  # lead times and IKM with a decimal point
    assert "Rp 1,250,000" in text and "Rp 500,000" in text and "Rp 1.250.000" not in text


def test_the_monthly_report_keeps_the_indonesian_formats_by_default(shared_app):
    text = _pdf_text(shared_app, None)
    assert "1 Agustus 2026 s.d. 31 Agustus 2026" in text and "66,7% dari 3 perkara" in text
    assert "Rp 1.250.000" in text and "Dibuat oleh SatuPintu pada 30 September 2026 10.00 WIB" in text
    assert "Halaman 1 dari" in text


def test_the_monthly_report_headings_follow_the_requesters_language(shared_app):
    """Needs the compiled English catalog."""
    text = _pdf_text(shared_app, "en")
    assert "PERFORMANCE REPORT OF PERMIT AND NON-PERMIT SERVICES" in text
    assert "Month of August 2026 (1 August 2026 to 31 August 2026)" in text
    assert "66.7% of 3 cases" in text and "A. Summary" in text and "Figure 1" in text
    assert "Made by SatuPintu on 30 September 2026 10.00 WIB" in text
    assert "LAPORAN KINERJA" not in text and "Ringkasan" not in text
    assert "Page 1 of" in text and "Halaman" not in text


@pytest.mark.parametrize(("language", "month"), [("id", "Agu 2026"), ("en", "Aug 2026")])
def test_the_dashboards_chart_months_follow_the_language(shared_app, language, month):
    from app.dashboard import charts

    with shared_app.test_request_context(headers={"Cookie": f"lang={language}"}):
        spec = charts.volume({"volume": [{"period": "2026-08", "submitted": 1, "issued": 0, "rejected": 0,
                                          "backlog": 1}]})
    assert spec["labels"] == [month]
