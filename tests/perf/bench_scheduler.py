"""Scheduler tick: its time follows the number of due items k, not the number of open tasks.

tests/perf/generate.py writes N open tasks (10k, then 1M on PostgreSQL; 10k then 100k on SQLite), all with
their next escalation check in the future. For each k in (0, 100, 10,000), k random open tasks are made due
(due date a day ago, next check a minute ago) and one whole scheduler tick (`workers.scheduler.tick`: timers,
every domain's jobs, the notification outbox) runs as of now. Figures: tick(N large, k) / tick(10k, k), and the
escalation throughput (items/s) at k = 10,000 against the same at 10k open.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

TARGET_GROWTH = 1.3


def _plan(ctx) -> tuple[list[int], list[int]]:
    if ctx.quick:
        return [10_000, 50_000], [0, 100, 1000]
    if ctx.database == "postgresql":
        return [10_000, 1_000_000], [0, 100, 10_000]
    return [10_000, 100_000], [0, 100, 2000]


def _make_due(db, k: int, now: datetime, seed: int) -> None:
    """Make k open tasks that have not escalated yet due for their check now (overdue by a day)."""
    if not k:
        return
    naive = now.astimezone(UTC).replace(tzinfo=None)
    due, check = naive - timedelta(days=1), naive - timedelta(minutes=1)
    order = "md5(id || :seed)" if db.engine.dialect.name == "postgresql" else "substr(id, 3) || :seed"
    db.session.execute(text(
        f"UPDATE tasks SET due_at = :due, at_risk_for_due_at = :due, at_risk_at = :due, next_check_at = :check "
        f"WHERE id IN (SELECT id FROM tasks WHERE state IN ('ready', 'claimed') AND escalation_level = 0 "
        f"ORDER BY {order} LIMIT :k)"),
        {"due": due.strftime("%Y-%m-%d %H:%M:%S.%f") if db.engine.dialect.name == "sqlite" else due,
         "check": check.strftime("%Y-%m-%d %H:%M:%S.%f") if db.engine.dialect.name == "sqlite" else check,
         "k": k, "seed": str(seed)})
    db.session.commit()


def run(ctx) -> list[dict]:
    """Tick time per (open count, k) and escalation throughput."""
    from app.extensions import db
    from tests.perf.generate import generate
    from workers.scheduler import tick

    app = ctx.create_app()
    sizes, ks = _plan(ctx)
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 10:00 WIB on a working Tuesday
    ticks: dict[tuple[int, int], float] = {}
    escalated: dict[tuple[int, int], int] = {}
    written = 0
    for size in sizes:
        with app.app_context():
            info = generate(size - written, open_tasks=size - written, now=now, seed=size)
            written += info.tasks
            db.session.remove()
            tick(app, now)  # once, untimed: the day's digests and other one-off work
            db.session.remove()
        ctx.log(f"{written:,} open tasks ({info.seconds:.1f} s to write)")
        for k in ks:
            with app.app_context():
                _make_due(db, k, now, seed=k + size)
                db.session.remove()
                t0 = time.perf_counter()
                result = tick(app, now)
                elapsed = (time.perf_counter() - t0) * 1000
                db.session.remove()
            rungs = result.get("sla", {}).get("escalations", 0) if isinstance(result.get("sla"), dict) else 0
            ticks[(written, k)] = elapsed
            escalated[(written, k)] = rungs
            ctx.log(f"  open {written:>9,}  k {k:>6,}: tick {elapsed:8.1f} ms, {rungs} rungs applied")
            assert rungs >= k, f"only {rungs} of {k} due tasks escalated"
    with app.app_context():
        db.engine.dispose()

    small, large = sorted({n for n, _ in ticks})
    label = {n: (f"{round(n / 1_000_000)}M" if n >= 950_000 else f"{round(n / 1000)}k") for n in (small, large)}
    results = []
    for k in ks:
        results.append(ctx.result(f"scheduler tick, k={k:,} due, {label[large]} / {label[small]} open",
                                  ticks[(large, k)], unit="ms", baseline=ticks[(small, k)],
                                  target_ratio=TARGET_GROWTH))
    top = ks[-1]
    per_s = {n: top / (ticks[(n, top)] / 1000) for n in (small, large)}
    results.append(ctx.result(f"escalation throughput, k={top:,} due, {label[large]} vs {label[small]} open",
                              per_s[large], unit="items/s", baseline=per_s[small], target_ratio=TARGET_GROWTH,
                              higher_is_better=True))
    grow = ticks[(large, top)] - ticks[(large, 0)]
    results.append(ctx.result(f"scheduler tick at {label[large]} open: k={top:,} over k=100, per due item",
                              grow / top, unit="ms/item",
                              baseline=max((ticks[(large, 100)] - ticks[(large, 0)]) / 100, 1e-6),
                              target_ratio=TARGET_GROWTH))
    return results
