"""Bulk data for the scale benchmarks: applicants, cases and task rows written straight into the tables.

Rows are built from the loaded service models (their user tasks, lanes, SLA days, registration prefixes), so
they look like what the engine writes: every case has a registration number, its completed steps and, when it
is still running, its open step(s) with a group, a holder for some, a due date (some overdue), a priority and
an escalation check moment. PostgreSQL gets them by COPY, SQLite by executemany in one transaction.

The open backlog is a parameter, not a fraction: an office's open tasks follow its throughput times its lead
time, while history grows with every year, so the inbox benchmarks keep the backlog fixed and let history grow;
the scheduler benchmark makes every generated task open.
"""
from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

NAMES = ("Budi", "Siti", "Agus", "Dewi", "Rudi", "Sri", "Eko", "Rina", "Joko", "Wati", "Hendra", "Ayu", "Bambang",
         "Lestari", "Dedi", "Fitri", "Yusuf", "Nur", "Andi", "Maya", "Teguh", "Indah", "Wahyu", "Ratna")
FAMILY = ("Santoso", "Wijaya", "Hidayat", "Saputra", "Kurniawan", "Pratama", "Siregar", "Nasution", "Lubis",
          "Harahap", "Sitompul", "Simanjuntak", "Setiawan", "Gunawan", "Rahmawati", "Susanti", "Hasibuan")


@dataclass
class Generated:
    """What was written, and samples the benchmarks query for."""

    tasks: int = 0
    open_tasks: int = 0
    cases: int = 0
    due_checks: int = 0
    registration_numbers: list[str] = field(default_factory=list)   # of cases with an open task
    seconds: float = 0.0


def _services():
    """(key, prefix, version id, sop days, [(bpmn_id, process_id, name, lane, sla_days)]) of each service."""
    from app.catalog import service as catalog
    from app.catalog.models import Service
    from app.engine import properties as P
    from app.extensions import db

    found = []
    for service in db.session.scalars(select(Service).where(Service.active_version_id.is_not(None))):
        model = catalog.model_for_version(service.active_version)
        steps = []
        for el in model.user_tasks():
            days = el.properties.get(P.SLA_WORKING_DAYS, "")
            steps.append((el.bpmn_id, el.process_id, el.name, el.lane or "verifikator",
                          int(days) if days.strip().isdigit() else 2))
        if steps:
            found.append((service.key, service.registration_prefix, service.active_version_id,
                          int(service.sop_days), steps))
    return found


def _officers() -> dict[str, list[int]]:
    from app.accounts.models import Group, User
    from app.extensions import db

    rows = db.session.execute(select(Group.key, User.id).join(User.groups)).all()
    groups: dict[str, list[int]] = {}
    for key, user_id in rows:
        groups.setdefault(key, []).append(user_id)
    return groups


def generate(tasks: int, *, open_tasks: int, due_checks: int = 0, now: datetime | None = None,
             seed: int = 20261123, steps_per_case: int = 3) -> Generated:
    """Write `tasks` task rows (of which `open_tasks` open, `due_checks` of those due for an escalation check).

    Runs inside an application context; commits.
    """
    import time

    from app.extensions import db

    started = time.perf_counter()
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    services = _services()
    officers = _officers()
    weights = [5 if key.startswith("sip") else 2 for key, *_ in services]
    open_tasks = min(open_tasks, tasks)
    due_checks = min(due_checks, open_tasks)
    dialect = db.engine.dialect.name

    # Cases: open ones carry all open tasks (up to steps_per_case each), the rest is history.
    open_cases = -(-open_tasks // steps_per_case) if open_tasks == tasks else open_tasks
    history_tasks = tasks - open_tasks
    closed_cases = history_tasks // steps_per_case if open_tasks != tasks else 0
    n_cases = open_cases + closed_cases
    n_applicants = max(50, min(n_cases // 4, 50_000))

    ids = db.session.execute(text("SELECT COALESCE(MAX(id), 0) FROM users")).scalar() + 1
    applicant_ids = list(range(ids, ids + n_applicants))
    case_base = db.session.execute(text("SELECT COALESCE(MAX(id), 0) FROM cases")).scalar() + 1
    created = now.replace(tzinfo=None) - timedelta(days=1)

    users = []
    for i, uid in enumerate(applicant_ids):
        name = f"{rng.choice(NAMES)} {rng.choice(FAMILY)} {i}"
        users.append({"id": uid, "email": f"pemohon{uid}@bench.local", "password_hash": None, "name": name,
                      "phone": None, "nik": f"32{uid:014d}"[:16], "address": None, "nip": None,
                      "email_verified_at": created, "is_active_account": True, "password_changed_at": None,
                      "locale": "id", "failed_logins": 0, "locked_until": None, "created_at": created})

    cases, task_rows, open_numbers = [], [], []
    open_left = open_tasks
    due_left = due_checks
    horizon_days = max(30, tasks // 2000)  # history spreads over more days as it grows
    for n in range(n_cases):
        key, prefix, version_id, sop, steps = rng.choices(services, weights)[0]
        is_open = n < open_cases
        if is_open:
            submitted = now.replace(tzinfo=None) - timedelta(hours=rng.uniform(1, 24 * 20))
        else:
            submitted = now.replace(tzinfo=None) - timedelta(days=rng.uniform(21, 21 + horizon_days))
        year = submitted.year
        case_id = case_base + n
        number = f"{prefix}-{year}-{100_000 + case_id:06d}"  # above the demo data's numbers, unique per case
        status = "in_review" if is_open else rng.choice(("issued",) * 8 + ("rejected", "withdrawn"))
        if is_open and len(open_numbers) < 5000:
            open_numbers.append(number)
        done_at = None if is_open else submitted + timedelta(days=rng.uniform(1, sop + 3))
        cases.append({"id": case_id, "registration_number": number, "service_key": key,
                      "process_version_id": version_id, "applicant_id": rng.choice(applicant_ids),
                      "entered_by_id": None, "status": status, "data": "{}", "workflow_state": None,
                      "current_step": None, "updated_at": submitted, "submitted_at": submitted,
                      "due_at": submitted + timedelta(days=sop * 1.4), "estimated_completion": None,
                      "completed_at": done_at, "next_timer_at": None, "incident_element": None,
                      "incident_message": None, "status_before_incident": None, "renewal_of_id": None,
                      "version": 1, "created_at": submitted})
        if is_open:
            count = min(steps_per_case if open_tasks == tasks else 1, open_left)
            open_left -= count
            chosen = [(steps[i % len(steps)], True) for i in range(count)]
            names = []
        else:
            count = steps_per_case
            chosen = [(steps[i % len(steps)], False) for i in range(count)]
        at = submitted
        for (bpmn_id, process_id, name, lane, sla_days), open_row in chosen:
            at = at + timedelta(hours=rng.uniform(0.5, 30))
            due = at + timedelta(days=sla_days * 1.4)
            row = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "case_id": case_id,
                   "bpmn_id": bpmn_id, "process_id": process_id, "name": name, "group_key": lane,
                   "assignee_id": None, "state": "completed", "priority": 0, "due_at": due,
                   "sla_working_days": sla_days, "claimed_at": None, "completed_at": None,
                   "completed_by_id": None, "escalation_level": 0, "next_check_at": None,
                   "form_schema": None, "form_ui_schema": None, "case_status": "in_review", "result": None,
                   "follow_up_on": None, "follow_up_note": None, "at_risk_at": None, "at_risk_for_due_at": None,
                   "version": 1, "created_at": at}
            if open_row:
                names.append(name)
                # Due dates around now: about a third overdue.
                row["due_at"] = now.replace(tzinfo=None) + timedelta(hours=rng.uniform(-24 * 5, 24 * 10))
                row["at_risk_at"] = row["due_at"] - timedelta(days=sla_days * 0.35)
                row["at_risk_for_due_at"] = row["due_at"]
                row["priority"] = rng.choice((0, 0, 0, 0, 0, 0, 1, 1, 2))
                holders = officers.get(lane)
                if lane == "pemohon":
                    row["state"], row["assignee_id"] = "claimed", cases[-1]["applicant_id"]
                elif holders and rng.random() < 0.3:
                    row["state"], row["assignee_id"], row["claimed_at"] = "claimed", rng.choice(holders), at
                else:
                    row["state"] = "ready"
                if due_left > 0:
                    due_left -= 1
                    row["next_check_at"] = now.replace(tzinfo=None) - timedelta(minutes=rng.uniform(1, 600))
                else:
                    row["next_check_at"] = now.replace(tzinfo=None) + timedelta(hours=rng.uniform(1, 24 * 10))
                    row["escalation_level"] = 0
            else:
                row["state"] = rng.choice(("completed",) * 12 + ("cancelled",))
                row["completed_at"] = at + timedelta(hours=rng.uniform(0.2, 40))
                row["completed_by_id"] = rng.choice(officers.get(lane) or [None])
            task_rows.append(row)
        if is_open:
            cases[-1]["current_step"] = ", ".join(names)[:200]
    # Closed cases may leave a remainder of history tasks: add them to the last history case.
    _write(db, dialect, users, cases, task_rows)
    result = Generated(tasks=len(task_rows), open_tasks=open_tasks, cases=len(cases), due_checks=due_checks,
                       registration_numbers=open_numbers, seconds=time.perf_counter() - started)
    return result


def _write(db, dialect: str, users: list[dict], cases: list[dict], tasks: list[dict]) -> None:
    from app.accounts.models import User
    from app.cases.models import Case
    from app.inbox.models import Task

    tables = ((User.__table__, users), (Case.__table__, cases), (Task.__table__, tasks))
    if dialect == "postgresql":
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cur:
            for table, rows in tables:
                if not rows:
                    continue
                columns = list(rows[0])
                with cur.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(tuple(row[c] for c in columns))
            cur.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))")
            cur.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))")
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table, _rows in tables:
                conn.execute(text(f'VACUUM ANALYZE "{table.name}"'))
        return
    raw = db.session.connection().connection.driver_connection
    for table, rows in tables:
        if not rows:
            continue
        columns = list(rows[0])

        def value(v):
            if isinstance(v, datetime):
                return v.strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(v, dict | list):
                return json.dumps(v)
            return v

        raw.executemany(f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})',
                        (tuple(value(r[c]) for c in columns) for r in rows))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
