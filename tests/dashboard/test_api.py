"""The dashboard and report API: the contract's fields, who may call it, parameter errors, CSV and PDF figures."""
from __future__ import annotations

import csv
import io

import pytest

from app.common import clock
from tests.dashboard.support import NOW
from tests.support.api import ApiClient

AUGUST = "from=2026-08-01&to=2026-08-31"
URLS = ("/api/v1/dashboard/summary", "/api/v1/dashboard/details", "/api/v1/dashboard/heatmap?service=sip_apoteker",
        "/api/v1/reports/cases.csv", "/api/v1/reports/monthly.pdf?month=2026-08")


# HTTP tests run outside an application context: each request gets its own (and its own `g`).


@pytest.fixture
def api(shared_app):
    with clock.frozen_at(NOW):
        yield ApiClient(shared_app.test_client(), "supervisor@demo.local")


def _get(api, path):
    with clock.frozen_at(NOW):
        return api.get(path)


def test_summary_answers_with_the_fields_of_the_contract(api):
    response = _get(api, f"/api/v1/dashboard/summary?{AUGUST}")
    assert response.status_code == 200
    body = response.get_json()
    assert {"open_cases", "open_tasks", "overdue_tasks", "at_risk_tasks", "on_time_rate",
            "avg_lead_time_working_days", "sop_days", "breaches_by_step", "volume", "ikm", "revenue"} <= set(body)
    assert body["period"] == {"from": "2026-08-01", "to": "2026-08-31"}
    assert body["avg_lead_time_working_days"]["sip_apoteker"] == 5.5 and body["sop_days"]["pbg"] == 14
    assert {"service", "bpmn_id", "name", "count"} <= set(body["breaches_by_step"][0])
    assert {"period", "submitted", "issued", "rejected"} <= set(body["volume"][0])
    assert (body["ikm"]["score"], body["ikm"]["category"], body["ikm"]["responses"]) == (86.11, "B", 2)
    assert body["revenue"] == {"billed": 500000, "paid": 1250000}


def test_every_dashboard_and_report_url_wants_a_supervisor(shared_app):
    client = shared_app.test_client()
    with clock.frozen_at(NOW):  # tokens are issued and used at the office's "now"
        officer = ApiClient(client, "loket@demo.local")
        applicant = ApiClient(client, "pemohon@demo.local")
        admin = ApiClient(client, "admin@demo.local")
    for url in URLS:
        with clock.frozen_at(NOW):
            assert client.get(url).status_code == 401, url
            assert officer.get(url).status_code == 403, url
            assert applicant.get(url).status_code == 403, url
            assert admin.get(url).status_code == 200, url


def test_no_login_is_a_401_even_with_bad_parameters(shared_app):
    response = shared_app.test_client().get("/api/v1/dashboard/summary?from=kemarin")
    assert response.status_code == 401


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/dashboard/summary?from=2026-13-01", "from"),
    ("/api/v1/dashboard/summary?from=2026-09-01&to=2026-08-01", "from"),
    ("/api/v1/dashboard/summary?from=2020-01-01&to=2026-08-01", "to"),
    ("/api/v1/dashboard/summary?service=tidak_ada", "service"),
    ("/api/v1/dashboard/details?stuck_days=0", "stuck_days"),
    ("/api/v1/dashboard/heatmap", "service"),
    ("/api/v1/reports/cases.csv?to=31-08-2026", "to"),
    ("/api/v1/reports/monthly.pdf", "month"),
    ("/api/v1/reports/monthly.pdf?month=2026-8", "month"),
    ("/api/v1/reports/monthly.pdf?month=2026-13", "month"),
    ("/api/v1/reports/monthly.pdf?month=2026-12", "month"),  # not begun on 30 September 2026
])
def test_bad_parameters_are_422_with_a_message_for_the_field(api, path, field):
    response = _get(api, path)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["fields"][field]


def test_the_cases_export_agrees_with_the_summary(api):
    summary = _get(api, f"/api/v1/dashboard/summary?{AUGUST}").get_json()
    response = _get(api, f"/api/v1/reports/cases.csv?{AUGUST}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    in_august = lambda value: value[:7] == "2026-08"  # noqa: E731 - times are written with +07:00
    assert sum(1 for r in rows if in_august(r["submitted_at"])) == sum(m["submitted"] for m in summary["volume"])
    decided = [r for r in rows if in_august(r["completed_at"]) and r["status"] in ("issued", "rejected")]
    assert sum(1 for r in decided if r["status"] == "issued") == sum(m["issued"] for m in summary["volume"])
    measured = [r for r in decided if r["on_time"]]
    assert round(sum(r["on_time"] == "ya" for r in measured) / len(measured), 4) == summary["on_time_rate"]
    for service, average in summary["avg_lead_time_working_days"].items():
        leads = [float(r["lead_time_working_days"]) for r in measured if r["service"] == service]
        assert (round(sum(leads) / len(leads), 2) if leads else None) == average, service
    assert sum(int(r["late_steps"]) for r in rows) == sum(b["count"] for b in summary["breaches_by_step"])
    assert all(r["service"] != "pengaduan" for r in rows)
    by_number = {r["registration_number"]: r for r in rows}
    assert by_number[api_number(api, "A")]["lead_time_working_days"] == "4.00"
    assert by_number[api_number(api, "A")]["ikm_score"] == "100.00"


def api_number(api, letter: str) -> str:
    from app.cases.models import Case
    from app.extensions import db

    app = api.client.application
    with app.app_context():
        return db.session.get(Case, app.config["OFFICE_CASE_IDS"][letter]).registration_number


def test_the_monthly_report_is_a_pdf_with_the_months_figures(api):
    from pypdf import PdfReader

    summary = _get(api, f"/api/v1/dashboard/summary?{AUGUST}").get_json()
    response = _get(api, "/api/v1/reports/monthly.pdf?month=2026-08")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Agustus 2026" in text and "1 Agustus 2026 s.d. 31 Agustus 2026" in text
    assert "66,7% dari 3 perkara" in text  # on-time rate of the summary: 0.6667
    assert summary["on_time_rate"] == 0.6667
    assert "5,50" in text and "14,00" in text  # average lead time of sip_apoteker and pbg
    assert "86,11" in text and "Baik" in text  # IKM
    assert "Rp 500.000" in text and "Rp 1.250.000" in text
    assert "Rekomendasi teknis Dinas Kesehatan" in text  # the late step
    late = next(b for b in summary["breaches_by_step"] if b["name"].startswith("Rekomendasi teknis Dinas Kesehatan"))
    assert late["service"] not in text  # services by their names, never their keys
    assert "Gambar 1" in text and "Gambar 2" in text


def test_the_api_is_described_in_the_openapi_document(shared_app):
    paths = shared_app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/dashboard/summary", "/api/v1/reports/cases.csv", "/api/v1/reports/monthly.pdf",
                 "/api/v1/dashboard/heatmap", "/api/v1/dashboard/details"):
        assert "get" in paths[path], path
    schema = paths["/api/v1/dashboard/summary"]["get"]["responses"]["200"]
    assert schema["content"]["application/json"]["schema"]
