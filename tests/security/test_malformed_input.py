"""Malformed input is a 4xx with a field message, never a 500: lone surrogates, extreme dates, nulls in lists.

A lone surrogate (JSON `"\\ud800"`) parsed fine and then failed to encode in the database, a mail or a
log line; years 1 and 9999 overflowed the conversion to office time; `"expect": {"visited": [1, null]}`
crashed the simulation. The defences sit at the wall: `app.common.errors.refuse_lone_surrogates` for
every JSON body, `app.common.schemas.BaseSchema` for every date field, `app.common.pages.date_arg` for
the pages, `app.modeler.schemas` for scenarios.
"""
from __future__ import annotations

import json

import pytest

from app.payments.service import signature_for
from tests.support.api import ApiClient

LONE = "Budi \\ud800 Santoso"  # as written in the raw JSON text: an escape Python decodes to a lone surrogate

SURROGATE_BODIES = [
    ("POST", "/api/v1/auth/token", '{"email": "pemohon@demo.local", "password": "%s"}', None, "password"),
    ("POST", "/api/v1/auth/register", '{"email": "baru@contoh.id", "password": "Rahasia#2026x", "name": "%s"}',
     None, "name"),
    ("POST", "/api/v1/auth/password-reset", '{"email": "pemohon%s@demo.local"}', None, "email"),
    ("POST", "/api/v1/auth/password-reset/confirm", '{"token": "%s", "password": "Rahasia#2026x"}', None, "token"),
    ("POST", "/api/v1/auth/verify-email", '{"token": "%s"}', None, "token"),
    ("POST", "/api/v1/complaints", '{"name": "%s", "contact": "warga@contoh.local", "subject": "Antrean loket",'
     ' "body": "Antrean di loket terlalu panjang pada hari Senin pagi."}', None, "name"),
    ("POST", "/api/v1/complaints", '{"name": "Warga", "contact": "warga@contoh.local", "subject": "Antrean",'
     ' "body": "Antrean di loket terlalu panjang pada hari Senin.", "extra": {"%s": 1}}', None, "extra.Budi"),
    ("PATCH", "/api/v1/me", '{"name": "%s"}', "pemohon@demo.local", "name"),
    ("POST", "/api/v1/cases", '{"service": "sip_apoteker", "data": {"nama": "%s"}}', "pemohon@demo.local",
     "data.nama"),
]


@pytest.mark.parametrize(("method", "path", "template", "user", "field"), SURROGATE_BODIES,
                         ids=[f"{m} {p} {f}" for m, p, _, _, f in SURROGATE_BODIES])
def test_lone_surrogate_in_json_is_422_with_field(client, method, path, template, user, field):
    """A lone surrogate anywhere in a JSON body (values and keys) is a 422 naming the field."""
    headers = {"Authorization": f"Bearer {ApiClient(client, user).token}"} if user else {}
    response = client.open(path, method=method, data=template % LONE, content_type="application/json",
                           headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    fields = response.get_json()["error"]["fields"]
    assert any(key.startswith(field) and "surrogate" in " ".join(fields[key]) for key in fields), fields


def test_lone_surrogate_in_payment_callback_is_422(client):
    """The gateway callback reads the raw body itself: a lone surrogate is refused before it is logged."""
    raw = ('{"billing_code": "' + LONE + '", "amount": 1, "paid_at": "2026-11-24T10:15:00+07:00",'
           ' "reference": "r1"}').encode()
    response = client.post("/api/v1/payments/callback", data=raw, content_type="application/json",
                           headers={"X-Signature": signature_for(raw, "test-callback-secret")})
    assert response.status_code == 422
    assert "billing_code" in response.get_json()["error"]["fields"]


def test_paired_surrogates_still_work(client):
    """An emoji written as an escaped surrogate pair is ordinary text, not refused."""
    response = client.post("/api/v1/auth/password-reset", data='{"email": "pemohon\\ud83d\\ude00@demo.local"}',
                           content_type="application/json")
    assert response.status_code in (202, 422)
    assert "surrogate" not in response.get_data(as_text=True)


EXTREME_DAYS = ["0001-01-01", "9999-12-31"]
DATE_QUERIES = [
    ("/api/v1/audit?from={day}", "from"), ("/api/v1/audit?to={day}", "to"),
    ("/api/v1/dashboard/summary?from={day}", "from"), ("/api/v1/dashboard/details?to={day}", "to"),
    ("/api/v1/dashboard/heatmap?service=sip_apoteker&from={day}", "from"),
    ("/api/v1/reports/cases.csv?from={day}", "from"), ("/api/v1/payments/revenue?to={day}", "to"),
    ("/api/v1/tasks?due_before={day}T00:00:00%2B07:00", "due_before"),
    ("/api/v1/tasks?due_before={day}T23:59:59-07:00", "due_before"),
]


@pytest.mark.parametrize("day", EXTREME_DAYS)
@pytest.mark.parametrize(("template", "field"), DATE_QUERIES, ids=[t.split("?")[0] + f" {f}" for t, f in DATE_QUERIES])
def test_extreme_dates_in_queries_are_422(client, template, field, day):
    """Year 1 or 9999 in a date argument is a 422 on that argument (it used to overflow to a 500)."""
    admin = ApiClient(client, "admin@demo.local")
    response = admin.get(template.format(day=day))
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_extreme_dates_on_the_audit_page_are_a_readable_page(client, day):
    """The administrators' audit page shows a field message for year 1 or 9999, never a 500."""
    admin = ApiClient(client, "admin@demo.local")
    response = admin.get(f"/admin/audit?from={day}&to={day}")
    assert response.status_code in (200, 422)
    assert "2000-01-01" in response.get_data(as_text=True)


@pytest.mark.parametrize("paid_at", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:00-07:00"])
def test_extreme_paid_at_in_a_signed_callback_is_422(client, paid_at):
    """A correctly signed callback with a paid_at at year 1 or 9999 is refused on that field."""
    raw = json.dumps({"billing_code": "3200260000001", "amount": 1000, "paid_at": paid_at,
                      "reference": "REF-EXTREME"}).encode()
    response = client.post("/api/v1/payments/callback", data=raw, content_type="application/json",
                           headers={"X-Signature": signature_for(raw, "test-callback-secret")})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "paid_at" in response.get_json()["error"]["fields"]


SCENARIOS = [
    ({"start_at": "0001-01-01T00:00:00+07:00"}, "scenario.start_at"),
    ({"start_at": "9999-12-31T23:00:00-07:00"}, "scenario.start_at"),
    ({"expect": {"visited": [1, None]}}, "scenario.expect.visited"),
    ({"expect": {"not_visited": [None]}}, "scenario.expect.not_visited"),
    ({"expect": {"visited": "Task_verifikasi"}}, "scenario.expect.visited"),
    ({"expect": {"notifications": [{"x": 1}]}}, "scenario.expect.notifications"),
    ({"expect": {"outcome": [1]}}, "scenario.expect.outcome"),
]


@pytest.mark.parametrize(("scenario", "field"), SCENARIOS, ids=[f for _, f in SCENARIOS])
@pytest.mark.parametrize("path", ["test-runs", "tests"])
def test_malformed_scenarios_are_422(client, scenario, field, path):
    """Modeler test runs (and saved tests) refuse nulls in expectation lists and extreme start times."""
    analyst = ApiClient(client, "analis@demo.local")
    response = analyst.post(f"/api/v1/process-models/sip_apoteker/{path}", json={"scenario": scenario})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert field in response.get_json()["error"]["fields"]
