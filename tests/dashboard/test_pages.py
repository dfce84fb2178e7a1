"""Pages: the supervisors' dashboard and heatmap, and the public transparency page."""
from __future__ import annotations

import re

import pytest

from app.common import clock
from tests.dashboard.support import NOW
from tests.inbox.support import PageClient

pytestmark = pytest.mark.one_database  # nothing here depends on the database

AUGUST = "dari=2026-08-01&sampai=2026-08-31"


def _page(client, path: str) -> tuple[int, str]:
    with clock.frozen_at(NOW):
        response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def _kpi(html: str, key: str) -> str:
    return re.search(rf'data-kpi="{key}"><span class="kpi-value[^"]*">([^<]*)<', html).group(1)


def test_the_dashboard_shows_the_periods_figures_to_a_supervisor(shared_app):
    with clock.frozen_at(NOW):
        page = PageClient(shared_app.test_client(), "supervisor@demo.local")
    status, html = _page(page, f"/dasbor?{AUGUST}")
    assert status == 200
    assert (_kpi(html, "open_cases"), _kpi(html, "overdue_tasks"), _kpi(html, "at_risk_tasks")) == ("2", "1", "1")
    assert _kpi(html, "on_time_rate") == "66,7%" and _kpi(html, "ikm") == "86,11"
    assert _kpi(html, "revenue") == "Rp 1.250.000"
    row = re.search(r'<tr data-service="sip_apoteker">(.*?)</tr>', html, re.S).group(1)
    assert "5,50" in row  # average lead time against the SOP of 5
    assert "Rekomendasi teknis Dinas Kesehatan" in html and "dr. Rina Dinkes" in html
    assert 'data-holder="dinkes"' in html and "Dinas Kesehatan" in html
    ikm = re.search(r'<tr data-ikm="score">(.*?)</tr>', html, re.S).group(1)
    assert ikm.count("86,11") == 2  # the office, and sip_apoteker: the only service rated in August
    for chart in ("chart-volume", "chart-lead", "chart-holders", "chart-breaches"):
        assert f'id="{chart}" data-chart=' in html
    assert "/api/v1/reports/cases.csv?from=2026-08-01&amp;to=2026-08-31" in html
    assert "<script>" not in html  # the CSP allows no inline script
    assert 'href="/dasbor"' in html  # the supervisor's link in the menu


def test_a_bad_date_is_flagged_and_the_default_period_shown(shared_app):
    with clock.frozen_at(NOW):
        page = PageClient(shared_app.test_client(), "supervisor@demo.local")
    status, html = _page(page, "/dasbor?dari=kemarin&layanan=tidak_ada")
    assert status == 200
    assert "Tanggal tidak valid" in html and "Layanan tidak dikenal" in html
    assert 'value="2025-10-01"' in html  # twelve months up to 30 September 2026


def test_the_dashboard_pages_are_for_supervisors_only(shared_app):
    anonymous = shared_app.test_client()
    response = anonymous.get("/dasbor")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    with clock.frozen_at(NOW):
        officer = PageClient(shared_app.test_client(), "loket@demo.local")
    assert _page(officer, "/dasbor")[0] == 403
    assert _page(officer, "/dasbor/heatmap")[0] == 403
    assert 'href="/dasbor"' not in _page(officer, "/petugas/permohonan")[1]


def test_the_heatmap_page_lists_each_step_with_its_severity(shared_app):
    with clock.frozen_at(NOW):
        page = PageClient(shared_app.test_client(), "supervisor@demo.local")
    status, html = _page(page, f"/dasbor/heatmap?{AUGUST}&layanan=sip_apoteker")
    assert status == 200
    assert re.search(r'<tr data-element="rekomendasi_dinkes" class="heat-row heat-high">', html)
    assert re.search(r'<tr data-element="verifikasi" class="heat-row heat-low">', html)
    assert 'data-heatmap-source="/api/v1/dashboard/heatmap?service=sip_apoteker&amp;from=2026-08-01' in html


def test_the_transparency_page_is_public_and_shows_aggregates_only(shared_app):
    status, html = _page(shared_app.test_client(), "/transparansi")
    assert status == 200
    row = re.search(r'<tr data-service="sip_apoteker">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[:3] == ["5", "5,50", "50,0%"]  # SOP, actual average, on time (A yes, B no)
    assert "86,11" in html  # the office's IKM
    assert 'data-service="pengaduan"' not in html
    from app.cases.models import Case
    from app.extensions import db

    with shared_app.app_context():
        numbers = [c.registration_number for c in db.session.query(Case)]
        names = {c.applicant.name for c in db.session.query(Case)}
    assert not any(n in html for n in numbers) and not any(n in html for n in names)
