"""Inbox and tracking at scale: p50/p95 server time of the task list and tracking APIs at 10k, 100k, 1M task rows.

The database is filled by tests/perf/generate.py: a fixed open backlog (BACKLOG open tasks over every group and
service, a third overdue) and a growing history of completed cases, each with a registration number. At each
size the same requests are timed through the Flask test client (bearer tokens; the time is the app's, no
network): the verifier's group inbox, the supervisor's all-open list, the overdue filter, a search by
registration number, and public tracking by registration number.

Sizes: 10k, 100k and 1M on PostgreSQL (COPY); 10k and 100k on SQLite (executemany; a million rows of SQLite is
a single-office file that never grows that large, and inserting them would take most of the time budget).
"""
from __future__ import annotations

import random
import time

from tests.support.api import ApiClient

BACKLOG = 2000
TARGET_GROWTH = 1.3      # p95 at the largest size over p95 at 10k
ABSOLUTE_MS = 30.0       # p95 at 1M on PostgreSQL


def _sizes(ctx) -> list[int]:
    if ctx.quick:
        return [10_000, 50_000]
    return [10_000, 100_000, 1_000_000] if ctx.database == "postgresql" else [10_000, 100_000]


def _requests(numbers: list[str], rng: random.Random) -> dict:
    """Name -> (who, path factory) of the timed requests."""
    return {
        "inbox group scope": ("loket", lambda: "/api/v1/tasks?scope=group"),
        "inbox all scope": ("supervisor", lambda: "/api/v1/tasks?scope=all"),
        "inbox overdue filter": ("supervisor", lambda: "/api/v1/tasks?scope=all&overdue=true"),
        "inbox search by registration number": ("supervisor",
                                                lambda: f"/api/v1/tasks?scope=all&q={rng.choice(numbers)}"),
        "tracking by registration number": (None, lambda: f"/api/v1/track/{rng.choice(numbers)}"),
    }


def _measure(client, clients: dict, requests: dict, repeat: int, warmup: int = 15) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for name, (who, path) in requests.items():
        api = clients.get(who)
        times = []
        for i in range(warmup + repeat):
            url = path()
            t0 = time.perf_counter()
            response = api.get(url) if api else client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
            body = response.get_json()
            if name.startswith("inbox search"):
                assert body["items"], f"search found nothing: {url}"
            if i >= warmup:
                times.append(elapsed)
        samples[name] = times
    return samples


def run(ctx) -> list[dict]:
    """Time the inbox and tracking requests at each size; p95 growth and (PostgreSQL) absolute p95."""
    from app.extensions import db
    from tests.perf.generate import generate

    app = ctx.create_app()
    client = app.test_client()
    rng = random.Random(7)
    repeat = 20 if ctx.quick else 100
    clients = {"loket": ApiClient(client, "loket@demo.local"), "supervisor": ApiClient(client, "supervisor@demo.local")}
    by_size: dict[int, dict[str, list[float]]] = {}
    numbers: list[str] = []
    written = 0
    for size in _sizes(ctx):
        with app.app_context():
            info = generate(size - written, open_tasks=BACKLOG if not written else 0, seed=size)
            written += info.tasks
            numbers = numbers or info.registration_numbers
            db.session.remove()
        ctx.log(f"{written:,} task rows ({info.cases:,} cases added in {info.seconds:.1f} s)")
        samples = _measure(client, clients, _requests(numbers, rng), repeat)
        by_size[written] = samples
        for name, times in samples.items():
            ctx.log(f"  {written:>9,} {name:<40} p50 {ctx.percentile(times, 50):6.2f} ms  "
                    f"p95 {ctx.percentile(times, 95):6.2f} ms")
    with app.app_context():
        db.engine.dispose()

    sizes = sorted(by_size)
    smallest, largest = sizes[0], sizes[-1]
    label = {s: (f"{round(s / 1_000_000)}M" if s >= 950_000 else f"{round(s / 1000)}k") for s in sizes}
    results = []
    for name in by_size[smallest]:
        base = ctx.percentile(by_size[smallest][name], 95)
        results.append(ctx.result(f"{name}: p95 at {label[smallest]} rows", base, unit="ms", baseline=base,
                                  target_ratio=1.0))
        for size in sizes[1:]:
            p95 = ctx.percentile(by_size[size][name], 95)
            results.append(ctx.result(f"{name}: p95 at {label[size]} / at {label[smallest]} rows", p95, unit="ms",
                                      baseline=base, target_ratio=TARGET_GROWTH))
        if ctx.database == "postgresql":
            p95 = ctx.percentile(by_size[largest][name], 95)
            results.append(ctx.result(f"{name}: p95 at {label[largest]} rows vs {ABSOLUTE_MS:.0f} ms", p95, unit="ms",
                                      baseline=ABSOLUTE_MS, target_ratio=1.0))
    return results
