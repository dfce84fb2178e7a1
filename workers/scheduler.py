"""The scheduler tick and the long-running APScheduler loop.

A tick does, as of one moment: fire due BPMN timers, run each domain's jobs (the SLA
escalation ladder, lapses and digests, ...), deliver the notification outbox, and record that
it ran (shown by /healthz). Several scheduler processes may run against one PostgreSQL
database: due rows are picked with ``FOR UPDATE SKIP LOCKED`` and applied by conditional
updates, so each is handled by exactly one of them.

`run_forever` runs in its own process (`flask --app wsgi worker run`), never inside the web
app (so no dev-server reloader can start it twice), and is guarded against a double start:
one loop per process (a second call raises `AlreadyRunning`), and ticks never overlap.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from app.common import clock
from app.extensions import db

log = logging.getLogger("satupintu.worker")


def _locked(query):
    """Row-lock the selected rows, skipping rows another scheduler holds (PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def fire_timers(now: datetime) -> int:
    """Fire the due timers of every case whose next timer is due; one transaction per case."""
    from app.cases import service as cases
    from app.cases.models import Case

    fired = 0
    done: set[int] = set()
    while True:
        query = select(Case.id).where(Case.next_timer_at.is_not(None), Case.next_timer_at <= now,
                                   Case.status != "incident")
        if done:
            query = query.where(Case.id.not_in(done))
        case_id = db.session.scalars(_locked(query.order_by(Case.next_timer_at).limit(1))).first()
        if case_id is None:
            db.session.rollback()
            return fired
        done.add(case_id)
        case = db.session.get(Case, case_id)
        try:
            cases.fire_due_timers(case)
            db.session.commit()
            fired += 1
        except Exception:  # noqa: BLE001 - one bad case must not stop the sweep
            db.session.rollback()
            log.exception("firing timers of case %s failed", case_id)


def run_domain_jobs(app: Flask, now: datetime) -> dict:
    """Run each domain's periodic work: `app/<domain>/jobs.py` exposing `run_due(now) -> dict`.

    A job derives what is due from stored fields, so running it twice is harmless; it flushes
    and commits its own batches.
    """
    import importlib

    from app import DOMAINS

    results: dict = {}
    for name in DOMAINS:
        try:
            jobs = importlib.import_module(f"app.{name}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.{name}.jobs":
                raise
            continue
        try:
            results[name] = jobs.run_due(now)
            db.session.commit()
        except Exception:  # noqa: BLE001 - one domain's failure must not stop the others
            db.session.rollback()
            log.exception("jobs of %s failed", name)
            results[name] = "error"
    return results


def _forget_idempotency_keys(app: Flask, now: datetime) -> int:
    """Housekeeping: replay records older than IDEMPOTENCY_KEY_HOURS (they hold whole responses)."""
    from app.common.transaction import cleanup_idempotency_keys

    forgotten = cleanup_idempotency_keys(now - timedelta(hours=app.config["IDEMPOTENCY_KEY_HOURS"]))
    db.session.commit()
    return forgotten


def tick(app: Flask, now: datetime | None = None) -> dict:
    """One scheduler pass as of `now` (default: the real time)."""
    moment = now or clock.now()
    with clock.frozen_at(moment):
        result = {"fired_timer_cases": fire_timers(moment)}
        result.update(run_domain_jobs(app, moment))
        from app.notifications import delivery

        result["notifications"] = delivery.deliver_due(moment)
        result["idempotency_keys_forgotten"] = _forget_idempotency_keys(app, moment)
        from app.common import health

        health.record_tick(moment)
        db.session.commit()
    return result


_start_lock = threading.Lock()
_running = False


class AlreadyRunning(RuntimeError):
    """A scheduler loop is already running in this process."""


def _claim_process() -> None:
    global _running
    with _start_lock:
        if _running:
            raise AlreadyRunning("the scheduler is already running in this process")
        _running = True


def _release_process() -> None:
    global _running
    with _start_lock:
        _running = False


def run_forever(app: Flask) -> None:
    """Run ticks every SCHEDULER_INTERVAL_SECONDS until SIGINT/SIGTERM (once per process)."""
    _claim_process()
    try:
        _loop(app)
    finally:
        _release_process()


def _loop(app: Flask) -> None:
    """Ticks run in APScheduler's thread; the main thread waits for SIGTERM/SIGINT, then lets a tick end."""
    from apscheduler.schedulers.background import BackgroundScheduler

    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    scheduler = BackgroundScheduler(timezone="Asia/Jakarta")
    lock = threading.Lock()
    stop = threading.Event()

    def job():
        if not lock.acquire(blocking=False):
            return
        try:
            with app.app_context():
                tick(app)
        except Exception:  # noqa: BLE001
            log.exception("scheduler tick failed")
        finally:
            lock.release()

    def request_stop(signum, frame):  # noqa: ARG001
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler.add_job(job, "interval", seconds=interval, next_run_time=datetime.now(clock.JAKARTA),
                      max_instances=1, coalesce=True, id="tick")
    scheduler.start()
    log.info("scheduler running every %ss", interval)
    try:
        while not stop.wait(timeout=1.0):
            pass
    finally:
        # Shutting down from this thread waits for APScheduler's loop and for a tick in progress.
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
