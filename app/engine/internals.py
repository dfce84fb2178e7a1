"""Every use of a SpiffWorkflow 3.2 internal (a private attribute, a module global, an error text) in one place.

The rest of `app.engine` calls only these functions for what the library offers no public call for. Each says
what it relies on; `tests/engine/test_internals.py` proves, one test per function, that the library still
behaves so. After a SpiffWorkflow upgrade a failure there names the one function to adapt.
"""
from __future__ import annotations

import json
from datetime import datetime

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException

NOT_WAITING_TEXT = "is not waiting for"


def force_task_state(task, state: int) -> None:
    """Set a task's state without running any of its hooks (an ERROR task back to READY, to retry it).

    Relies on `Task._set_state(value)`, which only records the state and `last_state_change`. The public
    `Task.state` setter refuses a change to a lower state value, and READY is lower than ERROR.
    """
    task._set_state(state)


def timer_due(task) -> datetime | None:
    """When a waiting timer task fires: its stored moment (a date, a duration's end, a cycle's next), or None.

    Relies on the timer event definitions (`SpiffWorkflow.bpmn.specs.event_definitions.timer`) keeping that
    moment in the task's internal data under `event_value`, read by `Task._get_internal_data`: an ISO 8601
    string for `TimeDateEventDefinition` and `DurationTimerEventDefinition`, a dict whose `next` is an ISO
    string for `CycleTimerEventDefinition`. None until the timer was first evaluated, or when unreadable.
    """
    value = task._get_internal_data("event_value")
    try:
        if isinstance(value, str):
            return TimerEventDefinition.get_datetime(value)
        if isinstance(value, dict) and value.get("next"):
            return datetime.fromisoformat(value["next"])
    except ValueError:
        return None
    return None


def encoder_mode_json(serializer, workflow, **extra) -> str:
    """A workflow as compact JSON the way `BpmnWorkflowSerializer.serialize_json` makes it, plus `extra` keys.

    Relies on two attributes `serialize_json` itself uses: the registry's `_encoder_mode` flag (while set,
    `DefaultRegistry.convert` converts only the object it is given and leaves nested ones to the JSON encoder,
    one pass instead of two) and the serializer's `_encoder_cls` (the JSON encoder made by `create_encoder` for
    that registry). The flag lives on the registry: a serializer must never be shared between threads
    (`app.engine.serialization.new_serializer` makes one per call).
    """
    registry = serializer.registry
    registry._encoder_mode = True
    try:
        dct = serializer.to_dict(workflow)
        dct.update(extra)
        return json.dumps(dct, separators=(",", ":"), cls=serializer._encoder_cls)
    finally:
        registry._encoder_mode = False


def is_unexpected_message(exc: BaseException) -> bool:
    """Whether `BpmnWorkflow.send_event` refused an event because nothing waits for it.

    Relies on the library's error text: `send_event` raises a plain `WorkflowException("This process is not
    waiting for <name>")` when no catching event matched (3.2 has no dedicated exception class). Errors raised
    while a catching task runs are `WorkflowTaskException`s and never count.
    """
    return (isinstance(exc, WorkflowException) and not isinstance(exc, WorkflowTaskException)
            and NOT_WAITING_TEXT in str(exc))


def use_timer_clock(datetime_class: type[datetime]) -> None:
    """Make the library's timer events ask `datetime_class.now` for the current moment (idempotent).

    Relies on `SpiffWorkflow.bpmn.specs.event_definitions.timer` importing `datetime` as a module global and
    calling `datetime.now(timezone.utc)` through it whenever a timer is evaluated or checked; replacing that
    global with a subclass changes the clock of every timer and nothing else.
    """
    if timer_module.datetime is not datetime_class:
        timer_module.datetime = datetime_class


def timer_clock() -> type[datetime]:
    """The `datetime` class the library's timer module currently reads the time from (see `use_timer_clock`)."""
    return timer_module.datetime
