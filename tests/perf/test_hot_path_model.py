"""The hot-path benchmark's process (tests/perf/hot_path/) loads through the app's own model machinery as the
benchmark describes it, its step data is valid, and the benchmark's code runs one round of every kind."""
from __future__ import annotations

import statistics

import pytest

from app.engine import properties as P
from tests.perf import bench_hot_path as hot_path
from tests.perf.run import percentile


class _Ctx:
    """What the benchmark uses of the runner's BenchContext, on the test's app."""

    quick = True

    def __init__(self, app, workdir):
        self._app = app
        self.workdir = workdir
        self.database = "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
        self.lines: list[str] = []

    def create_app(self, **overrides):
        return self._app

    def log(self, message: str) -> None:
        self.lines.append(message)

    percentile = staticmethod(percentile)
    median = staticmethod(statistics.median)


@pytest.fixture
def bench(app, tmp_path):
    bench = hot_path.HotPath(_Ctx(app, tmp_path))
    yield bench
    bench.close()


def test_the_process_is_six_verifier_steps_of_ten_fields_and_one_gateway(bench):
    from app.catalog import service as catalog

    with bench.app.app_context():
        service = catalog.get(hot_path.SERVICE)
        assert not service.is_public  # never offered to applicants
        assert service.fee["kind"] == "free" and service.requirements == []
        _, model = catalog.active_model(service)
        tasks = model.user_tasks()
        assert sorted(t.bpmn_id for t in tasks) == list(hot_path.STEPS)
        assert {t.lane for t in tasks} == {"verifikator"}
        for index, task in enumerate(sorted(tasks, key=lambda t: t.bpmn_id)):
            schema = model.form(task.properties[P.FORM_SCHEMA])
            assert len(schema["properties"]) == 10
            assert set(hot_path.step_data(index)) == set(schema["properties"])
        elements = [e for p in model.processes.values() for e in p.elements.values()]
        assert [e.bpmn_id for e in elements if e.kind == "exclusiveGateway"] == ["gw_kelengkapan"]
        assert not [e for e in elements if e.kind in ("callActivity", "scriptTask", "serviceTask")]


def test_a_case_goes_through_its_six_steps_and_the_gateway_can_refuse(bench):
    approved, refused = bench.new_cases(2)
    for index, bpmn_id in enumerate(hot_path.STEPS):
        task_id, open_bpmn, _ = bench.open_task(approved["id"])
        assert open_bpmn == bpmn_id
        bench.service_complete(task_id, hot_path.step_data(index))
    assert bench.status(approved["id"]) == "approved"

    for index in range(2):
        task_id, _, _ = bench.open_task(refused["id"])
        bench.service_complete(task_id, hot_path.step_data(index))
    task_id, open_bpmn, _ = bench.open_task(refused["id"])
    assert open_bpmn == "langkah_3"
    refusal = hot_path.step_data(2) | {"l3_hasil": "tolak", "l3_catatan": "Berkas tidak lengkap."}
    bench.service_complete(task_id, refusal)
    assert bench.status(refused["id"]) == "rejected"


def test_one_round_of_every_kind_is_timed_and_counted(bench):
    samples, by_step = hot_path.measure(bench, 1)
    assert {kind: len(found) for kind, found in samples.items()} == {kind: 6 for kind in hot_path.KINDS}
    assert set(by_step["floor"]) == set(hot_path.STEPS)
    for kind in ("service complete", "HTTP complete", "HTTP claim"):
        assert bench.counting.commits[kind] == bench.counted[kind] == 6
        assert bench.counting.statements[kind] >= 6 * 3
    assert bench.counting.commits["HTTP list"] == 0 and bench.counting.statements["HTTP list"] >= 6
