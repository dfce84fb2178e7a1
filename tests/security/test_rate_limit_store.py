"""Rate limits count in the application's database, so every web process shares one count.

With Flask-Limiter's `memory://` each gunicorn worker counted on its own: two workers doubled
every limit (login guesses, complaint floods, mail-sending endpoints). Two separate Python
processes on one database must see one count.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[2]

# One web process: its own app on the shared database, the limits on, N mail-sending calls (10/minute).
PROCESS = textwrap.dedent("""
    import json, sys
    from app import create_app
    from app.config import TestConfig
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.pop("RATELIMIT_STORAGE_URI", None)
    config.update(SQLALCHEMY_DATABASE_URI=sys.argv[1], UPLOAD_DIR=sys.argv[2], RATELIMIT_ENABLED=True)
    app = create_app(config)
    client = app.test_client()
    codes = [client.post("/api/v1/auth/password-reset", json={"email": "x@contoh.id"}).status_code
             for _ in range(int(sys.argv[3]))]
    print(json.dumps(codes))
""")


def _web_process(url: str, tmp_path: Path, calls: int) -> list[int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("RATELIMIT_STORAGE_URI", None)
    done = subprocess.run([sys.executable, "-c", PROCESS, url, str(tmp_path / "uploads"), str(calls)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_web_processes_share_one_count(database_url, tmp_path):
    """The endpoint allows 10 a minute per client: 6 in one process leave 4 for the other, not 10."""
    assert _web_process(database_url, tmp_path, 6) == [202] * 6
    assert _web_process(database_url, tmp_path, 6) == [202] * 4 + [429] * 2


def test_the_database_is_the_default_store(app):
    """Without RATELIMIT_STORAGE_URI the limiter counts in the application's database."""
    from app.common.ratelimit_store import DatabaseStorage
    from app.extensions import limiter
    from tests.support.api import rate_limited_client

    rate_limited_client(app)
    assert isinstance(limiter.storage, DatabaseStorage)


def test_another_store_can_still_be_named(database_url, tmp_path):
    """RATELIMIT_STORAGE_URI keeps working for redis:// and the other limits schemes (memory:// here)."""
    from limits.storage import MemoryStorage

    from app import create_app
    from app.extensions import limiter
    from tests.conftest import _config

    create_app(_config(database_url, tmp_path) | {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": True})
    assert isinstance(limiter.storage, MemoryStorage)


def test_a_window_counts_up_and_starts_again_once_expired(ctx):
    """Fixed windows: hits add up until the window's end, then a new window starts at 1."""
    from app.common import ratelimit_store as store
    from app.extensions import db

    with db.engine.begin() as conn:
        assert store.increment(conn, key="k", expiry=60, now=1000.0) == (1, 1060.0)
        assert store.increment(conn, key="k", expiry=60, now=1030.0) == (2, 1060.0)
        assert store.current(conn, key="k", now=1059.0) == (2, 1060.0)
        assert store.current(conn, key="k", now=1060.0)[0] == 0
        assert store.increment(conn, key="k", expiry=60, now=1061.0) == (1, 1121.0)


def test_parallel_hits_are_all_counted(ctx):
    """The upsert increments atomically: 40 hits at once from 8 threads end at exactly 40."""
    from app.common.ratelimit_store import DatabaseStorage

    storage, barrier, seen = DatabaseStorage("database://"), threading.Barrier(8), []

    def hit():
        with ctx.app_context():
            barrier.wait()
            seen.extend(storage.incr("parallel", 60) for _ in range(5))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 41))
    assert storage.get("parallel") == 40


def test_the_sweep_deletes_expired_counters_only(ctx):
    """Expired rows are swept in bounded batches; live windows stay."""
    from app.common import ratelimit_store as store
    from app.extensions import db

    with db.engine.begin() as conn:
        for n in range(5):
            store.increment(conn, key=f"old{n}", expiry=10, now=1000.0)
        store.increment(conn, key="live", expiry=10_000, now=1000.0)
        assert store.sweep(conn, now=2000.0, batch=3) == 3
        assert store.sweep(conn, now=2000.0, batch=3) == 2
        left = conn.execute(select(func.count()).select_from(store.RateLimitCounter.__table__)).scalar_one()
        assert left == 1


def test_the_storage_sweeps_as_it_counts(ctx, monkeypatch):
    """No scheduler is needed: every SWEEP_EVERY increments a process deletes expired rows."""
    from app.common import ratelimit_store as store
    from app.extensions import db

    with db.engine.begin() as conn:
        store.increment(conn, key="stale", expiry=1, now=0.0)
    monkeypatch.setattr(store, "SWEEP_EVERY", 3)
    storage = store.DatabaseStorage("database://")
    for _ in range(3):
        storage.incr("fresh", 60)
    with db.engine.connect() as conn:
        keys = set(conn.execute(select(store.RateLimitCounter.key)).scalars())
    assert keys == {"fresh"}


def test_storage_health_check_and_clear(ctx):
    """limits' check, clear and reset work on the database store."""
    from app.common.ratelimit_store import DatabaseStorage

    storage = DatabaseStorage("database://")
    assert storage.check()
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.get_expiry("b") > 0
    storage.reset()
    assert storage.get("b") == 0
