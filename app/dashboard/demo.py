"""Demo history for the dashboards: cases over the last twelve months, run through the real service layer.

Every case is created, documented, submitted and worked step by step by the same service functions
the pages and the API call, each step in its own transaction with the application clock frozen at
the step's moment (`clock.frozen_at`). So the task rows, case events, SLA clock ledger, bills,
payments, permits, surveys and complaints are what the system itself writes. Cases whose next step
would fall after now stay open: the office's current backlog. The same seed on an empty database
gives the same history (docs/DASHBOARD.md).
"""
from __future__ import annotations

import io
import json
import random
import secrets
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.accounts import service as accounts
from app.accounts.demo import DEMO_PASSWORD
from app.accounts.models import User, UserRole
from app.cases import service as cases
from app.cases.models import Case
from app.catalog import service as catalog
from app.catalog.models import Service
from app.common import clock
from app.complaints import service as complaints
from app.extensions import db
from app.inbox import service as inbox
from app.inbox.models import OPEN_STATES, Task
from app.payments import service as payments
from app.payments.models import Bill
from app.sla.service import calendar
from app.surveys import service as surveys

from . import demo_data as D

MAX_STEPS = 40
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
       b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _file_for(requirement: dict) -> tuple[bytes, str]:
    """A small scan the requirement accepts: a PDF, else a PNG image."""
    return (PDF, ".pdf") if ".pdf" in (requirement.get("accept") or [".pdf"]) else (PNG, ".png")


@contextmanager
def _callback_secret():
    """The payment gateway's shared secret; a one-off one when none is configured, so callbacks are signed."""
    saved = current_app.config.get("PAYMENT_CALLBACK_SECRET")
    if not saved:
        current_app.config["PAYMENT_CALLBACK_SECRET"] = secrets.token_hex(16)
    try:
        yield current_app.config["PAYMENT_CALLBACK_SECRET"]
    finally:
        current_app.config["PAYMENT_CALLBACK_SECRET"] = saved


def _cast() -> tuple[list, dict[str, list]]:
    """Demo applicants and the officers of each group (missing accounts are created)."""
    for email, name, groups, nip in D.EXTRA_OFFICERS:
        if accounts.get_by_email(email) is None:
            accounts.create_user(email=email, name=name, password=DEMO_PASSWORD, roles=("officer",), groups=groups,
                                 verified=True, nip=nip)
    applicants = []
    for email, name, nik in D.APPLICANTS:
        user = accounts.get_by_email(email) or accounts.create_user(
            email=email, name=name, password=DEMO_PASSWORD, nik=nik, verified=True)
        applicants.append(user)
    officers: dict[str, list] = {}
    staff = db.session.scalars(select(User).join(UserRole).where(UserRole.role == "officer",
                                                                 User.is_active_account.is_(True)))
    for user in sorted(staff, key=lambda u: u.email):
        for key in user.group_keys:
            officers.setdefault(key, []).append(user)
    db.session.commit()
    return applicants, officers


def _moments(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """Submission moments on working days over the last year, office hours, oldest first."""
    cal = calendar()
    today = clock.to_local(now).date()
    days = cal.working_days_in_range(today - timedelta(days=365), today)
    moments = []
    for _ in range(count):
        day = rng.choice(days)
        moment = datetime.combine(day, time(8), tzinfo=clock.JAKARTA) + timedelta(minutes=rng.randint(0, 450))
        moments.append(min(moment, now - timedelta(minutes=5)))
    return sorted(moments)


def _advance_timers(case, until: datetime) -> None:
    """Fire the case's BPMN timers that fall due by `until`, each at its own moment."""
    for _ in range(MAX_STEPS):
        due = case.next_timer_at
        if due is None or due > until or case.completed_at is not None:
            return
        with clock.frozen_at(due + timedelta(seconds=1)):
            cases.fire_due_timers(case)
        db.session.commit()


def _open_task(case) -> Task | None:
    return db.session.scalar(select(Task).where(Task.case_id == case.id, Task.state.in_(OPEN_STATES))
                             .order_by(Task.created_at, Task.id).limit(1))


def _work_step(case, task: Task, *, rng: random.Random, officers: dict, now: datetime, rounds: dict) -> bool:
    """Complete an open step at a plausible moment; False when that moment is still to come."""
    cal = calendar()
    if task.group_key == "pemohon":
        actor = case.applicant
        if rng.random() < 0.05:  # never answers: the model's own deadline closes the case
            _advance_timers(case, now)
            return False
    elif task.assignee_id is not None:
        actor = task.assignee
    else:
        members = officers.get(task.group_key) or []
        if not members:
            return False
        actor = rng.choice(members)
    available = cal.working_days_between(task.created_at, task.due_at) if task.due_at else None
    days = D.step_duration(rng, group=task.group_key, officer_email=actor.email, available=available)
    done_at = cal.project(task.created_at, days)
    if done_at > now:
        return False
    _advance_timers(case, done_at)
    db.session.refresh(task)
    if task.state not in OPEN_STATES:
        return True
    if task.group_key != "pemohon" and task.assignee_id is None:
        with clock.frozen_at(cal.project(task.created_at, days * rng.uniform(0.05, 0.5))):
            inbox.claim(task=task, actor=actor)
        db.session.commit()
    form = (task.form_schema or "").removesuffix(".schema.json")
    documents = [d.requirement for d in cases.active_documents(case)]
    with clock.frozen_at(done_at):
        if form == "perbaikan_berkas":
            request = cases.revision_request(case) or {}
            for key in request.get("documents") or {}:
                content, suffix = _file_for(cases.requirement_of(case, key))
                cases.add_document(case=case, actor=actor, requirement=key, stream=io.BytesIO(content),
                                   filename=f"{key}-perbaikan{suffix}")
        data = D.answer(task.form_schema, rng=rng, case=case, documents=documents, round_no=rounds.get(form, 0),
                        moment=done_at)
        inbox.complete(task=task, actor=actor, data=data)
    rounds[form] = rounds.get(form, 0) + 1
    db.session.commit()
    return True


def _pay(case, *, rng: random.Random, now: datetime, secret: str) -> bool:
    """Pay the case's open bill through the gateway callback, or let it lapse; False when nothing happens yet."""
    bill = db.session.scalar(select(Bill).where(Bill.case_id == case.id, Bill.status == "issued"))
    if bill is None:
        return False
    if rng.random() < 0.08:  # never paid: the bill expires with the model's timer
        _advance_timers(case, now)
        return case.completed_at is not None
    paid_at = calendar().project(bill.issued_at, rng.uniform(0.2, 6.0))
    if paid_at > now or paid_at > bill.expires_at:
        _advance_timers(case, now)
        return case.completed_at is not None
    _advance_timers(case, paid_at)
    body = json.dumps({"billing_code": bill.billing_code, "amount": bill.amount, "paid_at": clock.iso(paid_at),
                       "reference": f"DEMO-{bill.id:06d}", "channel": rng.choice(("teller", "atm", "mobile"))})
    with clock.frozen_at(paid_at + timedelta(minutes=2)):
        payments.receive_callback(body.encode(), payments.signature_for(body.encode(), secret))
    db.session.commit()
    return True


def _survey(case, *, rng: random.Random, now: datetime) -> bool:
    if case.status not in surveys.SURVEY_STATUSES or rng.random() > 0.65:
        return False
    answered = calendar().project(case.completed_at, rng.uniform(0.1, 3.0))
    if answered > now:
        return False
    late = case.due_at is not None and case.completed_at > case.due_at
    with clock.frozen_at(answered):
        surveys.submit(case=case, user_id=case.applicant_id, scores=D.survey_scores(rng, late=late), comment=None)
    db.session.commit()
    return True


def _drive(case, *, rng: random.Random, officers: dict, now: datetime, secret: str) -> None:
    """Work a submitted case until it ends or its next step lies in the future."""
    rounds: dict[str, int] = {}
    for _ in range(MAX_STEPS):
        if case.completed_at is not None:
            return
        task = _open_task(case)
        if task is not None:
            if not _work_step(case, task, rng=rng, officers=officers, now=now, rounds=rounds):
                return
        elif case.status == "waiting_payment":
            if not _pay(case, rng=rng, now=now, secret=secret):
                return
        else:
            if case.next_timer_at is None or case.next_timer_at > now:
                return
            _advance_timers(case, now)


def _new_case(service_key: str, applicant, *, rng: random.Random, moment: datetime):
    """Draft, upload the required documents and submit at `moment`."""
    _version, model = catalog.active_model(catalog.get(service_key))
    schema = catalog.application_form(model)["schema"]
    with clock.frozen_at(moment - timedelta(minutes=rng.randint(5, 90))):
        case = cases.create_draft(actor=applicant, service_key=service_key,
                                  data=D.application(schema, applicant.name, rng))
        for req in catalog.requirements_of(model):
            if not req.get("required", True):
                continue
            content, suffix = _file_for(req)
            cases.add_document(case=case, actor=applicant, requirement=req["key"], stream=io.BytesIO(content),
                               filename=f"{req['key']}{suffix}")
    with clock.frozen_at(moment):
        cases.submit(case=case, actor=applicant)
    db.session.commit()
    return case


def _complaint(index: int, *, rng: random.Random, moment: datetime, known: list[str]):
    subject, body = rng.choice(D.COMPLAINTS)
    with clock.frozen_at(moment):
        complaint = complaints.file_complaint(
            name=f"Pelapor {index + 1}", contact=f"pelapor{index + 1:03d}@contoh.id", subject=subject, body=body,
            registration_number=rng.choice(known) if known and rng.random() < 0.6 else None)
    db.session.commit()
    return complaint.case


def generate(*, cases_count: int, seed: int = 2026, now: datetime | None = None) -> dict:
    """Create `cases_count` cases (and about one complaint per twelve) over the last twelve months."""
    now = now or clock.now()
    rng = random.Random(seed)
    applicants, officers = _cast()
    services = [(key, weight) for key, weight in D.SERVICE_WEIGHTS if db.session.get(Service, key)]
    if not services:
        raise RuntimeError("No services loaded: run `flask --app wsgi sync-processes` first.")
    report = {"cases": 0, "complaints": 0, "surveys": 0}
    known: list[tuple[datetime, str]] = []
    with _callback_secret() as secret:
        for index, moment in enumerate(_moments(rng, cases_count, now)):
            case_rng = random.Random(f"{seed}:{index}")
            case = _new_case(D.pick(case_rng, tuple(services)), case_rng.choice(applicants), rng=case_rng,
                             moment=moment)
            known.append((moment, case.registration_number))
            _drive(case, rng=case_rng, officers=officers, now=now, secret=secret)
            report["cases"] += 1
            if case.completed_at is not None and _survey(case, rng=case_rng, now=now):
                report["surveys"] += 1
        for index, moment in enumerate(_moments(rng, max(cases_count // 12, 1), now)):
            case_rng = random.Random(f"{seed}:complaint:{index}")
            case = _complaint(index, rng=case_rng, moment=moment, known=[n for m, n in known if m < moment])
            _drive(case, rng=case_rng, officers=officers, now=now, secret=secret)
            report["complaints"] += 1
    report["by_status"] = dict(db.session.execute(select(Case.status, func.count(Case.id)).group_by(Case.status)).all())
    return report
