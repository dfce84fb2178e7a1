"""`kill -9` of a gunicorn worker while officers complete tasks: nothing acknowledged is lost, nothing done twice."""
from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.cases.models import CaseEvent
from app.common import clock
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task
from tests.faults.support import Web, request, token
from tests.sla.flow import VERIFY_COMPLETE, open_task, submit_case

CASES = 30
CLIENTS = 4


def _complete_all(web: Web, bearer: str, task_ids: list[str], answers: dict, cut: list) -> list[threading.Thread]:
    """Client threads completing every task; a request cut off by the kill is retried."""
    pending = list(task_ids)
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                if not pending:
                    return
                task_id = pending.pop()
            for _ in range(20):
                try:
                    status, body = request("POST", f"{web.url}/api/v1/tasks/{task_id}/complete", token=bearer,
                                           body={"data": VERIFY_COMPLETE})
                except OSError:  # the worker died with this request in hand: the client does not know
                    with lock:
                        cut.append(task_id)
                    time.sleep(0.2)
                    continue
                answers.setdefault(task_id, []).append(status)
                if status in (200, 409):
                    break
                assert status == 503, (status, body)  # shed while a worker restarts: try again later
                time.sleep(0.2)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.postgres_only
def test_kill_9_of_a_web_worker_mid_completions(postgres_app, tmp_path):
    with postgres_app.app_context():
        case_ids = [submit_case(clock.now()) for _ in range(CASES)]
        task_of = {open_task(case_id).id: case_id for case_id in case_ids}
        db.session.remove()
    web = Web(postgres_app, tmp_path, workers=2, threads=4)
    try:
        web.wait_healthy(workers=2)
        bearer = token(web.url, "loket@demo.local")
        answers: dict[str, list[int]] = {}
        cut: list[str] = []
        threads = _complete_all(web, bearer, list(task_of), answers, cut)
        killed = []
        deadline = time.monotonic() + 60
        # Kill a worker once a few completions went through; again (up to 5 times) until a request was in hand.
        # A completion takes tens of milliseconds: a worker may be idle at the moment it dies, hence the retries.
        while len(killed) < 5 and not cut and any(t.is_alive() for t in threads) and time.monotonic() < deadline:
            if len(answers) >= 3 * (len(killed) + 1):
                victim = web.workers()[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
                time.sleep(0.5)
            time.sleep(0.02)
        for thread in threads:
            thread.join(timeout=120)
        assert killed and cut, "no request was in flight in a killed worker"
        web.wait_healthy(workers=2)  # the master replaced the dead worker by itself
        assert not set(killed) & set(web.workers())
    finally:
        web.stop()

    final = {task_id: statuses[-1] for task_id, statuses in answers.items()}
    assert set(final) == set(task_of)
    # 409 only where an attempt was cut off after its transaction committed: the retry finds it done.
    assert all(status == 200 or (status == 409 and task_id in cut) for task_id, status in final.items()), final
    with postgres_app.app_context():
        tasks = {t.id: t for t in db.session.scalars(select(Task).where(Task.id.in_(list(task_of))))}
        assert {t.state for t in tasks.values()} == {"completed"}  # every acknowledged completion is stored
        completed = Counter(dict(db.session.execute(
            select(CaseEvent.case_id, func.count()).where(CaseEvent.kind == "task_completed")
            .group_by(CaseEvent.case_id)).all()))
        assert completed == Counter({case_id: 1 for case_id in case_ids})  # none completed twice
        open_next = Counter(db.session.scalars(select(Task.case_id).where(Task.case_id.in_(case_ids),
                                                                          Task.state.in_(OPEN_STATES))))
        assert open_next == Counter({case_id: 1 for case_id in case_ids})  # one next step each, not two
        db.session.remove()
