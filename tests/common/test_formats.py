"""One date format and one number format per language, through Babel, on every page."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.support.api import ApiClient
from tests.support.flow import submit_application
from tests.support.pages import login

pytestmark = pytest.mark.one_database  # nothing here depends on the database

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


@pytest.mark.parametrize(("language", "moment", "day", "number"), [
    ("id", "16 Desember 2026 16.00", "16 Desember 2026", "1.250.000"),
    ("en", "16 December 2026 16.00", "16 December 2026", "1,250,000"),
])
def test_the_filters_write_dates_and_numbers_the_languages_way(app, language, moment, day, number):
    from app.common.i18n import format_day, format_moment, format_number

    with app.test_request_context(headers={"Cookie": f"lang={language}"}):
        at = datetime(2026, 12, 16, 9, 0, tzinfo=UTC)  # 16.00 in Jakarta
        assert format_moment(at) == moment and format_moment(at.isoformat()) == moment
        assert format_day(at) == day and format_day(date(2026, 12, 16)) == day and format_day("2026-12-16") == day
        assert format_number(1_250_000) == number
        assert format_number(3.4) == ("3,4" if language == "id" else "3.4")
        assert format_moment(None) == format_day(None) == "—"


def test_no_template_cuts_iso_strings_or_formats_numbers_by_hand():
    """Dates were `[:10]`/`[:16]` slices of ISO strings and rupiah a `"{:,}".format(...).replace(...)`."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text("utf-8")
        if re.search(r"\[:1[06]\]|\{:,\}|replace\('\.', ','\)", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert not offenders, offenders


def test_the_applicants_history_shows_office_time_in_words(client):
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    login(client, "pemohon@demo.local")
    page = client.get(f"/permohonan/{case['id']}").get_data(as_text=True)
    timeline = page[page.index('id="riwayat"'):]
    times = re.findall(r"<time>([^<]+)</time>", timeline)
    assert times and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2}", t) for t in times), times
