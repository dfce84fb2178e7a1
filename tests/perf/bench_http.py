"""HTTP under load: gunicorn (deploy/gunicorn.conf.py) on PostgreSQL, driven by locust in a second process.

Phases, in one run against one server: the `/healthz` baseline (no think time), the mixed workload of
tests/perf/locustfile.py at 50, 200 and 500 users, then a spike of 2000 users. After the spike every
submission a client was told was accepted (the client log) must be in the database exactly once.

Sizes come from the environment (the runner passes only --quick): BENCH_HTTP_USERS ("50,200,500"),
BENCH_HTTP_SECONDS (per level), BENCH_HTTP_SPIKE_USERS (2000), BENCH_HTTP_SPIKE_SECONDS (60),
BENCH_HTTP_WORKERS (gunicorn processes), BENCH_HTTP_PROFILE=1 (py-spy a worker at the middle level and
print its hottest frames). `python -m tests.perf.run --only http --database postgresql [--quick]`.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DATABASES = ("postgresql",)
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MIX = ("Visitor", "Applicant", "Officer")


def _settings(quick: bool) -> dict:
    env = os.environ
    return {
        "users": [int(u) for u in env.get("BENCH_HTTP_USERS", "10,25" if quick else "50,200,500").split(",")],
        "seconds": int(env.get("BENCH_HTTP_SECONDS", "15" if quick else "60")),
        "health_users": int(env.get("BENCH_HTTP_HEALTH_USERS", "20" if quick else "50")),
        "spike_users": int(env.get("BENCH_HTTP_SPIKE_USERS", "200" if quick else "2000")),
        "spike_seconds": int(env.get("BENCH_HTTP_SPIKE_SECONDS", "15" if quick else "60")),
        "workers": int(env.get("BENCH_HTTP_WORKERS", str((os.cpu_count() or 2) + 1))),
        "tracked_cases": 10 if quick else 40,
        "open_tasks": 20 if quick else 150,
        "profile": env.get("BENCH_HTTP_PROFILE") == "1",
    }


def _prepare(ctx, settings: dict, workdir: Path) -> list[str]:
    """Submitted cases: registration numbers to track and verification tasks waiting for officers."""
    app = ctx.create_app()
    with app.app_context():
        from app.cases.models import Case
        from app.common import clock
        from app.extensions import db
        from tests.sla.flow import submit_case

        ids = [submit_case(clock.now()) for _ in range(max(settings["tracked_cases"], settings["open_tasks"]))]
        numbers = [db.session.get(Case, i).registration_number for i in ids[: settings["tracked_cases"]]]
        db.session.remove()
        db.engine.dispose()
    return numbers


def _server_env(ctx, settings: dict, port: int) -> dict:
    return {**os.environ, "DATABASE_URL": ctx.url, "SECRET_KEY": "bench-http", "PYTHONPATH": str(ROOT),
            "UPLOAD_DIR": str(ctx.workdir / "uploads"), "RATELIMIT_ENABLED": "0", "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(settings["workers"]),
            "SIGNING_DEV_DIR": str(ctx.workdir / "signing"), "GUNICORN_LOG_LEVEL": "warning"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, *, body: dict | None = None, timeout: float = 10) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if _get(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not become healthy")


def _locust(ctx, base: str, env: dict, classes: tuple, users: int, seconds: int, prefix: Path) -> dict:
    """One headless locust run; returns the aggregated figures and the failures by message."""
    spawn = max(users // 5, 1)  # reach the level in about five seconds, then measure
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", base, "-u", str(users),
               "-r", str(spawn), "-t", f"{seconds + 5}s", "--reset-stats", "--csv", str(prefix), "--only-summary",
               "--stop-timeout", "10", "--loglevel", "WARNING", *classes]
    ctx.log(f"locust {' '.join(classes)} users={users} for {seconds}s")
    with (prefix.parent / f"{prefix.name}.log").open("w") as out:
        subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=seconds + 180)
    with open(f"{prefix}_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    failures: Counter = Counter()
    with open(f"{prefix}_failures.csv") as fails:
        for row in csv.DictReader(fails):
            failures[row["Error"].split(":")[0].removeprefix("CatchResponseError(")[:60]] += int(row["Occurrences"])
    return {"requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
            "rps": _num(total["Requests/s"]), "p50": _num(total["50%"]), "p95": _num(total["95%"]),
            "p99": _num(total["99%"]), "failure_kinds": dict(failures),
            "by_name": {r["Name"]: (int(r["Request Count"]), _num(r["95%"])) for r in rows if r["Name"] != "Aggregated"}}


def _num(raw: str) -> float:
    return float(raw) if raw not in ("", "N/A") else 0.0


def _profile(ctx, master_pid: int, seconds: int, out: Path) -> None:
    """Sample one worker with py-spy while the load runs; log its hottest frames (own time)."""
    workers = _children(master_pid)
    if not workers:
        return
    raw = out.with_suffix(".txt")
    subprocess.run([str(BIN / "py-spy"), "record", "--pid", str(workers[0]), "--duration", str(seconds),
                    "--format", "raw", "--output", str(raw), "--nonblocking"],
                   capture_output=True, timeout=seconds + 60)
    if not raw.exists():
        return
    own: Counter = Counter()
    inclusive: Counter = Counter()  # time under each function of the project's own code
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or not frames:
            continue
        total += int(count)
        own[frames[-1][:140]] += int(count)
        for frame in set(frames):
            if "(app/" in frame or "(workers/" in frame:
                inclusive[frame[:140]] += int(count)
    for frame, count in own.most_common(12):
        ctx.log(f"profile own {100 * count / max(total, 1):5.1f}%  {frame}")
    for frame, count in inclusive.most_common(20):
        ctx.log(f"profile app {100 * count / max(total, 1):5.1f}%  {frame}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return sorted(found)


def _check_accepted(ctx, log: Path) -> dict:
    """Every case the clients were told was created (201) is in the database exactly once."""
    told = {}
    submitted = set()
    if log.exists():
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            if entry["kind"] == "created":
                told[entry["marker"]] = entry["case_id"]
            elif entry["kind"] == "submitted":
                submitted.add(entry["marker"])
    app = ctx.create_app()
    with app.app_context():
        from sqlalchemy import select

        from app.cases.models import Case
        from app.extensions import db

        stored: Counter = Counter()
        status_of = {}
        for case_id, data, status in db.session.execute(select(Case.id, Case.data, Case.status)):
            address = (data or {}).get("alamat", "")
            if address.startswith("Jl. Uji Beban "):
                marker = address.split()[3].rstrip(",")
                stored[marker] += 1
                status_of[marker] = (case_id, status)
        db.session.remove()
        db.engine.dispose()
    return {"told_created": len(told), "told_submitted": len(submitted),
            "present_once": sum(1 for m in told if stored[m] == 1),
            "missing": sum(1 for m in told if stored[m] == 0),
            "duplicated": sum(1 for m in stored if stored[m] > 1),
            "wrong_case": sum(1 for m, cid in told.items() if m in status_of and status_of[m][0] != cid),
            "submitted_not_stored_as_submitted": sum(1 for m in submitted
                                                     if status_of.get(m, (0, "draft"))[1] == "draft"),
            "stored_without_ack": sum(1 for m in stored if m not in told)}


def run(ctx) -> list[dict]:
    """Baseline, three load levels, the spike and the accepted-submissions check."""
    settings = _settings(ctx.quick)
    work = ctx.workdir / "http"
    work.mkdir(parents=True, exist_ok=True)
    ctx.log(f"preparing {settings['open_tasks']} submitted cases")
    numbers = _prepare(ctx, settings, work)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = work / "gunicorn.log"
    with server_log.open("w") as out:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                  env=_server_env(ctx, settings, port), stdout=out, stderr=subprocess.STDOUT)
    results = []
    try:
        _wait_healthy(base, server, server_log)
        from app.accounts.demo import DEMO_PASSWORD

        tokens = {}
        for role, email in (("applicant", "pemohon@demo.local"), ("loket", "loket@demo.local"),
                            ("dinkes", "teknis.dinkes@demo.local")):
            status, body = _get(f"{base}/api/v1/auth/token", body={"email": email, "password": DEMO_PASSWORD},
                                timeout=30)
            assert status == 200, body
            tokens[role] = body["token"]
        (work / "tokens.json").write_text(json.dumps(tokens))
        (work / "numbers.json").write_text(json.dumps(numbers))
        accepted = work / "accepted.jsonl"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LOAD_TOKENS": str(work / "tokens.json"),
               "LOAD_NUMBERS": str(work / "numbers.json"), "LOAD_ACCEPTED_LOG": str(accepted)}

        ctx.log("warming up (first requests load specs and compile templates in each worker)")
        _locust(ctx, base, env, MIX, 10, 10 if ctx.quick else 20, work / "warmup")
        health = _locust(ctx, base, env, ("Health",), settings["health_users"], settings["seconds"],
                         work / "health")
        ctx.log(f"healthz: {health['rps']:.0f} req/s, p99 {health['p99']:.0f} ms, failures {health['failures']}")
        results.append(ctx.result("healthz throughput (baseline)", health["rps"], unit="req/s",
                                  baseline=health["rps"], target_ratio=1.0, higher_is_better=True))
        middle = settings["users"][len(settings["users"]) // 2]
        for users in settings["users"]:
            profiler = None
            if settings["profile"] and users == middle:
                import threading

                profiler = threading.Thread(target=_profile, args=(ctx, server.pid, settings["seconds"],
                                                                     work / "profile"))
                profiler.start()
            mix = _locust(ctx, base, env, MIX, users, settings["seconds"], work / f"mix-{users}")
            if profiler:
                profiler.join()
            ctx.log(f"mix {users} users: {mix['rps']:.1f} req/s, p50 {mix['p50']:.0f} / p95 {mix['p95']:.0f} / "
                    f"p99 {mix['p99']:.0f} ms, {mix['failures']} failures {mix['failure_kinds']}")
            for name, (count, p95) in sorted(mix["by_name"].items()):
                ctx.log(f"    {name}: {count} requests, p95 {p95:.0f} ms")
            # Served requests only: a refusal is cheap and must not count as throughput.
            served = mix["rps"] * (1 - mix["failures"] / max(mix["requests"], 1))
            results += [
                ctx.result(f"mix {users} users: healthz rps / served mix rps", health["rps"] / max(served, 1e-9),
                           unit="x", baseline=1.0, target_ratio=3.0),
                ctx.result(f"mix {users} users: served throughput", served, unit="req/s", baseline=300,
                           target_ratio=1.0, higher_is_better=True),
                ctx.result(f"mix {users} users: p50", mix["p50"], unit="ms", baseline=300, target_ratio=1.0),
                ctx.result(f"mix {users} users: p95", mix["p95"], unit="ms", baseline=300, target_ratio=1.0),
                ctx.result(f"mix {users} users: p99", mix["p99"], unit="ms", baseline=300, target_ratio=1.0),
                ctx.result(f"mix {users} users: failed requests", mix["failures"], unit="requests",
                           baseline=max(mix["requests"], 1), target_ratio=0.0),
            ]

        spike_env = {**env, "LOAD_SPIKE": "1"}
        spike = _locust(ctx, base, spike_env, MIX, settings["spike_users"], settings["spike_seconds"],
                        work / "spike")
        shed = sum(n for kind, n in spike["failure_kinds"].items() if "shed 429" in kind or "shed 503" in kind)
        other = spike["failures"] - shed
        ctx.log(f"spike {settings['spike_users']} users: {spike['rps']:.1f} req/s, p99 {spike['p99']:.0f} ms, "
                f"shed {shed}, other failures {other} {spike['failure_kinds']}")
        _wait_healthy(base, server, server_log)
        check = _check_accepted(ctx, accepted)
        ctx.log(f"accepted submissions: {check}")
        results += [
            ctx.result(f"spike {settings['spike_users']} users: shed (429/503 + Retry-After) share", shed,
                       unit="requests", baseline=max(spike["requests"], 1), target_ratio=1.0),
            ctx.result(f"spike {settings['spike_users']} users: failures other than shedding", other,
                       unit="requests", baseline=max(spike["requests"], 1), target_ratio=0.0),
            ctx.result(f"spike {settings['spike_users']} users: p99", spike["p99"], unit="ms", baseline=300,
                       target_ratio=1.0),
            ctx.result(f"accepted submissions present once ({check['told_created']} told)", check["present_once"],
                       unit="cases", baseline=max(check["told_created"], 1), target_ratio=1.0,
                       higher_is_better=True),
            ctx.result("accepted submissions missing or duplicated", check["missing"] + check["duplicated"]
                       + check["wrong_case"], unit="cases", baseline=max(check["told_created"], 1),
                       target_ratio=0.0),
        ]
        ctx.notes.append(f"http: accepted-submission check {check}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return results
