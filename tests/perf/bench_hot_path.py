"""Hot path: what one officer's task completion costs, layer by layer, on a small process.

The process (tests/perf/hot_path/, loaded into the bench database only, never into the catalog): six user tasks
in sequence in the `verifikator` lane, ten form fields each (one JSON Schema per task), one exclusive gateway
after the third; no documents, no fee, no signing. Cases are submitted by the demo applicant (not timed) and
every step is completed by the verifier's demo officer. Per completion, each of these is timed:

- **floor**: the bare engine through `app.engine` (the same serializer configuration and sandboxed script
  engine the application uses): restore the stored state (`Engine.load`), complete the task with its data
  and run engine steps (`WorkflowRun.complete`), serialize (`WorkflowRun.serialize`). No database, no Flask.
- **service complete**: `app.inbox.service.complete` and the commit, on a task the officer claimed before
  (untimed), with the task row and the officer already loaded, as `get_visible` and the token lookup leave
  them in a request;
- **HTTP list, claim, complete** on other cases, through the Flask test client with a bearer token:
  `GET /api/v1/tasks?scope=group&q=<registration number>` (which must find the task), then
  `POST /api/v1/tasks/<id>/claim`, then `POST /api/v1/tasks/<id>/complete`.

Rounds are interleaved: for each step, instance after instance, one sample of every kind, in an order that
rotates, so a slower second of a shared machine weighs on all of them; the floor runs on the very state the
service completion restores a moment later. Figures are medians over all completions (six per instance),
each as a ratio to the floor's median; SQL statements (`before_cursor_execute`) and commits (`commit`) are
counted on the engine per operation and reported as means per operation.

BENCH_HOT_PATH_N sets the instances per kind (default 200; 20 with --quick). BENCH_PROFILE=1 (or `hot_path`)
adds three passes after the measured rounds, each on BENCH_HOT_PATH_PROFILE_N new instances (default 20): the
app functions on the stack of every SQL statement (service and HTTP); pyinstrument over service-layer
completions (its HTML page as `hot_path-<db>.html`); wrappers timing the main functions of a completion
(`TIMED`). The summaries are printed and written to `hot_path-<db>.txt`, both files in BENCH_PROFILE_DIR
(default: the folder above the scratch folder). The measured figures come from the rounds before them.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL_DIR = HERE / "hot_path"
SERVICE = "bench_hot_path"
APPLICANT = "pemohon@demo.local"
OFFICER = "loket@demo.local"
STEPS = tuple(f"langkah_{n}" for n in range(1, 7))
WARMUP = 2  # instances per kind at the start of each step's round, not counted

# Targets (ratio to the floor, or to a budget): the figures of the optimisation work on this path.
TARGET_SERVICE = 3.0          # service-layer complete + commit, over the bare engine
TARGET_HTTP_COMPLETE = 5.0    # the request adds the token lookup, the answer's case description, JSON both ways
TARGET_HTTP_CLAIM = 3.0       # a claim runs no engine
TARGET_HTTP_LIST = 3.0        # a list that finds one task runs no engine
# Statements a change needs: complete = the case's open rows, its clock ledger, and the step's writes (task, case,
# new task, one batch of events); a request adds its token and task lookups and the answer's reads; a claim is
# token, task, its UPDATE and its event; a list is token and list.
STATEMENT_BUDGET = {"service complete": 6, "HTTP complete": 10, "HTTP claim": 4, "HTTP list": 2}
COMMIT_BUDGET = {"service complete": 1, "HTTP complete": 1, "HTTP claim": 1, "HTTP list": 1}


def step_data(index: int) -> dict:
    """The ten fields of step `index` (0-5), valid for its schema; step 3 passes the gateway."""
    n = index + 1
    p = f"l{n}_"
    return {
        p + "hasil": "lengkap" if n == 3 else "sesuai",
        p + "catatan": f"Langkah {n} diperiksa; tidak ada catatan khusus.",
        p + "nomor_surat": f"800/{100 + n}/DPMPTSP/2026",
        p + "tanggal": "2026-11-20",
        p + "jumlah_berkas": 7 + n,
        p + "nilai": 80.5 + n,
        p + "sesuai_standar": True,
        p + "lokasi": "Jl. Merdeka No. 1, Kelurahan Sukamaju",
        p + "petugas_pendamping": "Budi Santoso",
        p + "kategori": "umum",
    }


class Counting:
    """SQL statements and commits on the app's engine, per label while a label is set."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.label: str | None = None
        self.enabled = True  # off during warm-up rounds
        self.statements: Counter = Counter()
        self.commits: Counter = Counter()
        self.rollbacks: Counter = Counter()
        self.on_statement = None  # optional hook (label, statement): the attribution
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn, cursor, statement, *args):
        if self.label is not None and self.enabled:
            self.statements[self.label] += 1
            if self.on_statement is not None:
                self.on_statement(self.label, statement)

    def _commit(self, conn):
        if self.label is not None and self.enabled:
            self.commits[self.label] += 1

    def _rollback(self, conn):
        if self.label is not None and self.enabled:
            self.rollbacks[self.label] += 1


class HotPath:
    """The bench database with the process loaded, and the timed ways of completing its steps."""

    def __init__(self, ctx):
        from app.accounts import service as accounts
        from app.cases import workflow
        from app.catalog import service as catalog
        from app.extensions import db
        from tests.support.api import ApiClient

        self.ctx = ctx
        self.app = ctx.create_app()
        with self.app.app_context():
            report = catalog.sync_from_disk(str(MODEL_DIR / "processes"), str(MODEL_DIR / "forms"))
            mine = [line for line in report if line.get("service") == SERVICE]
            if not mine or "error" in mine[0] or not mine[0].get("deployed"):
                raise RuntimeError(f"loading {MODEL_DIR} failed: {report}")
            db.session.commit()
            service = catalog.get(SERVICE)
            _, self.model = catalog.active_model(service)  # the parsed model, for the floor
            self.engine = workflow.engine()
            self.applicant_id = accounts.get_by_email(APPLICANT).id
            self.officer_id = accounts.get_by_email(OFFICER).id
            self.counting = Counting(db.engine)
            db.session.remove()
        self.client = self.app.test_client()
        self.api = ApiClient(self.client, OFFICER)

    # -- cases --------------------------------------------------------------------------------

    def new_cases(self, count: int) -> list[dict]:
        """`count` submitted cases, each waiting at its first step: [{"id", "number"}]."""
        from app.accounts.models import User
        from app.cases import service as cases
        from app.extensions import db

        made = []
        with self.app.app_context():
            for _ in range(count):
                applicant = db.session.get(User, self.applicant_id)
                case = cases.create_draft(actor=applicant, service_key=SERVICE, data={}, allow_hidden=True)
                db.session.commit()
                cases.submit(case=case, actor=applicant)
                db.session.commit()
                made.append({"id": case.id, "number": case.registration_number})
                db.session.remove()
        return made

    def open_task(self, case_id: int) -> tuple[str, str, str]:
        """(task id, bpmn id, stored workflow state) of a case's one open step (not timed)."""
        from sqlalchemy import select

        from app.cases.models import Case
        from app.extensions import db
        from app.inbox.models import OPEN_STATES, Task

        with self.app.app_context():
            task = db.session.scalar(select(Task).where(Task.case_id == case_id, Task.state.in_(OPEN_STATES)))
            assert task is not None, f"case {case_id} has no open step"
            found = (task.id, task.bpmn_id, db.session.get(Case, case_id).workflow_state)
            db.session.remove()
        return found

    def status(self, case_id: int) -> str:
        from app.cases.models import Case
        from app.extensions import db

        with self.app.app_context():
            status = db.session.get(Case, case_id).status
            db.session.remove()
        return status

    # -- the four ways -------------------------------------------------------------------------

    def floor(self, state: str, task_id: str, data: dict) -> float:
        """The bare engine on a stored state: restore, complete and run on, serialize; ms."""
        t0 = time.perf_counter()
        run = self.engine.load(self.model, state)
        run.complete(task_id, data)
        run.serialize()
        return (time.perf_counter() - t0) * 1000

    def service_complete(self, task_id: str, data: dict, *, label: str | None = "service complete",
                         around=None) -> float:
        """Claim (not timed), then `inbox.complete` + commit as the officer; ms."""
        from app.accounts.models import User
        from app.extensions import db
        from app.inbox import service as inbox
        from app.inbox.models import Task

        with self.app.app_context():
            actor = db.session.get(User, self.officer_id)
            inbox.claim(task=db.session.get(Task, task_id), actor=actor)
            db.session.commit()
            db.session.remove()
            # What a request holds when it calls complete: its task row (get_visible) and its user with roles
            # and groups (the token lookup).
            actor = db.session.get(User, self.officer_id)
            actor.group_keys, actor.has_role("supervisor")  # noqa: B018 - loaded before the clock starts
            task = db.session.get(Task, task_id)
            if around is not None:
                around.start()
            self.counting.label = label
            t0 = time.perf_counter()
            inbox.complete(task=task, actor=actor, data=data)
            db.session.commit()
            elapsed = (time.perf_counter() - t0) * 1000
            self.counting.label = None
            if around is not None:
                around.stop()
            db.session.remove()
        return elapsed

    def _timed(self, label: str, call) -> tuple[float, object]:
        self.counting.label = label
        t0 = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - t0) * 1000
        self.counting.label = None
        return elapsed, response

    def http(self, number: str, bpmn_id: str, data: dict) -> dict[str, float]:
        """List (finding the case's task), claim, complete over HTTP; ms of each."""
        times = {}
        times["HTTP list"], response = self._timed(
            "HTTP list", lambda: self.api.get(f"/api/v1/tasks?scope=group&q={number}"))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        items = [t for t in response.get_json()["items"] if t["registration_number"] == number]
        assert len(items) == 1 and items[0]["bpmn_id"] == bpmn_id, (number, bpmn_id, response.get_json())
        task_id = items[0]["id"]
        times["HTTP claim"], response = self._timed(
            "HTTP claim", lambda: self.api.post(f"/api/v1/tasks/{task_id}/claim"))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        times["HTTP complete"], response = self._timed(
            "HTTP complete", lambda: self.api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return times

    def close(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            db.engine.dispose()


KINDS = ("floor", "service complete", "HTTP list", "HTTP claim", "HTTP complete")


def measure(bench: HotPath, instances: int) -> tuple[dict[str, list[float]], dict[str, dict[str, list[float]]]]:
    """Interleaved rounds over `instances` cases of each kind; samples by kind, and by kind and step."""
    ctx = bench.ctx
    service_cases = bench.new_cases(instances + WARMUP)
    http_cases = bench.new_cases(instances + WARMUP)
    samples: dict[str, list[float]] = defaultdict(list)
    by_step: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    bench.counting.statements.clear()
    bench.counting.commits.clear()
    bench.counting.rollbacks.clear()
    counted = Counter()  # operations counted, by kind (statements and commits are per operation)
    for index, bpmn_id in enumerate(STEPS):
        for i in range(instances + WARMUP):
            warm = i < WARMUP
            service_case, http_case = service_cases[i], http_cases[i]
            task_id, open_bpmn, state = bench.open_task(service_case["id"])
            assert open_bpmn == bpmn_id, (open_bpmn, bpmn_id)
            bench.counting.enabled = not warm
            got = _round(bench, index, i % 3, floor=(state, task_id), service=task_id, http=http_case["number"])
            bench.counting.enabled = True
            if warm:
                continue
            for kind, ms in got.items():
                samples[kind].append(ms)
                by_step[kind][bpmn_id].append(ms)
                counted[kind] += 1
        ctx.log(f"{bpmn_id}: " + ", ".join(f"{k} {statistics.median(by_step[k][bpmn_id]):.2f} ms" for k in KINDS))
    for case in service_cases + http_cases:
        status = bench.status(case["id"])
        assert status == "approved", (case, status)
    bench.counted = counted
    return samples, by_step


def _round(bench: HotPath, index: int, shift: int, *, floor: tuple[str, str], service: str,
           http: str) -> dict[str, float]:
    """One sample of each kind at step `index`, the three blocks rotated by `shift`; ms by kind."""
    data = step_data(index)
    got: dict[str, float] = {}
    blocks = (
        lambda: got.__setitem__("floor", bench.floor(floor[0], floor[1], data)),
        lambda: got.__setitem__("service complete", bench.service_complete(service, data)),
        lambda: got.update(bench.http(http, STEPS[index], data)),
    )
    for block in blocks[shift:] + blocks[:shift]:
        block()
    return got


# -- profile -----------------------------------------------------------------------------------


def _app_frames(frame) -> list[str]:
    """`path:function` of the app's frames on a stack, outermost first."""
    found = []
    app_root = str(ROOT / "app") + os.sep
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(app_root):
            found.append(f"{Path(path).relative_to(ROOT)}:{frame.f_code.co_qualname}")
        frame = frame.f_back
    return found[::-1]


def _statement_head(statement: str) -> str:
    words = " ".join(statement.split())
    upper = words.upper()
    for verb, marker in (("SELECT", " FROM "), ("INSERT", "INSERT INTO "), ("UPDATE", "UPDATE "),
                         ("DELETE", "DELETE FROM ")):
        if upper.startswith(verb):
            at = upper.find(marker)
            if at >= 0:
                table = words[at + len(marker):].split(" ", 1)[0].strip('"(')
                return f"{verb} {table}"
            return verb
    return words[:40]


PIVOTS = {  # the function whose callees name the phase a statement belongs to
    "service complete": "app/inbox/service.py:complete",
    "HTTP complete": "app/inbox/api.py:complete_task",
    "HTTP claim": "app/inbox/api.py:claim_task",
    "HTTP list": "app/inbox/api.py:list_tasks",
}


class Attribution:
    """Each counted statement, by kind (verb and table), by phase and by the app functions on its stack."""

    def __init__(self):
        self.kinds: dict[str, Counter] = defaultdict(Counter)
        self.phases: dict[str, Counter] = defaultdict(Counter)
        self.innermost: dict[str, Counter] = defaultdict(Counter)
        self.inclusive: dict[str, Counter] = defaultdict(Counter)

    def __call__(self, label: str, statement: str) -> None:
        chain = _app_frames(sys._getframe(1))
        head = _statement_head(statement)
        self.kinds[label][head] += 1
        inner = chain[-1] if chain else "(no app frame)"
        self.innermost[label][(inner, head)] += 1
        for name in set(chain):
            self.inclusive[label][name] += 1
        pivot = PIVOTS.get(label)
        if pivot in chain:
            at = chain.index(pivot)
            phase = chain[at + 1] if at + 1 < len(chain) else f"{pivot} itself (its own flush)"
        elif outer := [f for f in chain if not f.endswith(".__call__")]:  # past the WSGI middlewares
            phase = outer[0]
        else:
            phase = "(no app frame: the flush at commit)"
        self.phases[label][(phase, head)] += 1

    def lines(self, label: str, operations: int) -> list[str]:
        per = 1 / operations
        out = [f"{label}: {sum(self.kinds[label].values()) * per:.2f} SQL statements per operation, by kind:"]
        for head, n in self.kinds[label].most_common():
            out.append(f"  {n * per:5.2f}  {head}")
        out.append(f"  by phase ({PIVOTS[label]} called it, unless named otherwise) and kind:")
        phases: dict[str, list] = defaultdict(list)
        for (phase, head), n in self.phases[label].items():
            phases[phase].append((head, n))
        for phase, heads in sorted(phases.items(), key=lambda item: -sum(n for _, n in item[1])):
            detail = ", ".join(f"{n * per:.2f} {h}" for h, n in sorted(heads, key=lambda x: -x[1]))
            out.append(f"  {sum(n for _, n in heads) * per:5.2f}  {phase}: {detail}")
        out.append("  by the innermost app function that sent it:")
        for (inner, head), n in self.innermost[label].most_common(20):
            out.append(f"  {n * per:5.2f}  {inner}  [{head}]")
        return out


# Functions timed by wrappers in the third profiling pass: (where the callers look it up, attribute, label).
# A wrapper costs two clock reads, so these are the functions' real times, unlike a profiler's, which inflates
# code that makes many small calls. Nested calls of one function count once (the outermost).
TIMED = (
    ("app.cases.workflow", "load_or_quarantine", "restore the workflow (Engine.load)"),
    ("app.engine.serialization", "loads", "  of which: JSON + SpiffWorkflow from_dict"),
    ("app.engine.serialization", "new_serializer", "  serializer built per call (loads and dumps)"),
    ("app.inbox.service", "validate", "form data against its JSON Schema"),
    ("app.inbox.service", "form_of", "form_of (the task's schema, twice)"),
    ("app.cases.events", "record", "events.record (audit events, all callers)"),
    ("app.cases.workflow", "act", "workflow.act (engine step + writing the read model)"),
    ("app.engine.runtime.WorkflowRun", "complete", "  WorkflowRun.complete (task.run + engine steps)"),
    ("app.cases.workflow", "_write", "  workflow._write"),
    ("app.engine.serialization", "dumps", "    serialize the state"),
    ("app.cases.workflow", "_sync_tasks", "    _sync_tasks (task rows)"),
    ("app.cases.workflow", "case_task_rows", "      case_task_rows (SELECT tasks)"),
    ("app.cases.workflow", "_finish", "    _finish (last step only)"),
    ("app.sla.ledger", "refresh", "SLA ledger refresh (one_refresh exit)"),
    ("app.common.signals.task_opened", "send", "signal task_opened (routing, SLA)"),
    ("app.common.signals.task_closed", "send", "signal task_closed (SLA)"),
    ("app.common.signals.case_status_changed", "send", "signal case_status_changed"),
    ("sqlalchemy.orm.Session", "flush", "Session.flush (every flush, autoflush too)"),
    ("sqlalchemy.orm.Session", "commit", "Session.commit (the caller's commit: COMMIT, fsync on SQLite)"),
)


class _Gate:
    """On while the clock of a service completion runs (its `around` hook), so the untimed claim is not counted."""

    on = False

    def start(self):
        self.on = True

    def stop(self):
        self.on = False


def _timers(bench: HotPath, cases: list[dict]) -> list[str]:
    """Wrap TIMED, run service completions, and report each function's ms per completion."""
    import importlib

    spent: Counter = Counter()
    calls: Counter = Counter()
    depth: Counter = Counter()
    restore = []

    def owner_of(path: str):
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                target = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                target = getattr(target, attr)
            return target
        raise ImportError(path)

    gate = _Gate()

    def wrap(label: str, fn):
        def timed(*args, **kwargs):
            if depth[label] or not gate.on:
                return fn(*args, **kwargs)
            depth[label] += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - t0
                calls[label] += 1
                depth[label] -= 1
        return timed

    for path, attr, label in TIMED:
        owner = owner_of(path)
        original = owner.__dict__[attr] if isinstance(owner, type) else getattr(owner, attr)
        restore.append((owner, attr, original, isinstance(owner, type) or attr in vars(owner)))
        setattr(owner, attr, wrap(label, original))
    complete_ms: list[float] = []
    try:
        for index, _ in enumerate(STEPS):
            for case in cases:
                task_id, _, _ = bench.open_task(case["id"])
                complete_ms.append(bench.service_complete(task_id, step_data(index), label=None, around=gate))
    finally:
        for owner, attr, original, own in reversed(restore):
            if own:
                setattr(owner, attr, original)
            else:
                delattr(owner, attr)
    n = len(complete_ms)
    lines = [f"Timed functions (wrappers, no profiler): {n} service-layer completions, mean "
             f"{sum(complete_ms) / n:.2f} ms (median {statistics.median(complete_ms):.2f}) each, commit included;"
             " ms per completion, calls per completion:"]
    for _, _, label in TIMED:
        lines.append(f"  {spent[label] * 1000 / n:6.3f} ms  {calls[label] / n:5.2f}x  {label}")
    return lines


def profile(bench: HotPath, instances: int) -> str:
    """Every statement's app callers (service and HTTP), then pyinstrument over service completions; a summary."""
    ctx = bench.ctx
    out_dir = Path(os.environ.get("BENCH_PROFILE_DIR") or ctx.workdir.parent)
    out_dir.mkdir(parents=True, exist_ok=True)
    interval = float(os.environ.get("BENCH_PROFILE_INTERVAL") or 0.0005)
    lines: list[str] = [f"Profile of bench_hot_path on {ctx.database} ({instances} instances x {len(STEPS)} steps "
                        f"per pass)", ""]

    # 1. Statements, attributed to the app functions on their stack (no profiler running).
    attribution = Attribution()
    labels = ("service complete", "HTTP complete", "HTTP claim", "HTTP list")
    operations = Counter()
    service_cases, http_cases = bench.new_cases(instances), bench.new_cases(instances)
    bench.counting.on_statement = attribution
    try:
        for index, bpmn_id in enumerate(STEPS):
            for service_case, http_case in zip(service_cases, http_cases, strict=True):
                task_id, _, _ = bench.open_task(service_case["id"])
                bench.service_complete(task_id, step_data(index), label="service complete")
                bench.http(http_case["number"], bpmn_id, step_data(index))
                for label in labels:
                    operations[label] += 1
    finally:
        bench.counting.on_statement = None

    # 2. The call tree of service-layer completions (pyinstrument; no statement hook running).
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None  # noqa: N806
        lines.append("pyinstrument is not installed (requirements.txt): no call tree")
    if Profiler is not None:
        profiler = Profiler(interval=interval, async_mode="disabled")
        completions, total_ms = 0, 0.0
        cases = bench.new_cases(instances)
        for index, _ in enumerate(STEPS):
            for case in cases:
                task_id, _, _ = bench.open_task(case["id"])
                total_ms += bench.service_complete(task_id, step_data(index), label=None, around=profiler)
                completions += 1
        html = out_dir / f"hot_path-{ctx.database}.html"
        html.write_text(_html(profiler.last_session))
        lines.append(f"pyinstrument (interval {interval * 1000:g} ms): {completions} service-layer completions, "
                     f"{total_ms / completions:.2f} ms each under the profiler; call tree in {html.name}")
        lines += _top_functions(profiler.last_session, completions, attribution.inclusive["service complete"],
                                operations["service complete"])
    # 3. The main functions' real times, by wrappers (no profiler, no statement hook).
    lines.append("")
    lines += _timers(bench, bench.new_cases(instances))
    lines.append("")
    for label in labels:
        lines += attribution.lines(label, operations[label])
        lines.append("")
    text = "\n".join(lines)
    (out_dir / f"hot_path-{ctx.database}.txt").write_text(text + "\n")
    for line in lines:
        ctx.log(line)
    return text


def _html(session) -> str:
    """The call tree as pyinstrument's HTML page, with nodes under 0.2 % of the time left out (file size)."""
    from pyinstrument import processors
    from pyinstrument.renderers import HTMLRenderer

    renderer = HTMLRenderer()
    renderer.preprocessors = [processors.remove_importlib, processors.aggregate_repeated_calls,
                              processors.merge_consecutive_self_time, processors.remove_irrelevant_nodes]
    renderer.preprocessor_options = {"filter_threshold": 0.002}
    return renderer.render(session)


def _top_functions(session, completions: int, statements: Counter, operations: int, limit: int = 20) -> list[str]:
    """The app functions with the most inclusive time per completion (and the statements under each), the
    direct callees of the timed block, and own time by library."""
    root = session.root_frame()
    if root is None:
        return ["(no samples)"]
    total = root.time
    inclusive: Counter = Counter()
    own_by_area: Counter = Counter()
    app_root = str(ROOT / "app") + os.sep
    site = os.sep + "site-packages" + os.sep

    def area(path: str) -> str:
        if path.startswith(app_root):
            return "app (own time)"
        if site in path:
            return path.split(site, 1)[1].split(os.sep, 1)[0]
        if path.startswith(str(ROOT)):
            return "tests/perf (the bench)"
        return "Python (stdlib, builtins)"

    def walk(frame, ancestors: frozenset) -> None:
        if frame.is_synthetic:  # a [self] leaf: its time is in its parent's own time
            return
        path = frame.file_path or ""
        if path.startswith(app_root):
            key = f"{Path(path).relative_to(ROOT)}:{frame.function}"
            if key not in ancestors:  # recursion counts once
                inclusive[key] += frame.time
                ancestors = ancestors | {key}
        own_by_area[area(path)] += frame.total_self_time
        for child in frame.children:
            walk(child, ancestors)

    walk(root, frozenset())
    per = 1000 / completions
    called: Counter = Counter()
    for child in root.children:
        where = (child.file_path or "").replace(str(ROOT) + os.sep, "")
        called[f"{where.split(site, 1)[1] if site in where else where}:{child.function}"] += child.time
    lines = [f"Sampled {total * per:.2f} ms per completion. What the timed block called:"]
    for name, seconds in called.most_common(4):
        lines.append(f"  {seconds * per:6.2f} ms {seconds / total:6.1%}  {name}")
    lines.append(f"Inclusive time per completion by app function (statements under it per completion), "
                 f"top {limit}:")
    for key, seconds in inclusive.most_common(limit):
        lines.append(f"  {seconds * per:6.2f} ms {seconds / total:6.1%}  {statements[key] / operations:5.2f} st  "
                     f"{key}")
    lines.append("Own (self) time by where the code lives:")
    for name, seconds in own_by_area.most_common(10):
        lines.append(f"  {seconds * per:6.2f} ms {seconds / total:6.1%}  {name}")
    for pivot in BREAKDOWN:
        parts = _callees(root, pivot, app_root, site)
        spent = sum(parts.values())
        lines.append(f"What {pivot} spends its {spent * per:.2f} ms on (its callees; statements under each):")
        for name, seconds in parts.most_common(12):
            count = f"{statements[name] / operations:5.2f}" if name.startswith("app/") else "    -"
            lines.append(f"  {seconds * per:6.2f} ms {seconds / total:6.1%}  {count} st  {name}")
    return lines


BREAKDOWN = ("app/inbox/service.py:complete", "app/cases/workflow.py:_write", "app/cases/workflow.py:_sync_tasks")


def _callees(root, pivot: str, app_root: str, site: str) -> Counter:
    """Time of the pivot function's direct callees, summed over every call of it (outermost calls only)."""
    parts: Counter = Counter()

    def name_of(frame) -> str:
        path = frame.file_path or ""
        if frame.is_synthetic:
            return "(own time)"
        if path.startswith(app_root):
            return f"{Path(path).relative_to(ROOT)}:{frame.function}"
        if site in path:
            return f"{path.split(site, 1)[1]}:{frame.function}"
        return f"{Path(path).name}:{frame.function}"

    def expand(frame):
        """A `with` block's contextlib frames stand for the context manager's generator they call."""
        if (frame.file_path or "").endswith(os.sep + "contextlib.py"):
            for child in frame.children:
                yield from expand(child)
        else:
            yield frame

    def walk(frame) -> None:
        if name_of(frame) == pivot:
            own = frame.time - sum(c.time for c in frame.children)
            parts["(own time)"] += own
            for child in frame.children:
                for part in expand(child):
                    parts[name_of(part)] += part.time
            return
        for child in frame.children:
            walk(child)

    walk(root)
    return parts


# -- the module's figures -----------------------------------------------------------------------


def run(ctx) -> list[dict]:
    """Median ms per completion of the floor, the service layer and the HTTP requests; statements, commits."""
    instances = int(os.environ.get("BENCH_HOT_PATH_N") or (20 if ctx.quick else 200))
    bench = HotPath(ctx)
    try:
        samples, _by_step = measure(bench, instances)
        counts = {kind: (bench.counting.statements[kind] / bench.counted[kind],
                         bench.counting.commits[kind] / bench.counted[kind],
                         bench.counting.rollbacks[kind] / bench.counted[kind]) for kind in KINDS if kind != "floor"}
        medians = {kind: statistics.median(samples[kind]) for kind in KINDS}
        floor = medians["floor"]
        ctx.log(f"{instances} instances x {len(STEPS)} steps per kind; medians: " +
                ", ".join(f"{k} {medians[k]:.2f} ms ({medians[k] / floor:.2f}x)" for k in KINDS))
        for kind, (statements, commits, rollbacks) in counts.items():
            ctx.log(f"  {kind}: {statements:.2f} statements, {commits:.2f} commits, {rollbacks:.2f} rollbacks "
                    f"per operation; p90 {ctx.percentile(samples[kind], 90):.2f} ms")
        if os.environ.get("BENCH_PROFILE", "") in ("1", "hot_path"):
            profile(bench, int(os.environ.get("BENCH_HOT_PATH_PROFILE_N") or max(6, min(20, instances // 5))))
    finally:
        bench.close()
    targets = {"service complete": TARGET_SERVICE, "HTTP complete": TARGET_HTTP_COMPLETE,
               "HTTP claim": TARGET_HTTP_CLAIM, "HTTP list": TARGET_HTTP_LIST}
    rows = [ctx.result("hot path: floor, bare engine (restore, complete, run, serialize), per completion", floor,
                       unit="ms", baseline=floor, target_ratio=1.0)]
    names = {"service complete": "service-layer complete + commit", "HTTP complete": "HTTP complete",
             "HTTP claim": "HTTP claim", "HTTP list": "HTTP inbox list finding the task"}
    for kind in ("service complete", "HTTP complete", "HTTP claim", "HTTP list"):
        rows.append(ctx.result(f"hot path: {names[kind]}, median (vs floor)", medians[kind], unit="ms",
                               baseline=floor, target_ratio=targets[kind]))
    for kind in ("service complete", "HTTP complete", "HTTP claim", "HTTP list"):
        statements, commits, _ = counts[kind]
        rows.append(ctx.result(f"hot path: {names[kind]}, SQL statements (vs budget)", statements,
                               unit="statements", baseline=STATEMENT_BUDGET[kind], target_ratio=1.0))
        rows.append(ctx.result(f"hot path: {names[kind]}, commits (vs budget)", commits, unit="commits",
                               baseline=COMMIT_BUDGET[kind], target_ratio=1.0))
    return rows
