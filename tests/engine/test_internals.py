"""The SpiffWorkflow internals `app.engine.internals` relies on still behave as it says: one test per function.

A failure here after a library upgrade names the one function of `app/engine/internals.py` to adapt; the rest of
the engine never touches the library's private attributes, module globals or error texts.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.common import clock
from app.engine import Engine, EngineIncident, clock_patch, internals, serialization
from tests.engine import models

ENGINE = Engine(time_limit=0.5)
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB, a Monday


def _waiting_timer(xml: str):
    """A run of `models.timer_then_task`-shaped XML whose timer waits, started and completed at START."""
    with clock.frozen_at(START):
        run = ENGINE.start(models.parsed(xml, "timed"), {})
        run.complete(run.human_tasks()[0].id, {})
    [task] = [t for t in run.wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "timer"]
    return task


def test_force_task_state_puts_an_errored_task_back_to_ready_without_running_it():
    """`Task._set_state`: the public setter refuses ERROR → READY; the private one only records the state."""
    run = ENGINE.start(models.parsed(models.script_after_wait("total = fee * 2"), "attack"), {})
    with pytest.raises(EngineIncident):
        run.complete(run.human_tasks()[0].id, {})
    [task] = run.wf.get_tasks(state=TaskState.ERROR)
    with pytest.raises(WorkflowException):
        task.state = TaskState.READY  # why the private call is needed
    before, data, children = task.last_state_change, dict(task.data), list(task.children)

    internals.force_task_state(task, TaskState.READY)

    assert task.state == TaskState.READY and task.last_state_change >= before
    assert task.data == data and task.children == children  # no hook ran
    task.data["fee"] = 5
    run.run()
    assert run.completed and run.data()["total"] == 10


@pytest.mark.parametrize(("tag", "expression", "due"), [
    ("timeDuration", '"PT1H"', START + timedelta(hours=1)),
    ("timeDate", '"2026-12-01T09:00:00+07:00"', datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
    ("timeCycle", '"R2/PT1H"', START + timedelta(hours=1)),
])
def test_timer_due_reads_the_moment_each_kind_of_timer_keeps_in_its_internal_data(tag, expression, due):
    """`Task._get_internal_data('event_value')`: an ISO string for dates and durations, a dict with `next` for cycles."""
    task = _waiting_timer(models.timer_then_task(expression).replace("timeDuration", tag))
    stored = task.internal_data["event_value"]
    assert isinstance(stored, dict) if tag == "timeCycle" else isinstance(stored, str)
    assert internals.timer_due(task) == due


def test_encoder_mode_json_writes_what_serialize_json_writes_and_leaves_the_mode_off():
    """`registry._encoder_mode` and `serializer._encoder_cls`, used as `BpmnWorkflowSerializer.serialize_json` does."""
    serializer = serialization.new_serializer()
    registry = serializer.registry
    assert registry._encoder_mode is False  # the attribute exists: setting it is not a silent no-op
    marker = datetime(2026, 1, 1, tzinfo=UTC)
    assert registry.convert([marker]) == [{"value": marker.isoformat(), "typename": "datetime"}]
    registry._encoder_mode = True
    try:
        assert registry.convert([marker])[0] is marker  # nested values are left to the JSON encoder
    finally:
        registry._encoder_mode = False

    with clock.frozen_at(START):
        run = ENGINE.start(models.parsed(models.message_wait(), "paid"), {"application": {"when": "now"}})
        run.complete(run.human_tasks()[0].id, {"note": "x"})
    ours = json.loads(internals.encoder_mode_json(serializer, run.wf, extra_key="x"))
    library = json.loads(serializer.serialize_json(run.wf))
    assert library.pop(serializer.VERSION_KEY) == serialization.LIBRARY_FORMAT
    assert ours.pop("extra_key") == "x"
    assert ours == library
    assert registry._encoder_mode is False
    assert ENGINE.load(run.model, run.serialize()).waiting_messages() == ["payment_received"]


def test_is_unexpected_message_matches_the_refusal_of_send_event_only():
    """`BpmnWorkflow.send_event` raises a plain WorkflowException 'This process is not waiting for <name>'."""
    run = ENGINE.start(models.parsed(models.message_wait(), "paid"), {})  # still at the user task
    with pytest.raises(WorkflowException) as refused:
        run.wf.send_event(BpmnEvent(MessageEventDefinition("payment_received"), payload={}))
    assert type(refused.value) is WorkflowException
    assert internals.NOT_WAITING_TEXT in str(refused.value)
    assert internals.is_unexpected_message(refused.value)
    assert not internals.is_unexpected_message(WorkflowTaskException(str(refused.value), task=run.wf.task_tree))
    assert not internals.is_unexpected_message(ValueError(str(refused.value)))


class _FixedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2030, 6, 1, 0, 0, tzinfo=UTC).astimezone(tz)


def test_use_timer_clock_makes_timers_read_the_given_datetime_class():
    """The timer module calls `datetime.now(timezone.utc)` through its module global `datetime`."""
    assert internals.timer_clock() is clock_patch.EngineDatetime  # installed on import of the runtime
    assert issubclass(internals.timer_clock(), datetime)
    internals.use_timer_clock(_FixedDatetime)
    try:
        task = _waiting_timer(models.timer_then_task('"PT2H"'))
        assert internals.timer_due(task) == datetime(2030, 6, 1, 2, 0, tzinfo=UTC)  # the fixed now, not START
    finally:
        clock_patch.install()
    assert internals.timer_clock() is clock_patch.EngineDatetime
    assert internals.timer_due(_waiting_timer(models.timer_then_task('"PT2H"'))) == START + timedelta(hours=2)


def test_no_other_engine_module_reaches_into_the_library_private_attributes():
    """Outside internals.py, every `x._name` in app/engine names something app/engine itself defines."""
    import ast
    from pathlib import Path

    folder = Path(internals.__file__).parent
    trees = {path.name: ast.parse(path.read_text("utf-8")) for path in folder.glob("*.py") if path.name != "internals.py"}
    ours = {"_exit", "_Element"}  # os._exit, lxml's etree._Element: not SpiffWorkflow
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                ours.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Attribute) and getattr(target.value, "id", None) in ("self", "cls"):
                        ours.add(target.attr)  # an attribute of one of our classes
                    elif isinstance(target, ast.Name):
                        ours.add(target.id)
    reached = sorted({f"{name}:{node.lineno} .{node.attr}" for name, tree in trees.items() for node in ast.walk(tree)
                      if isinstance(node, ast.Attribute) and node.attr.startswith("_")
                      and not node.attr.startswith("__") and node.attr not in ours})
    assert reached == [], "wrap these in app/engine/internals.py"
