"""Drive a service's model through the service layer, as the demo officers would, and read the route taken.

Used inside the `ctx` fixture (an application context on a fresh database); every step
commits like its HTTP request would.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.models import Group, User
from app.cases import service as cases
from app.cases.models import Case, CaseEvent
from app.common import clock
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import OPEN_STATES, Task
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
from tests.support.data import requirements, sample_application

APPLICANT = "pemohon@demo.local"


def officer_of(group: str) -> User:
    """A member of the group (a test officer is created where the demo data has none, e.g. teknis_dishub)."""
    user = db.session.scalar(select(User).join(User.groups).where(Group.key == group).order_by(User.id))
    if user is None:
        user = accounts.create_user(email=f"{group}@test.local", name=f"Petugas {group}", roles=("officer",),
                                    groups=(group,), verified=True)
        db.session.commit()
    return user


def applicant() -> User:
    """The demo applicant."""
    return accounts.get_by_email(APPLICANT)


def upload_required(case: Case, service: str, actor: User) -> None:
    """Upload a small valid file for every required document."""
    for req in requirements(service):
        if not req["required"]:
            continue
        content, name = (MINIMAL_PDF, "berkas.pdf") if ".pdf" in req["accept"] else (MINIMAL_PNG, "foto.png")
        cases.add_document(case=case, actor=actor, requirement=req["key"], stream=io.BytesIO(content),
                           filename=f"{req['key']}-{name}")


def submit(service: str, data: dict | None = None, *, at: datetime | None = None) -> Case:
    """A submitted application of the service with its required documents (committed)."""
    moment = at or clock.now()
    with clock.frozen_at(moment):
        user = applicant()
        case = cases.create_draft(actor=user, service_key=service, data=data or sample_application(service))
        upload_required(case, service, user)
        cases.submit(case=case, actor=user)
        db.session.commit()
    return case


def open_tasks(case: Case) -> list[Task]:
    """The case's open human tasks."""
    return list(db.session.scalars(select(Task).where(Task.case_id == case.id, Task.state.in_(OPEN_STATES))
                                   .order_by(Task.created_at)))


def open_task(case: Case, bpmn_id: str | None = None) -> Task:
    """The one open task (of an element, if given)."""
    tasks = [t for t in open_tasks(case) if bpmn_id is None or t.bpmn_id == bpmn_id]
    assert len(tasks) == 1, [(t.bpmn_id, t.group_key) for t in open_tasks(case)]
    return tasks[0]


def complete(case: Case, bpmn_id: str, data: dict, *, at: datetime | None = None) -> Case:
    """Complete the case's open task of that element as a member of its group (or the applicant)."""
    with clock.frozen_at(at or clock.now()):
        task = open_task(case, bpmn_id)
        actor = db.session.get(User, case.applicant_id) if task.group_key == "pemohon" else officer_of(task.group_key)
        inbox.complete(task=task, actor=actor, data=data)
        db.session.commit()
    db.session.refresh(case)
    return case


def route(case: Case) -> list[str]:
    """Element ids of the human tasks the case went through, in the order they opened."""
    rows = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "task_created")
                              .order_by(CaseEvent.id))
    return [e.bpmn_id for e in rows]


def event_kinds(case: Case) -> list[str]:
    """The case's audit trail, as event kinds."""
    return [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                                .order_by(CaseEvent.id))]


def verified(service: str) -> dict:
    """The verifier's 'complete' verdict on every required document."""
    return {"verification_outcome": "complete", "verification_note": "Berkas lengkap.",
            "document_verdicts": {r["key"]: {"verdict": "ok"} for r in requirements(service) if r["required"]}}


def revision(service: str, document: str, note: str = "Dokumen buram, mohon unggah ulang.") -> dict:
    """The verifier asks the applicant to replace one document."""
    verdicts = {r["key"]: {"verdict": "ok"} for r in requirements(service) if r["required"]}
    verdicts[document] = {"verdict": "revise", "note": note}
    return {"verification_outcome": "revision", "verification_note": note, "document_verdicts": verdicts}


RECOMMEND = {"recommendation": "recommend", "recommendation_note": "Memenuhi persyaratan teknis."}
NOT_RECOMMEND = {"recommendation": "not_recommend", "recommendation_note": "Lokasi tidak memenuhi ketentuan."}
APPROVE = {"approval_decision": "approve", "approval_note": "Setuju."}
SIGN = {"signing_decision": "sign"}


def approve_and_sign(case: Case) -> Case:
    """Head of division approves, head of office signs."""
    complete(case, "persetujuan", APPROVE)
    return complete(case, "penandatanganan", SIGN)


MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB, a working Monday
INSPECTION_SCHEDULE = {"inspection_date": "2026-11-26", "inspection_time": "09:00",
                       "inspection_team": ["Ir. Bambang Sutrisno (arsitektur)", "Rina Puspita, S.T. (struktur)"],
                       "applicant_note": "Mohon pemilik hadir di lokasi."}
COMPLIANT = {"bap_number": "600.1.15/BAP-045/DPUPR/2026", "inspection_date": "2026-11-26", "applicant_present": True,
             "site_findings": "GSB 5 m terpenuhi, KDB 60% sesuai KKPR.", "inspection_result": "compliant"}


def pbg_inspected(data: dict | None = None, result: dict | None = None, *, at: datetime = MONDAY) -> Case:
    """A pbg application verified, scheduled and inspected (waiting for payment when compliant)."""
    case = submit("pbg", data, at=at)
    complete(case, "verifikasi", verified("pbg"), at=at + timedelta(hours=1))
    complete(case, "jadwalkan_pemeriksaan", INSPECTION_SCHEDULE, at=at + timedelta(hours=2))
    return complete(case, "pemeriksaan_lapangan", result or COMPLIANT, at=at + timedelta(days=3))
