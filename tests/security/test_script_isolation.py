"""Model code cannot switch its time limit off nor build huge values in C: the operating system bounds it.

The pentest (issue 18, items 2 and 3): a script that catches the timeout ran unbounded afterwards (CPython drops
a trace function that raised); single C-level calls (`str.join`, `%`-formatting, format specs, `str.replace`,
`sum` of lists) built hundreds of MB or ran for seconds inside the web process, past the `* ** << +` guards; a
result nested by reference became a 51 MB response; an instruction template ran `7 ** 2777777` on every render.
Each attack must end as an incident of the engine (the case in `incident` through the service layer), while the
web process neither allocates the bomb nor stops answering.
"""
from __future__ import annotations

import resource
from xml.sax.saxutils import escape

import pytest

from app.engine import Engine, EngineIncident, isolation
from app.engine.runtime import WorkflowRun
from tests.engine import models
from tests.modeler.conftest import deploy, model_text, upload
from tests.support.api import ApiClient
from tests.support.flow import all_ok, submit_application, take_group_task

ENGINE = Engine(time_limit=0.5)
MB = 1024 * 1024

CAUGHT_TIMEOUT = (
    "try:\n"
    "    while True:\n"
    "        pass\n"
    "except Exception:\n"
    "    pass\n"
    "n = 0\n"
    "while n < 30000000:\n"  # seconds of work once the time limit is gone
    "    n += 1\n"
    "finished = True"
)
C_LEVEL_BOMBS = {
    "join": "x = ''.join(['a' * 100000] * 2000)",
    "percent_format": "x = '%0200000000d' % 0",
    "format_spec": "x = f'{0:>200000000}'",
    "replace": "s = 'a' * 100000\nx = s.replace('a', 'a' * 2000)",
    # Caught, as the in-process limit only fired once `sum` returned, seconds later.
    "sum_of_lists": "try:\n    x = sum([[0] * 1000] * 700, [])\n    done = True\nexcept Exception:\n    x = []",
    "nested_result": "b = [['a' * 1000] * 1000] * 50",
}


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _assert_still_serving() -> None:
    """The same engine runs an ordinary script afterwards, and no killed worker lingers."""
    model = models.parsed(models.script_after_wait("fee = 2 * 5000"), "attack")
    run = ENGINE.start(model, {})
    run.complete(run.human_tasks()[0].id, {})
    assert run.data()["fee"] == 10000
    assert len(isolation.pool().pids()) <= isolation.pool().size


def _incident_of(script: str) -> EngineIncident:
    model = models.parsed(models.script_after_wait(script), "attack")
    run = ENGINE.start(model, {})
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    return err.value


def test_a_caught_timeout_does_not_switch_the_time_limit_off():
    """`except Exception` around the first overrun must not leave the script running without a limit."""
    incident = _incident_of(CAUGHT_TIMEOUT)
    assert incident.element_id == "run_script" and "batas waktu" in incident.message
    _assert_still_serving()


def test_a_caught_timeout_on_a_reloaded_case_is_also_stopped():
    """The limit holds for a case loaded from its stored state (the scheduler's path)."""
    model = models.parsed(models.script_after_wait(CAUGHT_TIMEOUT), "attack")
    run = ENGINE.load(model, ENGINE.start(model, {}).serialize())
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    assert "batas waktu" in err.value.message


@pytest.mark.parametrize("name", sorted(C_LEVEL_BOMBS))
def test_a_c_level_size_bomb_is_an_incident_outside_the_web_process(name):
    """The value is refused (memory, CPU or result size) in a worker; the web process never holds it."""
    before = _peak_rss()
    incident = _incident_of(C_LEVEL_BOMBS[name])
    assert incident.element_id == "run_script"
    assert "ResourceLimit" in incident.message or "batas waktu" in incident.message
    assert _peak_rss() - before < 50 * MB
    _assert_still_serving()


def test_a_result_nested_by_reference_is_measured_deep():
    """51 MB of JSON built from one shared list is refused by its encoded size, not its top-level length."""
    incident = _incident_of("b = [['a' * 1000] * 1000] * 50")
    assert "ResourceLimit" in incident.message and "bita" in incident.message


def _gateway_after_wait(condition: str) -> str:
    """start -> user task `wait` -> exclusive gateway (`condition` to `end`, else `other`)."""
    return models._process("attack", f"""
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="wait" name="Tunggu"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:exclusiveGateway id="gw" default="f4"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
<bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:endEvent id="other"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="gw"/>
<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end">
<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="other"/>
""")


def test_an_expression_bomb_in_a_gateway_condition_is_an_incident():
    """Conditions are model code too: a C-level bomb there is bounded like a script."""
    run = ENGINE.start(models.parsed(_gateway_after_wait("len(''.join(['a' * 100000] * 3000)) > 0"), "attack"), {})
    before = _peak_rss()
    with pytest.raises(EngineIncident) as err:
        run.complete(run.human_tasks()[0].id, {})
    assert "ResourceLimit" in err.value.message or "batas waktu" in err.value.message
    assert _peak_rss() - before < 50 * MB


def test_a_plain_gateway_condition_still_decides():
    """The same gateway with an ordinary condition takes its branch (simple or through a worker)."""
    for condition, end in (("decision == 'ya'", "end"), ("len(decision) > 5", "other")):
        run = ENGINE.start(models.parsed(_gateway_after_wait(condition), "attack"), {})
        run.complete(run.human_tasks()[0].id, {"decision": "ya"})
        assert run.completed and end in run.log.reached_ends


@pytest.mark.parametrize("template", [
    "{{ (7 ** 2777777) > 1 }}",                 # seconds of CPU in one integer power
    "{{ 'a' * 3000000 }}",                      # output over the result budget
])
def test_an_instructions_bomb_is_shown_raw_instead_of_rendered(template):
    """Instructions are rendered in a worker with the same limits; one that breaks them is shown as written."""
    assert WorkflowRun._render_instructions(template, {}, limits=ENGINE.limits) == template
    assert WorkflowRun._render_instructions("Berkas {{ nomor }}", {"nomor": "A-1"}) == "Berkas A-1"


def test_an_instructions_bomb_in_a_user_task_leaves_the_task_listable():
    """The task list of a case whose user task carries such instructions still comes back, raw text shown."""
    template = "{{ (7 ** 2777778) > 1 }}"
    xml = models.script_after_wait("done = True").replace(
        '<bpmn:userTask id="wait" name="Tunggu">',
        '<bpmn:userTask id="wait" name="Tunggu"><bpmn:extensionElements>'
        f'<spiffworkflow:instructionsForEndUser>{escape(template)}</spiffworkflow:instructionsForEndUser>'
        '</bpmn:extensionElements>')
    run = ENGINE.start(models.parsed(xml, "attack"), {})
    task = run.human_tasks()[0]  # listing renders nothing: instructions are rendered when shown
    assert task.instructions_template == template
    assert run.instructions(task.id) == template


def test_a_size_bomb_puts_the_case_in_incident_through_the_service_layer(client):
    """A deployed model with a C-level bomb: the officer's completion answers 200 and the case is an incident."""
    analyst = ApiClient(client, "analis@demo.local")
    bomb = model_text("sip_apoteker.bpmn").replace(
        '<bpmn:script>agency = "dinkes"</bpmn:script>',
        "<bpmn:script>agency = \"dinkes\"\nx = ''.join(['a' * 100000] * 2000)</bpmn:script>")
    assert upload(analyst, "sip_apoteker", {"sip_apoteker.bpmn": bomb}, comment="bom").status_code == 201
    assert deploy(client, "sip_apoteker", 2).status_code == 200
    case = submit_application(ApiClient(client, "pemohon@demo.local"))
    loket = ApiClient(client, "loket@demo.local")
    task = take_group_task(loket, case["id"])
    before = _peak_rss()
    done = loket.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {
        "verification_outcome": "complete", "verification_note": "Lengkap.", "document_verdicts": all_ok()}})
    assert done.status_code == 200 and done.get_json()["case"]["status"] == "incident"
    assert _peak_rss() - before < 50 * MB
    assert client.get("/healthz").status_code == 200
