"""Reaching an issued permit: through the whole sip_apoteker API flow, or directly for numbering and jobs."""
from __future__ import annotations

import io
from datetime import date

from tests.support.api import ApiClient
from tests.support.data import sample_application
from tests.support.flow import all_ok, complete_task, submit_application, take_group_task

CONDITIONS = "Apoteker wajib hadir pada jam buka apotek.\nPapan nama praktik dipasang di depan sarana."


def issue_through_api(client, *, conditions: str | None = CONDITIONS) -> dict:
    """Run sip_apoteker from submission to issuance as the demo users; returns the applicant's case view."""
    applicant = ApiClient(client, "pemohon@demo.local")
    case = submit_application(applicant)
    task = take_group_task(ApiClient(client, "loket@demo.local"), case["id"])
    complete_task(ApiClient(client, "loket@demo.local"), task["id"],
              {"verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": all_ok()})
    dinkes = ApiClient(client, "teknis.dinkes@demo.local")
    task = take_group_task(dinkes, case["id"])
    recommendation = ({"recommendation": "recommend_with_conditions", "recommendation_conditions": conditions}
                      if conditions else {"recommendation": "recommend"})
    complete_task(dinkes, task["id"], recommendation)
    kabid = ApiClient(client, "kabid@demo.local")
    task = take_group_task(kabid, case["id"])
    complete_task(kabid, task["id"], {"approval_decision": "approve", "approval_note": "Setuju."})
    kadis = ApiClient(client, "kadis@demo.local")
    task = take_group_task(kadis, case["id"])
    done = complete_task(kadis, task["id"], {"signing_decision": "sign"})
    assert done["status"] == "issued", done
    return applicant.get(f"/api/v1/cases/{case['id']}").get_json()


def sign(case, signer_email: str = "kadis@demo.local", decision: str = "sign"):
    """Record a completed signing task on the case as the inbox writes it (task row and task_completed event)."""
    import uuid

    from app.accounts import service as accounts
    from app.cases import events
    from app.common import clock
    from app.extensions import db
    from app.inbox.models import Task

    signer = accounts.get_by_email(signer_email)
    task = Task(id=str(uuid.uuid4()), case_id=case.id, bpmn_id="penandatanganan",
                process_id="persetujuan_penandatanganan", name="Penandatanganan izin (TTE)",
                group_key="penandatangan", state="completed", created_at=clock.now(), completed_at=clock.now(),
                assignee_id=signer.id, completed_by_id=signer.id, result={"signing_decision": decision})
    db.session.add(task)
    events.record(case, "task_completed", actor_id=signer.id, actor_role="penandatangan", step=task.name,
                  bpmn_id=task.bpmn_id, data={"task_id": task.id})
    db.session.flush()
    return task


def draft_case(*, signed: bool = True):
    """A sip_apoteker case row with a registration number (signed by the head of office unless told otherwise),
    without running its process (app context needed)."""
    from app.accounts import service as accounts
    from app.cases import service as cases
    from app.common import clock

    applicant = accounts.get_by_email("pemohon@demo.local")
    case = cases.create_draft(actor=applicant, service_key="sip_apoteker", data=sample_application())
    case.registration_number = f"SIPA-2026-{900000 + case.id:06d}"
    case.submitted_at = clock.now()
    if signed:
        sign(case)
    return case


def issue_directly(valid_until: date | None = None):
    """Issue a permit for a fresh case by calling the service, optionally with a chosen validity end."""
    from app.permits import service as permits

    permit = permits.issue_for_case(draft_case(), {}, actor_id=None)
    if valid_until is not None:
        permit.valid_until = valid_until
    return permit


def pdf_text(data: bytes) -> str:
    """All text pypdf extracts from a PDF."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def scanned_qr_codes(data: bytes, page: int = 0) -> list[str]:
    """What a phone camera would read: the QR codes on a page rendered at 216 dpi, found and decoded by OpenCV."""
    import cv2
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=3).to_numpy()
    finally:
        document.close()
    gray = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    found, decoded, _, _ = cv2.QRCodeDetectorAruco().detectAndDecodeMulti(gray)  # steadier than QRCodeDetector
    return [text for text in decoded if text] if found else []


def issue_and_commit(app, valid_until: date | None = None) -> dict:
    """Issue a permit directly in its own transaction; returns its number, token, case id and storage key."""
    from app.extensions import db

    with app.app_context():
        permit = issue_directly(valid_until)
        db.session.commit()
        return {"id": permit.id, "number": permit.number, "token": permit.verify_token, "case_id": permit.case_id,
                "storage_key": permit.storage_key, "sha256": permit.sha256}


def stored_pdf(app, storage_key: str) -> bytes:
    """The bytes of a stored permit file."""
    from app.cases import storage

    with app.app_context():
        return storage.path_for(storage_key).read_bytes()
