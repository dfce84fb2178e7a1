"""The office's documents (permit, receipt, SKRD) write dates and numbers through the one Babel formatter of
app/common/i18n.py, always in Indonesian: a reader who chose English still gets the document as issued."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from tests.permits.support import pdf_text
from tests.support.api import ApiClient
from tests.support.flow import submit_application

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_CODE = [ROOT / "app" / "permits", ROOT / "app" / "payments"]
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")
INDONESIAN_TOO = ("April", "September", "November")  # the same word in both languages
# What writing dates and numbers by hand looked like: a list of month names, strftime patterns, "{:,}" thousands
# with the separators swapped afterwards.
BY_HAND = {
    "month names": re.compile(r"\"(Januari|Februari|Maret|Agustus|Oktober|Desember)\""),
    "strftime": re.compile(r"\.strftime\(|:%[dmYHMy]"),
    "thousands by hand": re.compile(r"\{[^{}]*:,[^{}]*\}|\"\{:,\}\"|replace\(\",\", \"\.\"\)"),
}


def test_documents_format_no_date_or_number_by_hand():
    offenders = []
    for folder in DOCUMENT_CODE:
        for path in sorted(folder.rglob("*.py")):
            source = path.read_text("utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {what}" for what, pattern in BY_HAND.items()
                          if pattern.search(source)]
    assert not offenders, offenders


def test_document_dates_and_numbers_are_the_babel_formats_in_indonesian_whatever_the_page_language(app):
    from app.common.i18n import format_day_in, format_moment_in, format_number_in
    from app.permits import layout

    at = datetime(2026, 12, 16, 9, 5, tzinfo=UTC)  # 16.05 in Jakarta
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert layout.tanggal(at) == format_day_in(at, "id") == "16 Desember 2026"
        assert layout.tanggal(date(2026, 2, 1)) == "1 Februari 2026"
        assert layout.tanggal_jam(at) == format_moment_in(at, "id", layout.DOCUMENT_MOMENT)
        assert layout.tanggal_jam(at) == "16 Desember 2026 pukul 16.05 WIB"
        assert layout.angka(1_250_000) == format_number_in(1_250_000, "id") == "1.250.000"
        assert layout.rupiah(248_400) == "Rp 248.400"
        assert layout.tanggal(None) == layout.tanggal_jam(None) == "-"


def test_the_receipt_downloaded_in_english_still_writes_its_dates_in_indonesian(client, app):
    from app.cases.models import Case
    from app.common.i18n import format_moment_in
    from app.extensions import db
    from app.permits.layout import DOCUMENT_MOMENT

    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    client.get("/bahasa/en")  # the reader's choice: the site in English
    response = applicant.get(f"/api/v1/cases/{case['id']}/receipt.pdf")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.data).split())
    with app.app_context():
        row = db.session.get(Case, case["id"])
        submitted = format_moment_in(row.submitted_at, "id", DOCUMENT_MOMENT)
        estimate = format_moment_in(row.estimated_completion, "id", DOCUMENT_MOMENT)
    assert submitted in text and estimate in text
    assert not [month for month in ENGLISH_MONTHS if month in text and month not in INDONESIAN_TOO], text
    assert "TANDA TERIMA PERMOHONAN" in text
