"""A PostgreSQL restart under load: the web processes recover by themselves, nothing lost, nothing doubled.

Restarts the local server (`pg_ctlcluster 15 main restart`), which cuts every other session on it:
marked `faults`, run only by `make test-faults` (RUN_FAULTS=1).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.cases.models import CaseEvent
from app.common import clock
from app.extensions import db
from app.inbox.models import Task
from tests.faults.support import Web, request, token
from tests.sla.flow import VERIFY_COMPLETE, open_task, submit_case

CASES = 16
CLUSTER = os.environ.get("PG_CLUSTER", "15 main").split()


@pytest.mark.faults
@pytest.mark.postgres_only
def test_postgres_restart_under_load(postgres_app, tmp_path):
    if not shutil.which("pg_ctlcluster"):
        pytest.skip("pg_ctlcluster not found (Debian's postgresql-common)")
    with postgres_app.app_context():
        task_of = {}
        for _ in range(CASES):
            case_id = submit_case(clock.now())
            task_of[open_task(case_id).id] = case_id
        db.session.remove()
        db.engine.dispose()  # the test's own connections would die in the restart
    web = Web(postgres_app, tmp_path, workers=2, threads=4)
    try:
        web.wait_healthy(workers=2)
        bearer = token(web.url, "loket@demo.local")
        pending, answers, seen = list(task_of), {}, Counter()
        lock, restarted = threading.Lock(), threading.Event()

        def client():
            while True:
                with lock:
                    if not pending:
                        return
                    task_id = pending.pop()
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline:
                    try:
                        status, _ = request("POST", f"{web.url}/api/v1/tasks/{task_id}/complete", token=bearer,
                                            body={"data": VERIFY_COMPLETE}, timeout=30)
                    except OSError:
                        status = "cut"
                    with lock:
                        seen[status] += 1
                    if status in (200, 409):
                        answers.setdefault(task_id, []).append(status)
                        break
                    time.sleep(0.3)
                if not restarted.is_set():
                    time.sleep(0.3)  # spread the work over the restart

        threads = [threading.Thread(target=client) for _ in range(3)]
        for thread in threads:
            thread.start()
        while sum(seen.values()) < 3:
            time.sleep(0.05)
        started = time.monotonic()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "restart"], check=True,
                       capture_output=True, timeout=120)
        restarted.set()
        for thread in threads:
            thread.join(timeout=180)
        web.wait_healthy(timeout=60)  # the same processes, no restart of the app
        recovered_in = time.monotonic() - started
        assert web.proc.poll() is None
        assert request("GET", f"{web.url}/api/v1/services")[0] == 200
    finally:
        web.stop()

    assert 500 not in seen, seen  # the outage answered 503 (or cut connections), never a server error
    assert recovered_in < 90
    final = {task_id: statuses[-1] for task_id, statuses in answers.items()}
    assert set(final) == set(task_of)
    with postgres_app.app_context():
        states = Counter(db.session.scalars(select(Task.state).where(Task.id.in_(list(task_of)))))
        assert states == Counter({"completed": CASES})
        completed = Counter(dict(db.session.execute(
            select(CaseEvent.case_id, func.count()).where(CaseEvent.kind == "task_completed")
            .group_by(CaseEvent.case_id)).all()))
        assert completed == Counter({case_id: 1 for case_id in task_of.values()})
        db.session.remove()
