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
