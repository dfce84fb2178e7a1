"""Real scheduler processes against one PostgreSQL database: two at once never double-escalate or double-send."""
from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cases.models import CaseEvent
from app.common import clock
from app.extensions import db
from app.notifications.models import Notification
from app.sla.models import TaskEscalation
from tests.sla.flow import claim, jkt, submit_case

ROOT = Path(__file__).resolve().parents[2]
CASES = 12
RUNGS = ("task_reminder", "task_breach", "task_escalated")


def _env(app, smtp, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "two-schedulers",
            "SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "UPLOAD_DIR": app.config["UPLOAD_DIR"],
            "PYTHONPATH": str(ROOT), **extra}


def _start(command: list[str], env: dict, logs: Path, name: str) -> tuple[subprocess.Popen, Path, Path]:
    # Output goes to files, not pipes: a process blocked on a full pipe while holding row locks would
    # stall the other one.
    out, err = logs / f"{name}.out", logs / f"{name}.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=True)
    return proc, out, err


def _wait_all(procs: list[tuple[subprocess.Popen, Path, Path]], timeout: float = 180) -> None:
    try:
        for proc, _, _ in procs:
            proc.wait(timeout=timeout)
    finally:
        for proc, _, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _run_once_twice(app, smtp, moment, logs: Path) -> list[dict]:
    """Start two `worker run-once --now` processes at the same time; return what each reported."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "run-once", "--now", moment.isoformat()]
    procs = [_start(command, _env(app, smtp), logs, f"{moment:%d%H%M}-{n}") for n in range(2)]
    _wait_all(procs)
    reports = []
    for proc, out, err in procs:
        assert proc.returncode == 0, err.read_text()
        line = next(line for line in out.read_text().splitlines() if line.strip().startswith("sla:"))
        report = line.split(":", 1)[1].strip()
        assert report.startswith("{"), err.read_text()[-5000:]
        reports.append(ast.literal_eval(report))
    return reports


def _make_due_cases(app) -> list[int]:
    with app.app_context():
        ids = [submit_case(jkt(2026, 7, 6, 9)) for _ in range(CASES)]  # verification due Tue 7 Jul 16:00
        for case_id in ids[::2]:
            claim(case_id, "loket@demo.local", jkt(2026, 7, 6, 10))
        db.session.remove()
    return ids


def _assert_each_rung_once(app, smtp, case_ids: list[int], kinds: tuple[str, ...]) -> None:
    with app.app_context():
        for kind in kinds:
            counts = dict(db.session.execute(select(CaseEvent.case_id, func.count()).where(
                CaseEvent.kind == kind).group_by(CaseEvent.case_id)).all())
            assert counts == {case_id: 1 for case_id in case_ids}, kind
        assert db.session.scalar(select(func.count()).select_from(TaskEscalation)) == len(case_ids) * len(kinds)
        sent = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.channel == "email", Notification.state == "sent"))
        left = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.channel == "email", Notification.state != "sent"))
        db.session.remove()
    ids = [m["notification_id"] for m in smtp.messages]
    assert len(ids) == len(set(ids)) == sent and left == 0


@pytest.mark.postgres_only
def test_two_run_once_processes_apply_each_rung_and_send_each_email_once(postgres_app, smtp_server, tmp_path):
    case_ids = _make_due_cases(postgres_app)

    reports = _run_once_twice(postgres_app, smtp_server, jkt(2026, 7, 7, 13), tmp_path)  # 80% of every window
    assert sum(r["escalations"] for r in reports) == CASES
    assert sum(r["digests"] for r in reports) == 1  # loket's digest for Tuesday, from one process only
    _assert_each_rung_once(postgres_app, smtp_server, case_ids, RUNGS[:1])

    reports = _run_once_twice(postgres_app, smtp_server, jkt(2026, 7, 9, 10), tmp_path)  # breach and escalation due
    assert sum(r["escalations"] for r in reports) == 2 * CASES
    _assert_each_rung_once(postgres_app, smtp_server, case_ids, RUNGS)
    digests = [m for m in smtp_server.to("loket@demo.local") if m["subject"].startswith("Ringkasan")]
    assert len(digests) == 2  # Tuesday and Thursday, once each
    assert len([m for m in smtp_server.to("kabid@demo.local") if m["subject"].startswith("Eskalasi")]) == CASES


@pytest.mark.postgres_only
def test_the_long_running_worker_ticks_on_its_interval_and_stops_on_sigterm(postgres_app, smtp_server, tmp_path):
    start = clock.to_local(clock.now() - timedelta(days=21)).replace(hour=9, minute=0, second=0, microsecond=0)
    with postgres_app.app_context():
        case_ids = [submit_case(start) for _ in range(3)]
        db.session.remove()
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "run"]
    env = _env(postgres_app, smtp_server, SCHEDULER_INTERVAL_SECONDS="1")
    procs = [_start(command, env, tmp_path, "worker")]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with postgres_app.app_context():
                done = db.session.scalar(select(func.count()).select_from(TaskEscalation))
                pending = db.session.scalar(select(func.count()).select_from(Notification).where(
                    Notification.channel == "email", Notification.state != "sent"))
                db.session.remove()
            if done == len(case_ids) * len(RUNGS) and pending == 0:
                break
            assert all(p.poll() is None for p, _, _ in procs), [err.read_text() for _, _, err in procs]
            time.sleep(0.5)
    finally:
        for proc, _, _ in procs:
            proc.send_signal(signal.SIGTERM)
        _wait_all(procs, timeout=30)
    assert [p.returncode for p, _, _ in procs] == [0], [err.read_text()[-5000:] for _, _, err in procs]
    _assert_each_rung_once(postgres_app, smtp_server, case_ids, RUNGS)
