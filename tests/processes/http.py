"""Drive a service end to end through the HTTP API: the applicant, the officers and the payment gateway."""
from __future__ import annotations

import hashlib
import json

from app.common import clock
from app.payments.service import signature_for
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG, ApiClient, completion
from tests.support.data import requirements, sample_application

CALLBACK_SECRET = "test-callback-secret"  # TestConfig.PAYMENT_CALLBACK_SECRET


def submit(applicant: ApiClient, service: str, data: dict | None = None) -> dict:
    """Create, upload every required document, submit; returns the submitted case."""
    created = applicant.post("/api/v1/cases", json={"service": service, "data": data or sample_application(service)})
    assert created.status_code == 201, created.get_json()
    case_id = created.get_json()["id"]
    for req in requirements(service):
        if not req["required"]:
            continue
        content, name = (MINIMAL_PDF, "berkas.pdf") if ".pdf" in req["accept"] else (MINIMAL_PNG, "foto.png")
        uploaded = applicant.upload(case_id, req["key"], content, f"{req['key']}-{name}")
        assert uploaded.status_code == 201, uploaded.get_json()
    submitted = applicant.post(f"/api/v1/cases/{case_id}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


def take(officer: ApiClient, case_id: int, bpmn_id: str | None = None) -> dict:
    """Claim the case's one task waiting in the officer's group inbox."""
    inbox = officer.get("/api/v1/tasks?scope=group").get_json()
    mine = [t for t in inbox["items"] if t["case_id"] == case_id and (bpmn_id is None or t["bpmn_id"] == bpmn_id)]
    assert len(mine) == 1, inbox
    claimed = officer.post(f"/api/v1/tasks/{mine[0]['id']}/claim")
    assert claimed.status_code == 200, claimed.get_json()
    return mine[0]


def finish(officer: ApiClient, case_id: int, data: dict, bpmn_id: str | None = None) -> dict:
    """Take and complete the case's task in the officer's group; returns the case."""
    task = take(officer, case_id, bpmn_id)
    done = officer.post(f"/api/v1/tasks/{task['id']}/complete", json=completion(data))
    assert done.status_code == 200, done.get_json()
    return done.get_json()["case"]


def callback(client, body: dict, *, secret: str = CALLBACK_SECRET, signature: str | None = None):
    """POST a payment callback signed like the revenue agency's gateway."""
    raw = json.dumps(body).encode("utf-8")
    return client.post("/api/v1/payments/callback", data=raw, content_type="application/json",
                       headers={"X-Signature": signature or signature_for(raw, secret)})


def payment_for(case: dict, reference: str = "BPD-20261124-000001", paid_at: str | None = None) -> dict:
    """A callback body paying the case's outstanding bill in full (now, unless `paid_at` is given)."""
    [bill] = [o for o in case["outstanding"] if o["kind"] == "payment"]
    return {"billing_code": bill["billing_code"], "amount": bill["amount"],
            "paid_at": paid_at or clock.iso(clock.now()), "reference": reference}


def verified_permit(applicant: ApiClient, case: dict) -> dict:
    """Download the issued permit as its holder and check it against the public verification record."""
    permit = case["permit"]
    pdf = applicant.get(permit["pdf_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    token = permit["verify_url"].rstrip("/").rsplit("/", 1)[-1]
    record = applicant.client.get(f"/api/v1/verify/{token}").get_json()
    assert record["status"] == "valid"
    assert record["sha256"] == hashlib.sha256(pdf.data).hexdigest()
    page = applicant.client.get(permit["verify_url"]).get_data(as_text=True)
    assert 'data-status="valid"' in page
    return record
