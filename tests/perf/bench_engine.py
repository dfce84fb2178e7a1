"""Engine overhead: ms per task completion of sip_apoteker through the service layer vs bare SpiffWorkflow.

Service side: each case is drafted, given its documents and submitted (not timed), then every human task is
completed with valid data as its group's demo officer (or the applicant) through `inbox.complete` and committed
(timed, one completion = one HTTP request's work without HTTP): verification asks for a revision, the applicant
returns it, verification passes, Dinas Kesehatan recommends, the head of division approves, the head of office
signs and the permit is issued. Floor: the same BPMN files parsed by SpiffWorkflow, the same steps with the same
data run in memory, with one full serializer round trip (serialize_json + deserialize_json) per completion.
The two alternate completion by completion (the same step on four bare cases after each service completion), so
both see the same seconds of a shared machine.

BENCH_PROFILE=1 writes a cProfile of the service-side completions before issuance to <workdir>/../engine-<db>.prof and prints
the top functions and the statements of a completion with their time from send to result; BENCH_PROFILE=sql prints
the statements only, without the profiler's own slowdown.

On PostgreSQL the run also logs the machine's round trip (`SELECT 1`) sent back to back and sent after 2 ms of
application work, as a completion sends its statements: the difference is what each statement pays for waking
the database's idle core, a property of the machine that no code change removes (docs/PERFORMANCE.md).
"""
from __future__ import annotations

import io
import os
import time

from sqlalchemy import select

SERVICE = "sip_apoteker"
APPLICANT = "pemohon@demo.local"
OFFICERS = {"verifikator": "loket@demo.local", "teknis_dinkes": "teknis.dinkes@demo.local",
            "kabid": "kabid@demo.local", "penandatangan": "kadis@demo.local"}
TARGET_RATIO = 2.0


def _steps(sample_application, verdicts_ok, stra_revise) -> list[tuple[str, dict]]:
    """The human steps of a case with one revision round, in order, with their form data."""
    return [
        ("verifikasi", {"verification_outcome": "revision", "verification_note": "STRA belum dilegalisir.",
                        "document_verdicts": stra_revise}),
        ("perbaikan", {"application": sample_application, "response_note": "STRA legalisir sudah diunggah."}),
        ("verifikasi", {"verification_outcome": "complete", "verification_note": "Lengkap.",
                        "document_verdicts": verdicts_ok}),
        ("rekomendasi_dinkes", {"recommendation": "recommend", "recommendation_note": "Sarana layak."}),
        ("persetujuan", {"approval_decision": "approve", "approval_note": "Setuju."}),
        ("penandatanganan", {"signing_decision": "sign"}),
    ]


def _service_run(ctx, cases: int, profile: str, floor_per_case: int) -> tuple[list[float], list[float], list, dict]:
    """Run `cases` cases to issuance; ms per completion, ms of the last (issuing) completions, steps, start.

    Alongside each counted case run `floor_per_case` bare-engine cases (info["floor"]): after each service
    completion, the same step on each of them. The two kinds of figures alternate completion by completion,
    so a slower or faster second of a shared machine weighs on both.
    """
    from app.accounts import service as accounts
    from app.cases import service as cases_service
    from app.cases.models import Case
    from app.extensions import db
    from app.inbox import service as inbox
    from app.inbox.models import OPEN_STATES, Task
    from tests.support.api import MINIMAL_PDF, MINIMAL_PNG
    from tests.support.data import requirements, sample_application

    app = ctx.create_app()
    reqs = [r for r in requirements(SERVICE) if r["required"]]
    ok = {r["key"]: {"verdict": "ok"} for r in reqs}
    steps = _steps(sample_application(SERVICE), ok, {**ok, "stra": {"verdict": "revise", "note": "Buram."}})
    times: list[float] = []
    issuing: list[float] = []
    starts: list[float] = []
    profiler = None
    if profile == "1":
        import cProfile

        profiler = cProfile.Profile()
    first_initial = None
    floor = None
    floor_times: list[float] = []
    statements: list[str] = []
    statement_ms: list[float] = []  # wall time of each counted statement, from send to result
    commit_ms: list[float] = []  # wall time of each commit of a completion before issuance
    counting = [False]
    with app.app_context():
        from sqlalchemy import event

        def count(conn, cursor, statement, *args):
            if counting[0]:
                conn.info["bench.sent"] = time.perf_counter()

        def timed(conn, cursor, statement, *args):
            sent = conn.info.pop("bench.sent", None)
            if sent is not None:
                statements.append(statement)
                statement_ms.append((time.perf_counter() - sent) * 1000)

        event.listen(db.engine, "before_cursor_execute", count)
        event.listen(db.engine, "after_cursor_execute", timed)
        from app.accounts.models import User

        applicant_id = accounts.get_by_email(APPLICANT).id
        officer_ids = {g: accounts.get_by_email(e).id for g, e in OFFICERS.items()}
        for n in range(cases + 1):  # case 0 warms caches (parsed specs, forms, calendar) and is not counted
            applicant = db.session.get(User, applicant_id)
            case = cases_service.create_draft(actor=applicant, service_key=SERVICE, data=sample_application(SERVICE))
            for req in reqs:
                content, name = (MINIMAL_PDF, "berkas.pdf") if ".pdf" in req["accept"] else (MINIMAL_PNG, "f.png")
                cases_service.add_document(case=case, actor=applicant, requirement=req["key"],
                                           stream=io.BytesIO(content), filename=f"{req['key']}-{name}")
            db.session.commit()
            t0 = time.perf_counter()
            cases_service.submit(case=case, actor=applicant)
            db.session.commit()
            if n:
                starts.append((time.perf_counter() - t0) * 1000)
            case_id = case.id
            if first_initial is None:
                first_initial = {"case": {"id": case.id, "registration_number": case.registration_number,
                                          "service": SERVICE},
                                 "application": case.data, "documents": cases_service.document_refs(case),
                                 "applicant": {"name": applicant.name, "email": applicant.email}}
            bare = [floor.start() for _ in range(floor_per_case)] if floor is not None and n else []
            for index, (bpmn_id, data) in enumerate(steps):
                db.session.expire_all()  # every request starts from a fresh session
                task = db.session.scalar(select(Task).where(Task.case_id == case_id, Task.bpmn_id == bpmn_id,
                                                            Task.state.in_(OPEN_STATES)))
                assert task is not None, f"no open {bpmn_id} task"
                actor = db.session.get(User, applicant_id if task.group_key == "pemohon"
                                       else officer_ids[task.group_key])
                profiling = profiler is not None and n and index < len(steps) - 1  # issuing is apart
                if profiling:
                    profiler.enable()
                counting[0] = bool(n)
                t0 = time.perf_counter()
                inbox.complete(task=task, actor=actor, data=data)
                t1 = time.perf_counter()
                db.session.commit()
                elapsed = (time.perf_counter() - t0) * 1000
                if n and index < len(steps) - 1:
                    commit_ms.append((time.perf_counter() - t1) * 1000)
                counting[0] = False
                if profiling:
                    profiler.disable()
                db.session.remove()
                if n:
                    times.append(elapsed)
                    if index == len(steps) - 1:
                        issuing.append(elapsed)
                for run in bare:  # the same step on bare cases, in the same second of the machine
                    floor_times.append(floor.step(run, index))
            assert all(run["done"] for run in bare), "a bare workflow did not finish"
            status = db.session.get(Case, case_id).status
            assert status == "issued", status
            db.session.remove()
            if floor is None:  # case 0 gave the initial data; warm the bare engine with one whole case
                floor = _Floor(steps, first_initial)
                warm = floor.start()
                for index in range(len(steps)):
                    floor.step(warm, index)
    completions = max(len(times), 1)
    ctx.log(f"{len(statements) / completions:.1f} SQL statements per completion")
    if profile:
        ctx.log(f"{sum(statement_ms) / completions:.2f} ms per completion in statements (send to result, added up); "
                f"commit before issuance: median {ctx.median(commit_ms):.2f} ms")
        spent: dict[str, list[float]] = {}  # send-to-result times by statement text, the most repeated first
        for statement, ms in zip(statements, statement_ms, strict=True):
            spent.setdefault(" ".join(statement.split())[:150], []).append(ms)
        for statement, samples in sorted(spent.items(), key=lambda item: -len(item[1]))[:12]:
            ctx.log(f"  {len(samples) / completions:5.2f}x {ctx.median(samples):6.3f} ms (median) {statement}")
    if profiler is not None:
        import pstats

        path = ctx.workdir.parent / f"engine-{ctx.database}.prof"
        profiler.dump_stats(path)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        ctx.log(f"profile written to {path}")
    with app.app_context():
        db.engine.dispose()
    return times, issuing, steps, {"initial": first_initial, "start_ms": starts, "floor": floor_times}


class _Floor:
    """The same steps on bare SpiffWorkflow, in memory, with a full serializer round trip per completion."""

    def __init__(self, steps: list, initial: dict):
        from pathlib import Path

        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
        from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

        processes = Path(__file__).resolve().parents[2] / "processes"
        parser = SpiffBpmnParser()
        for name in ("sip_apoteker", "verifikasi_berkas", "rekomendasi_teknis", "persetujuan_penandatanganan"):
            parser.add_bpmn_file(str(processes / f"{name}.bpmn"))
        self.spec = parser.get_spec(SERVICE)
        self.subprocesses = parser.get_subprocess_specs(SERVICE)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.steps = steps
        self.initial = initial

    def start(self) -> dict:
        """A new bare case, started and serialized (not timed)."""
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        wf = BpmnWorkflow(self.spec, self.subprocesses)
        wf.get_next_task(state=TaskState.READY).set_data(**self.initial)
        wf.do_engine_steps()
        return {"state": self.serializer.serialize_json(wf), "done": False}

    def step(self, case: dict, index: int) -> float:
        """Complete step `index` of a bare case: restore, complete, run on, serialize; ms."""
        from SpiffWorkflow.util.task import TaskState

        bpmn_id, data = self.steps[index]
        t0 = time.perf_counter()
        wf = self.serializer.deserialize_json(case["state"])
        ready = [t for t in wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == bpmn_id]
        assert len(ready) == 1, (bpmn_id, [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.READY)])
        task = ready[0]
        task.set_data(**(data | {"documents": self.initial["documents"]} if bpmn_id == "perbaikan" else data))
        task.run()
        wf.do_engine_steps()
        case["state"] = self.serializer.serialize_json(wf)
        elapsed = (time.perf_counter() - t0) * 1000
        case["done"] = wf.completed
        return elapsed


def _round_trips(url: str, samples: int = 300, work_ms: float = 2.0) -> tuple[float, float]:
    """Median ms of `SELECT 1` on PostgreSQL: back to back, and each after `work_ms` of CPU work in this process."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            medians = []
            for pause in (0.0, work_ms / 1000):
                times = []
                for _ in range(samples):
                    until = time.perf_counter() + pause
                    while time.perf_counter() < until:  # application work, not a sleep
                        pass
                    t0 = time.perf_counter()
                    conn.execute(text("SELECT 1")).scalar()
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                medians.append(times[len(times) // 2])
    finally:
        engine.dispose()
    return medians[0], medians[1]


def run(ctx) -> list[dict]:
    """Service-layer ms per task completion vs the bare-engine floor."""
    cases = 4 if ctx.quick else 25
    profile = os.environ.get("BENCH_PROFILE", "")
    times, issuing, steps, info = _service_run(ctx, cases, profile, floor_per_case=4)
    floor = info["floor"]
    per_task = sum(times) / len(times)
    floor_per_task = sum(floor) / len(floor)
    others = [t for t in times if t not in issuing]
    ctx.log(f"{len(times)} completions: mean {per_task:.2f} ms (median {ctx.median(times):.2f}, issuing step "
            f"{sum(issuing) / len(issuing):.1f}, others {sum(others) / len(others):.2f}); "
            f"submit {ctx.median(info['start_ms']):.1f} ms; floor {floor_per_task:.3f} ms")
    if ctx.database == "postgresql":
        busy, idle = _round_trips(ctx.url)
        ctx.log(f"round trip (SELECT 1, median): {busy:.3f} ms back to back, {idle:.3f} ms after 2 ms of work")
    return [
        ctx.result("engine: bare SpiffWorkflow + serializer round trip, per task completion", floor_per_task,
                   unit="ms", baseline=floor_per_task, target_ratio=1.0),
        ctx.result("engine: service layer, persisted, per task completion (vs bare engine)", per_task,
                   unit="ms", baseline=floor_per_task, target_ratio=TARGET_RATIO),
        ctx.result("engine: service layer, steps before issuance, per completion (vs bare engine)",
                   sum(others) / len(others), unit="ms", baseline=floor_per_task, target_ratio=TARGET_RATIO),
    ]
