"""Scripts inside models cannot reach the server: escapes end as incidents, fresh or reloaded."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.engine import Engine, EngineIncident, sandbox
from tests.engine import models

ENGINE = Engine(time_limit=0.5)

ESCAPES = {
    "import_builtin": "__import__('os').system('touch /tmp/satupintu-pwned')",
    "import_statement": "import os\nos.system('touch /tmp/satupintu-pwned')",
    "subclasses": "x = ().__class__.__base__.__subclasses__()",
    "open_file": "x = open('/etc/passwd').read()",
    "eval": "x = eval('1+1')",
    "exec": "exec('y = 1')",
    "builtins_lookup": "x = __builtins__",
    "generator_frame": "g = (i for i in [1])\nx = g.gi_frame.f_globals",
    "format_string": "x = '{0.__class__}'.format(1)",
    "getattr": "x = getattr(1, '__class__')",
    "type_escape": "x = type(1)",
    "globals": "x = globals()",
}


@pytest.fixture(autouse=True)
def no_marker_file():
    Path("/tmp/satupintu-pwned").unlink(missing_ok=True)
    yield
    assert not Path("/tmp/satupintu-pwned").exists(), "a model script ran a shell command"


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_on_a_fresh_case_is_an_incident(name):
    model = models.parsed(models.script_after_wait(ESCAPES[name], pid="attack"), "attack")
    run = ENGINE.start(model, {})
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    assert err.value.element_id == "run_script"


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_on_a_reloaded_case_is_an_incident(name):
    """The library restores a default engine on load; ours must be attached again."""
    model = models.parsed(models.script_after_wait(ESCAPES[name], pid="attack"), "attack")
    state = ENGINE.start(model, {}).serialize()
    run = ENGINE.load(model, state)
    with pytest.raises(EngineIncident):
        run.complete(run.human_tasks()[0].id, {})


@pytest.mark.parametrize("script", [
    "while True:\n    pass",
    "x = 0\nwhile True:\n    x = x + 1",
])
def test_infinite_loop_is_stopped_by_the_time_budget(script):
    model = models.parsed(models.script_after_wait(script, pid="attack"), "attack")
    run = ENGINE.load(model, ENGINE.start(model, {}).serialize())
    started = time.monotonic()
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    assert time.monotonic() - started < 5
    assert "batas waktu" in err.value.message


@pytest.mark.parametrize("script", [
    "x = 'a' * (10 ** 9)",
    "x = [0] * 10 ** 9",
    "x = 10 ** 10 ** 10",
    "x = [1]\nfor i in range(40):\n    x += x",
    "x = sum(range(10 ** 12))",
])
def test_resource_exhaustion_is_refused(script):
    model = models.parsed(models.script_after_wait(script, pid="attack"), "attack")
    run = ENGINE.start(model, {})
    with pytest.raises(EngineIncident):
        run.complete(run.human_tasks()[0].id, {})


def test_plain_data_scripts_still_work():
    script = ("fee = 2 * 5000\nitems = sorted([3, 1, 2])\nlabel = 'Rp ' + str(fee)\n"
              "total = sum(i for i in items)\nbig = max(items) ** 2")
    model = models.parsed(models.script_after_wait(script, pid="attack"), "attack")
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, {})
    data = run.data()
    assert (data["fee"], data["items"], data["label"], data["total"], data["big"]) == (10000, [1, 2, 3],
                                                                                      "Rp 10000", 6, 9)


def test_checker_rejects_dunder_attribute_in_a_condition():
    with pytest.raises(sandbox.SandboxViolation):
        sandbox.check("x.__class__ == 1", "eval")


# -- scripts run in worker processes (app/engine/isolation.py): the same semantics as in process --------------


@pytest.mark.parametrize(("expression", "simple"), [
    ('verification_outcome == "complete"', True),
    ('approval_decision == "approve" and signing_decision == "sign"', True),
    ('application["kategori_praktik"] == "internsip"', True),
    ("dmninputexpr <= 8", True),
    ("not (a in ('x', 'y')) if flag else -n < 0", True),
    ("fee_amount * 2 > 0", False),      # arithmetic can be costly: a worker evaluates it
    ("len(items) > 0", False),          # a call
    ("text[0:10] == 'a'", False),       # a slice copies
    ("x.__class__", False),             # refused by the rules, never evaluated here
])
def test_only_call_free_comparisons_are_evaluated_in_process(expression, simple):
    assert sandbox.is_simple_expression(expression) is simple


def test_helpers_are_called_back_in_the_application_with_its_clock():
    """A worker has no database nor the frozen clock: helpers run here, and their errors stay catchable."""
    from datetime import UTC, datetime

    from app.common import clock

    def fail():
        raise ValueError("tanggal tidak valid")

    engine = Engine(time_limit=0.5, helpers={"now": lambda: clock.iso(clock.now()), "double": lambda n: 2 * n,
                                             "fail": fail})
    script = ("stamp = now()\nfour = double(2)\ntry:\n    fail()\nexcept ValueError as exc:\n"
              "    caught = str(exc)")
    model = models.parsed(models.script_after_wait(script, pid="attack"), "attack")
    run = engine.start(model, {})
    with clock.frozen_at(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)):
        run.complete(run.human_tasks()[0].id, {})
    data = run.data()
    assert (data["stamp"], data["four"], data["caught"]) == ("2030-01-02T10:04:05+07:00", 4, "tanggal tidak valid")


def test_a_script_error_keeps_its_kind_message_and_line():
    model = models.parsed(models.script_after_wait("a = 1\nb = {}\nc = b['missing']", pid="attack"), "attack")
    run = ENGINE.start(model, {})
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    assert "KeyError" in err.value.message and "missing" in err.value.message
    assert (err.value.__cause__.line_number, err.value.__cause__.error_line) == (3, "c = b['missing']")


def test_a_failed_script_leaves_the_task_data_as_it_was():
    """The worker's partial changes never come back: a retry starts from the data before the script."""
    model = models.parsed(models.script_after_wait("counter = counter + 1\nboom = missing", pid="attack"), "attack")
    run = ENGINE.start(model, {"counter": 1})
    with pytest.raises(EngineIncident):
        run.complete(run.human_tasks()[0].id, {})
    assert run.data().get("counter", 1) == 1


def test_one_pool_per_process_serves_every_engine():
    """Engines (one per app under pytest) share the process's warm workers; none is started per call."""
    from app.engine import isolation

    model = models.parsed(models.script_after_wait("x = len([1, 2])", pid="attack"), "attack")
    for _ in range(3):
        run = Engine(time_limit=0.5).start(model, {})
        run.complete(run.human_tasks()[0].id, {})
    started = isolation.pool().stats["started"]
    for _ in range(5):
        run = Engine(time_limit=0.5).start(model, {})
        run.complete(run.human_tasks()[0].id, {})
        assert run.data()["x"] == 2
    assert isolation.pool().stats["started"] == started
    assert len(isolation.pool().pids()) <= isolation.pool().size


def test_threads_share_the_pool_without_mixing_their_data():
    """Gunicorn threads call the pool at once: each gets its own worker in turn and its own results."""
    from concurrent.futures import ThreadPoolExecutor

    from app.engine import isolation

    model = models.parsed(models.script_after_wait("doubled = [n * 2 for n in numbers]", pid="attack"), "attack")

    def one(i: int) -> list[int]:
        run = ENGINE.start(model, {"numbers": list(range(i, i + 50))})
        run.complete(run.human_tasks()[0].id, {})
        return run.data()["doubled"]

    with ThreadPoolExecutor(max_workers=6) as threads:
        results = list(threads.map(one, range(24)))
    assert results == [[2 * n for n in range(i, i + 50)] for i in range(24)]
    assert len(isolation.pool().pids()) <= isolation.pool().size


def test_a_forked_child_uses_its_own_pool_and_leaves_the_parents_alone():
    """After a fork (gunicorn preload, the scheduler) the inherited workers belong to the parent."""
    import os

    from app.engine import isolation

    limits = isolation.Limits(seconds=2)
    isolation.evaluate("len([1])", {}, {}, helpers={}, limits=limits)
    parent_pids = isolation.pool().pids()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            value = isolation.evaluate("len([1, 2, 3])", {}, {}, helpers={}, limits=limits)
            code = 0 if value == 3 and not set(isolation.pool().pids()) & set(parent_pids) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert isolation.pool().pids() == parent_pids
    assert isolation.evaluate("len([1, 2])", {}, {}, helpers={}, limits=limits) == 2
