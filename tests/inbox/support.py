"""Factories and a page client for the officer workspace tests (rows written directly, flushed and committed)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import count

from app.accounts.demo import DEMO_PASSWORD

_numbers = count(1)


def make_officer(email: str, name: str, groups: tuple[str, ...] = ("verifikator",),
                 roles: tuple[str, ...] = ("officer",)):
    """An active officer with the demo password."""
    from app.accounts import service as accounts

    return accounts.create_user(email=email, name=name, password=DEMO_PASSWORD, roles=roles, groups=groups,
                                verified=True)


def make_applicant(name: str, *, nik: str | None = None, email: str | None = None):
    """An applicant account."""
    from app.accounts import service as accounts

    number = next(_numbers)
    return accounts.create_user(email=email or f"pemohon{number}@contoh.id", name=name, nik=nik,
                                password=DEMO_PASSWORD, verified=True)


def make_case(applicant=None, *, service: str = "sip_apoteker", status: str = "submitted",
              submitted_at: datetime | None = None, data: dict | None = None):
    """A submitted case row of the service's active version (no workflow: lists never need one)."""
    from app.accounts import service as accounts
    from app.cases.models import Case
    from app.catalog import service as catalog
    from app.common import clock
    from app.extensions import db

    applicant = applicant or accounts.get_by_email("pemohon@demo.local")
    svc = catalog.get(service)
    moment = submitted_at or clock.now()
    number = next(_numbers)
    case = Case(service_key=svc.key, process_version_id=svc.active_version_id, applicant_id=applicant.id,
                status=status, data=data or {}, created_at=moment, submitted_at=moment,
                registration_number=f"{svc.registration_prefix}-{moment.year}-{900000 + number:06d}")
    db.session.add(case)
    db.session.flush()
    return case


def make_task(case, *, group: str = "verifikator", bpmn_id: str = "verifikasi", name: str = "Verifikasi berkas",
              assignee=None, created_at: datetime | None = None, due_at: datetime | None = None,
              sla_days: int | None = 3, priority: int = 0, process_id: str = "verifikasi_berkas",
              form: str | None = "verifikasi_berkas"):
    """An open task row (claimed when it has an assignee), due after its SLA in working days."""
    import uuid

    from app.common import clock
    from app.extensions import db
    from app.inbox.deadlines import mark_risk
    from app.inbox.models import Task
    from app.sla import service as sla

    created = created_at or clock.now()
    task = Task(id=str(uuid.uuid4()), case_id=case.id, bpmn_id=bpmn_id, process_id=process_id, name=name,
                group_key=group, state="claimed" if assignee else "ready", assignee_id=assignee.id if assignee else None,
                priority=priority, created_at=created, sla_working_days=sla_days,
                due_at=due_at or sla.due_after(created, sla_days), claimed_at=created if assignee else None,
                form_schema=f"{form}.schema.json" if form else None,
                form_ui_schema=f"{form}.uischema.json" if form else None, case_status="submitted")
    mark_risk(task)
    db.session.add(task)
    db.session.flush()
    return task


def aware(text: str) -> datetime:
    """An ISO moment with offset (Jakarta office time in the tests)."""
    return datetime.fromisoformat(text)


def days(n: float) -> timedelta:
    return timedelta(days=n)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PageClient:
    """A browser-like test client: logs in through /masuk and sends the CSRF token with every form."""

    def __init__(self, client, email: str, password: str = DEMO_PASSWORD):
        self.client = client
        page = client.get("/masuk")
        self.token = CSRF.search(page.get_data(as_text=True)).group(1)
        response = client.post("/masuk", data={"email": email, "password": password, "csrf_token": self.token})
        assert response.status_code == 302, response.get_data(as_text=True)

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict | list | None = None, **kw):
        from werkzeug.datastructures import MultiDict

        form = MultiDict(data or {})
        form.setdefault("csrf_token", self.token)
        return self.client.post(path, data=form, **kw)

    def text(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    @staticmethod
    def flashes(response) -> str:
        """The text of the flashed messages rendered on a page."""
        html = response.get_data(as_text=True)
        return " ".join(re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', html, flags=re.S))
