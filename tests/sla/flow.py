"""Drive sip_apoteker cases through the services at chosen moments (inside an app context)."""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts import service as accounts
from app.cases import service as cases
from app.common import clock
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import OPEN_STATES, Task
from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
from tests.support.data import requirements, sample_application

JKT = ZoneInfo("Asia/Jakarta")


def jkt(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An aware Asia/Jakarta moment."""
    return datetime(y, m, d, hh, mm, tzinfo=JKT)


def user(email: str):
    return accounts.get_by_email(email)


def submit_case(at: datetime, service: str = "sip_apoteker", email: str = "pemohon@demo.local") -> int:
    """Create, fill and submit an application as of `at`; returns the case id."""
    with clock.frozen_at(at):
        applicant = user(email)
        case = cases.create_draft(actor=applicant, service_key=service, data=sample_application(service))
        for req in requirements(service):
            if not req["required"]:
                continue
            content, ext = (MINIMAL_PDF, "pdf") if ".pdf" in req["accept"] else (MINIMAL_PNG, "png")
            cases.add_document(case=case, actor=applicant, requirement=req["key"], stream=io.BytesIO(content),
                               filename=f"{req['key']}.{ext}")
        cases.submit(case=case, actor=applicant)
        db.session.commit()
        return case.id


def open_task(case_id: int) -> Task:
    """The one open task of a case."""
    db.session.rollback()  # end any read snapshot: another process (a scheduler tick) may have written
    tasks = list(db.session.scalars(select(Task).where(Task.case_id == case_id, Task.state.in_(OPEN_STATES))))
    assert len(tasks) == 1, [(t.bpmn_id, t.state) for t in tasks]
    return tasks[0]


def complete(case_id: int, email: str, data: dict, at: datetime) -> Task:
    """Complete the case's open task as `email` at `at`; returns the completed task.

    An applicant returning a revision first replaces the documents the officer flagged (a revision must).
    """
    with clock.frozen_at(at):
        task = open_task(case_id)
        if task.group_key == "pemohon":
            replace_flagged(task, user(email))
        inbox.complete(task=task, actor=user(email), data=data)
        db.session.commit()
        return task


def replace_flagged(task: Task, applicant) -> None:
    """Upload a new file for each document the revision request behind the applicant's task flagged."""
    from app.cases import revisions

    request = revisions.request_for(task.case, task)
    for key in request.documents if request is not None else ():
        req = cases.requirement_of(task.case, key)
        content, ext = (MINIMAL_PDF, "pdf") if ".pdf" in (req.get("accept") or []) else (MINIMAL_PNG, "png")
        cases.add_document(case=task.case, actor=applicant, requirement=key, stream=io.BytesIO(content),
                           filename=f"{key}-perbaikan.{ext}")


def claim(case_id: int, email: str, at: datetime) -> Task:
    """Claim the case's open task as `email` at `at`."""
    with clock.frozen_at(at):
        task = open_task(case_id)
        inbox.claim(task=task, actor=user(email))
        db.session.commit()
        return task


def all_ok() -> dict:
    return {r["key"]: {"verdict": "ok"} for r in requirements() if r["required"]}


VERIFY_REVISION = {"verification_outcome": "revision", "verification_note": "STRA belum dilegalisir.",
                   "document_verdicts": {"stra": {"verdict": "revise", "note": "Legalisir tidak tampak."}}}
VERIFY_COMPLETE = {"verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": all_ok()}
REVISION_RETURNED = {"application": sample_application(), "response_note": "STRA legalisir sudah diunggah."}
RECOMMEND = {"recommendation": "recommend", "recommendation_note": "Sarana layak."}
APPROVE = {"approval_decision": "approve", "approval_note": "Setuju."}
SIGN = {"signing_decision": "sign"}


def clock_row(case_id: int):
    """The case's clock row as the application reads it (with its case)."""
    from app.cases.models import Case
    from app.sla import ledger

    return ledger.get(db.session.get(Case, case_id))


def events_of(case_id: int, kind: str | None = None) -> list:
    """The case's audit events (of one kind), oldest first."""
    from app.cases.models import CaseEvent

    db.session.rollback()
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    if kind:
        query = query.where(CaseEvent.kind == kind)
    return list(db.session.scalars(query))


def with_property(xml: str, element_id: str, name: str, value: str) -> str:
    """The BPMN text with a `spiffworkflow:property` added to one element (a process or a task)."""
    from lxml import etree

    from app.engine.specs import NS

    root = etree.fromstring(xml.encode("utf-8"))
    element = root.find(f".//*[@id='{element_id}']")
    assert element is not None, element_id
    ext = element.find("bpmn:extensionElements", NS)
    if ext is None:
        ext = etree.Element(f"{{{NS['bpmn']}}}extensionElements")
        element.insert(0 if element.find("bpmn:documentation", NS) is None else 1, ext)
    props = ext.find("spiffworkflow:properties", NS)
    if props is None:
        props = etree.SubElement(ext, f"{{{NS['spiffworkflow']}}}properties")
    etree.SubElement(props, f"{{{NS['spiffworkflow']}}}property", name=name, value=value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def deploy_sip_apoteker_with(*changes: tuple[str, str, str, str]) -> None:
    """Deploy a new version of sip_apoteker whose files carry extra properties: (file, element, name, value)."""
    import copy

    from flask import current_app

    from app.catalog import service as catalog
    from app.engine import Bundle, Library

    library = Library.from_dirs(current_app.config["PROCESSES_DIR"], current_app.config["FORMS_DIR"])
    files = copy.deepcopy(library.bundle("sip_apoteker").files)
    for filename, element_id, name, value in changes:
        files["bpmn"][filename] = with_property(files["bpmn"][filename], element_id, name, value)
    version, _ = catalog.create_version(bundle=Bundle("sip_apoteker", files))
    catalog.deploy(version)
    db.session.commit()


def tick(app, moment: datetime) -> str:
    """Run `flask worker run-once --now <moment>` and return its output."""
    result = app.test_cli_runner().invoke(args=["worker", "run-once", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def csrf_of(html: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def web_login(client, email: str) -> None:
    """Sign in through the login page (session cookie), as a browser does."""
    from app.accounts.demo import DEMO_PASSWORD

    token = csrf_of(client.get("/masuk").get_data(as_text=True))
    response = client.post("/masuk", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
