"""`kill -9` of a scheduler mid-tick: the next tick finishes the work, each escalation and email once."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.cases.models import CaseEvent
from app.extensions import db
from app.notifications.models import Notification
from app.sla.models import TaskEscalation
from tests.conftest import SmtpSink, _free_port
from tests.faults.support import ROOT, server_env
from tests.sla.flow import claim, jkt, submit_case

CASES = 6
RUNGS = ("task_reminder", "task_breach", "task_escalated")
DUE = jkt(2026, 7, 9, 10)  # verification of cases filed Mon 6 Jul 09:00 is past 150% of its SLA: all rungs due


class SlowSmtp(SmtpSink):
    """An SMTP server that takes its time before accepting a message (250), so a kill lands mid-send.

    A client that dies before the 250 never handed the message over: aiosmtpd cancels the handler
    and the message is not recorded, as a real server would not deliver it.
    """

    def __init__(self, host: str, port: int):
        super().__init__(host, port)
        self.delay = 0.0
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.receiving.set()
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    from aiosmtpd.controller import Controller

    sink = SlowSmtp("127.0.0.1", _free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def _counts(app) -> dict:
    with app.app_context():
        db.session.remove()
        events = Counter(dict(db.session.execute(select(CaseEvent.kind, func.count()).where(
            CaseEvent.kind.in_(RUNGS)).group_by(CaseEvent.kind)).all()))
        escalations = db.session.scalar(select(func.count()).select_from(TaskEscalation))
        states = Counter(dict(db.session.execute(select(Notification.state, func.count()).where(
            Notification.channel == "email").group_by(Notification.state)).all()))
        db.session.remove()
    return {"events": events, "escalations": escalations, "email_states": states}


def _tick(app, smtp, moment, logs, name) -> subprocess.Popen:
    env = server_env(app, SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port), SLA_JOB_BATCH="1",
                     NOTIFY_SENDING_LEASE_SECONDS="5")
    out = (logs / f"{name}.log").open("w")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "run-once", "--now",
                             moment.isoformat()], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the tick ended before the kill"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.postgres_only
def test_kill_9_of_the_scheduler_mid_tick(postgres_app, slow_smtp, tmp_path):
    with postgres_app.app_context():
        case_ids = [submit_case(jkt(2026, 7, 6, 9)) for _ in range(CASES)]
        for case_id in case_ids[::2]:
            claim(case_id, "loket@demo.local", jkt(2026, 7, 6, 10))
        db.session.remove()
    slow_smtp.delay = 2.0

    # 1. Killed during the escalation sweep (or, if the sweep already ended, while sending).
    first = _tick(postgres_app, slow_smtp, DUE, tmp_path, "tick-1")
    _kill_when(first, lambda: _counts(postgres_app)["escalations"] > 0)
    after_first = _counts(postgres_app)

    # 2. Killed while the SMTP server holds a message it has not accepted yet.
    slow_smtp.receiving.clear()
    second = _tick(postgres_app, slow_smtp, DUE, tmp_path, "tick-2")
    _kill_when(second, slow_smtp.receiving.is_set)
    stuck = _counts(postgres_app)["email_states"]["sending"]
    assert stuck > 0  # claimed by the dead process, waiting for their lease to expire

    # 3. A later tick (past the sending lease) finishes everything.
    slow_smtp.delay = 0.0
    third = _tick(postgres_app, slow_smtp, DUE + timedelta(minutes=1), tmp_path, "tick-3")
    assert third.wait(timeout=180) == 0, (tmp_path / "tick-3.log").read_text()[-5000:]

    final = _counts(postgres_app)
    assert after_first["escalations"] <= final["escalations"] == CASES * len(RUNGS)
    assert final["events"] == Counter({kind: CASES for kind in RUNGS})  # each rung recorded once per case
    assert set(final["email_states"]) == {"sent"}
    with postgres_app.app_context():
        queued = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.channel == "email"))
        kabid = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.channel == "email", Notification.recipient.like("kabid@%"),
            Notification.subject.like("Eskalasi%")))
        db.session.remove()
    assert kabid == CASES  # one escalation message per case to the head of division, not more
    delivered = Counter(m["notification_id"] for m in slow_smtp.messages)
    assert len(delivered) == queued and set(delivered.values()) == {1}  # every email arrived exactly once
