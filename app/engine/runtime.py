"""The facade over SpiffWorkflow: start, load, run, complete, fire timers, deliver messages.

Everything outside `app.engine` talks to a `WorkflowRun` in the words of the domain
(human tasks, timers, outcomes); nothing else imports SpiffWorkflow.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from jinja2.sandbox import SandboxedEnvironment
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import clock_patch, internals, isolation, plain_data, sandbox, serialization
from . import properties as P
from .specs import ParsedModel

clock_patch.install()


class EngineIncident(Exception):
    """A script, condition or expression failed inside a process."""

    def __init__(self, message: str, element_id: str | None = None, process_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.element_id = element_id
        self.process_id = process_id


class TaskNotReady(Exception):
    """The task does not exist in this workflow or is not waiting for a person."""


class UnexpectedMessage(Exception):
    """Nothing in the workflow waits for this message."""


class UnreadableState(Exception):
    """A stored workflow state cannot be restored (corrupt, or data forged as a class tag)."""

    def __init__(self, message: str, forged: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.forged = forged or []


# ---------------------------------------------------------------------------
# Sandboxed script environment


class SandboxEnvironment(TaskDataEnvironment):
    """Evaluates and executes model code in the worker pool (`app.engine.isolation`) under OS limits.

    Expressions that `sandbox.is_simple_expression` accepts (comparisons of names and constants, as
    gateway conditions and DMN input entries mostly are) cost work linear in the data and run here.
    """

    def __init__(self, helpers: dict[str, Callable], time_limit: float, limits: isolation.Limits | None = None,
                 workers: int | None = None):
        super().__init__({})
        self.helpers = helpers
        self.time_limit = time_limit
        self.limits = limits or isolation.Limits(seconds=time_limit)
        self.workers = workers

    def evaluate(self, expression, context, external_context=None):
        code = sandbox.compile_restricted(expression, "eval")  # syntax and rule errors without a round trip
        if sandbox.is_simple_expression(expression):
            scope = sandbox.run_globals(self.helpers)
            scope.update(external_context or {})
            scope.update(context)
            return eval(code, scope)  # noqa: S307 - no calls, arithmetic or loops: bounded by the data
        return isolation.evaluate(expression, context, external_context or {}, helpers=self.helpers,
                                  limits=self.limits, workers=self.workers)

    def execute(self, script, context, external_context=None):
        sandbox.compile_restricted(script, "exec")
        clashes = set(sandbox.run_globals(self.helpers)).intersection(context) - {"__builtins__"}
        if clashes:
            raise ValueError(f"data proses menimpa fungsi bawaan: {sorted(clashes)}")
        data = isolation.execute(script, context, external_context or {}, helpers=self.helpers,
                                 limits=self.limits, workers=self.workers)
        context.clear()
        context.update(data)
        return True


class InProcessSandboxEnvironment(TaskDataEnvironment):
    """The former in-process sandbox (trace-function time budget): the baseline of `make bench` only.

    Not safe for model code: a caught timeout switches the trace function off and C-level calls
    bypass the size guards (tests/security/test_script_isolation.py).
    """

    def __init__(self, helpers: dict[str, Callable], time_limit: float):
        super().__init__({})
        self.helpers = helpers
        self.time_limit = time_limit

    def evaluate(self, expression, context, external_context=None):
        code = sandbox.compile_restricted(expression, "eval")
        scope = sandbox.run_globals(self.helpers)
        scope.update(external_context or {})
        scope.update(context)
        with sandbox.time_limit(self.time_limit):
            return eval(code, scope)  # noqa: S307 - checked by the sandbox AST allow-list

    def execute(self, script, context, external_context=None):
        code = sandbox.compile_restricted(script, "exec")
        scope = sandbox.run_globals(self.helpers)
        clashes = set(scope).intersection(context) - {"__builtins__"}
        if clashes:
            raise ValueError(f"data proses menimpa fungsi bawaan: {sorted(clashes)}")
        scope.update(external_context or {})
        injected = set(scope)
        context.update(scope)
        try:
            with sandbox.time_limit(self.time_limit):
                exec(code, context)  # noqa: S102 - checked by the sandbox AST allow-list
        finally:
            for key in list(context):
                if key in injected or callable(context[key]):
                    context.pop(key, None)
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """Script engine whose validation also applies the sandbox rules."""

    def validate(self, expression):
        sandbox.check(expression)

    def evaluate(self, task, expression, external_context=None):
        """As the library does, keeping the cause (a limit, a NameError) for the incident message."""
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as exc:
            if getattr(exc, "exception", None) is None and isinstance(exc.__context__, Exception):
                exc.exception = exc.__context__
            raise

    def get_error_line_number_and_content(self, script, err):
        """The failing line: reported by the worker (its traceback stays there), else found here."""
        line = getattr(err, "script_lineno", None)
        if not line:
            return super().get_error_line_number_and_content(script, err)
        lines = script.splitlines()
        return line, lines[line - 1] if 0 < line <= len(lines) else ""


def _timer_due(task) -> datetime | None:
    """When a waiting timer task fires: its stored moment (a date or a cycle's next one), None when unreadable."""
    return internals.timer_due(task)


# ---------------------------------------------------------------------------
# What the rest of the application sees


@dataclass
class HumanTask:
    """A task waiting for a person (officer or applicant)."""

    id: str
    bpmn_id: str
    process_id: str
    name: str
    lane: str | None
    properties: dict[str, str]
    instructions_template: str | None  # rendered only when shown: `WorkflowRun.instructions`
    data: dict[str, Any]


@dataclass
class PendingTimer:
    """A timer waiting to fire."""

    bpmn_id: str
    name: str
    due_at: datetime | None


@dataclass
class StepLog:
    """Engine-side happenings of one run, for the audit trail and notifications."""

    fired_timers: list[str] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    host_actions: list[dict[str, Any]] = field(default_factory=list)
    reached_ends: list[str] = field(default_factory=list)


# Instructions render to plain text (the page escapes it): an analyst's markup is never HTML.
_jinja = SandboxedEnvironment(autoescape=False)
MAX_INSTRUCTIONS_CHARS = 4000


@functools.lru_cache(maxsize=512)
def _instructions_template(template: str):
    """Compiled instructions, in process: the baseline of `make bench` only (renders run in the worker pool)."""
    return _jinja.from_string(template)


# Instructions whose rendering broke the worker's time or size limit (per process, bounded).
_overrunning_templates: set[str] = set()


class Engine:
    """Configured once per application: the sandbox helpers and time budget."""

    def __init__(self, helpers: dict[str, Callable] | None = None, time_limit: float = 1.0, *,
                 max_result_bytes: int = 1_000_000, memory_mb: int = 256, workers: int | None = None):
        self.helpers = dict(helpers or {})
        self.time_limit = time_limit
        self.limits = isolation.Limits(seconds=time_limit, max_result_bytes=max_result_bytes, memory_mb=memory_mb)
        self.workers = workers

    def script_engine(self) -> PythonScriptEngine:
        """A fresh sandboxed script engine."""
        return SandboxScriptEngine(environment=SandboxEnvironment(self.helpers, self.time_limit, self.limits,
                                                                  self.workers))

    def create(self, model: ParsedModel, data: dict[str, Any]) -> WorkflowRun:
        """Create a workflow with initial data, not yet run."""
        wf = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=self.script_engine())
        start = wf.get_next_task(state=TaskState.READY)
        start.set_data(**copy.deepcopy(data))
        return WorkflowRun(self, model, wf)

    def start(self, model: ParsedModel, data: dict[str, Any]) -> WorkflowRun:
        """Create a workflow with initial data and run it until it waits."""
        run = self.create(model, data)
        run.run()
        return run

    def load(self, model: ParsedModel, state: str) -> WorkflowRun:
        """Restore a workflow from its stored state, with our sandbox re-attached; `UnreadableState` if it cannot."""
        try:
            wf = serialization.loads(state, model.spec, model.subprocess_specs)
        except plain_data.ForgedValue as exc:
            raise UnreadableState(f"Status alur kerja tersimpan memuat {exc}", forged=[exc.path]) from exc
        except serialization.UnknownStateFormat as exc:
            raise UnreadableState(f"Status alur kerja tersimpan tidak dapat dibaca: {exc.message}") from exc
        except Exception as exc:  # noqa: BLE001 - any corrupt state is an incident, never a crash
            raise UnreadableState(f"Status alur kerja tersimpan tidak dapat dibaca: "
                                  f"{exc.__class__.__name__}: {exc}") from exc
        # The library restores a default engine with full builtins: never keep it.
        wf.script_engine = self.script_engine()
        return WorkflowRun(self, model, wf)

    def repair(self, model: ParsedModel, state: str) -> tuple[WorkflowRun, list[str]]:
        """Restore a state whose data holds forged class tags, keeping them as plain data; and where they were."""
        with plain_data.neutralising() as neutralised:
            run = self.load(model, state)
        return run, neutralised


class WorkflowRun:
    """One case's workflow, loaded for one state change."""

    def __init__(self, engine: Engine, model: ParsedModel, wf: BpmnWorkflow):
        self.engine = engine
        self.model = model
        self.wf = wf
        self.log = StepLog()

    # -- running -------------------------------------------------------------

    def _element(self, task) -> Any:
        return self.model.element(task.workflow.spec.name, task.task_spec.bpmn_id)

    def _did_complete(self, task) -> None:
        element = self._element(task)
        if element is None:
            return
        if element.kind == "endEvent" and task.workflow is self.wf:
            self.log.reached_ends.append(element.bpmn_id)
        if element.properties.get(P.NOTIFY):
            self.log.notifications.append({"template": element.properties[P.NOTIFY],
                                           "element_id": element.bpmn_id})
        if element.properties.get(P.HOST_ACTION):
            self.log.host_actions.append({"action": element.properties[P.HOST_ACTION],
                                          "element_id": element.bpmn_id, "properties": dict(element.properties),
                                          "data": copy.deepcopy(task.data)})
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            self.log.fired_timers.append(element.bpmn_id)  # a timer catch or boundary event that fired

    def run(self) -> None:
        """Run engine steps until only people, timers or messages are awaited."""
        try:
            self.wf.do_engine_steps(did_complete_task=self._did_complete)
        except Exception as exc:  # noqa: BLE001 - every model error becomes an incident
            raise self._incident(exc) from exc

    def _incident(self, exc: Exception) -> EngineIncident:
        task = getattr(exc, "task", None)
        errored = task or next(iter(self.wf.get_tasks(state=TaskState.ERROR)), None)
        element_id = errored.task_spec.bpmn_id if errored is not None else None
        process_id = errored.workflow.spec.name if errored is not None else None
        message = str(getattr(exc, "error_msg", None) or exc) or exc.__class__.__name__
        inner = getattr(exc, "exception", None)
        if inner is not None and str(inner) and str(inner) not in message:
            message = f"{message}: {inner.__class__.__name__}: {inner}"
        return EngineIncident(message, element_id, process_id)

    def retry(self) -> None:
        """Re-run the element that failed (after its cause is fixed), then continue."""
        for task in self.wf.get_tasks(state=TaskState.ERROR):
            internals.force_task_state(task, TaskState.READY)
        self.run()

    def errored_elements(self) -> list[str]:
        """Ids of elements in error."""
        return [t.task_spec.bpmn_id for t in self.wf.get_tasks(state=TaskState.ERROR)]

    # -- people ----------------------------------------------------------------

    def human_tasks(self) -> list[HumanTask]:
        """Ready tasks that wait for a person."""
        tasks = []
        for task in self.wf.get_tasks(state=TaskState.READY, manual=True):
            element = self._element(task)
            props = dict(element.properties) if element else {}
            tasks.append(HumanTask(
                id=str(task.id), bpmn_id=task.task_spec.bpmn_id, process_id=task.workflow.spec.name,
                name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                lane=task.task_spec.lane, properties=props,
                instructions_template=element.instructions if element else None,
                data=task.data,
            ))
        return tasks

    def instructions(self, task_id: str, *, moment_text: Callable[[datetime], str] | None = None,
                     translate: Callable[[str], str] | None = None) -> str | None:
        """A ready task's instructions (`instructionsForEndUser`) rendered with its data, for showing it.

        Besides the task data the template sees `deadline`: the moment of the earliest timer on the task's
        boundary (e.g. the revision's 14 days), written by `moment_text` (ISO 8601 without it), when it has
        one. `translate` turns the template into the reader's language before it is rendered (the model's
        translation keeps the same `{{ }}` expressions). Rendered in the worker pool under the model limits,
        cut at MAX_INSTRUCTIONS_CHARS; raw text when rendering fails.
        """
        try:
            task = self.wf.get_task_from_id(UUID(task_id))
        except Exception:  # noqa: BLE001 - an unknown or finished task has nothing to show
            return None
        if task is None or task.state != TaskState.READY:
            return None
        element = self._element(task)
        template = element.instructions if element else None
        if not template:
            return None
        if translate is not None:
            template = translate(template) or template
        data = dict(task.data)
        deadline = self._boundary_deadline(task)
        if deadline is not None:
            data["deadline"] = moment_text(deadline) if moment_text else deadline.isoformat()
        text = self._render_instructions(template, data, limits=self.engine.limits)
        if text is not None and len(text) > MAX_INSTRUCTIONS_CHARS:
            text = text[:MAX_INSTRUCTIONS_CHARS].rstrip() + "…"
        return text

    @staticmethod
    def _boundary_deadline(task) -> datetime | None:
        """The earliest due moment of the interrupting timers waiting on the task's boundary, if any.

        A non-interrupting timer (a reminder) is not a deadline: the task goes on after it.
        """
        moments = []
        for sibling in task.parent.children if task.parent is not None else []:
            definition = getattr(sibling.task_spec, "event_definition", None)
            if sibling is task or sibling.state != TaskState.WAITING:
                continue
            interrupting = getattr(sibling.task_spec, "cancel_activity", False)
            if not isinstance(definition, TimerEventDefinition) or not interrupting:
                continue
            due = _timer_due(sibling)
            if due is not None:
                moments.append(due)
        return min(moments) if moments else None

    @staticmethod
    def _render_instructions(template: str | None, data: dict, *, limits: isolation.Limits | None = None) -> str | None:
        """An element's instructions rendered in the worker pool (time and size limited); raw when that fails."""
        if not template:
            return None
        if template in _overrunning_templates:
            return template
        try:
            return isolation.render(template, {k: v for k, v in data.items() if not k.startswith("_")},
                                    limits=limits or isolation.Limits())
        except (sandbox.ScriptTimeout, sandbox.ResourceLimit):
            # Advisory text that broke a limit is shown raw from now on, without another worker's worth of time.
            if len(_overrunning_templates) < 256:
                _overrunning_templates.add(template)
            return template
        except Exception:  # noqa: BLE001 - instructions are advisory; show them raw
            return template

    def complete(self, task_id: str, data: dict[str, Any]) -> None:
        """Complete a ready human task with (already validated) form data and run on."""
        try:
            task = self.wf.get_task_from_id(UUID(task_id))
        except Exception as exc:  # noqa: BLE001
            raise TaskNotReady(task_id) from exc
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        task.set_data(**copy.deepcopy(data))
        try:
            task.run()
        except Exception as exc:  # noqa: BLE001 - postScript errors
            raise self._incident(exc) from exc
        self.run()

    def task_data(self, task_id: str) -> dict[str, Any]:
        """The data a task sees (for prefilling its form)."""
        task = self.wf.get_task_from_id(UUID(task_id))
        return task.data if task is not None else {}

    # -- events ------------------------------------------------------------------

    def fire_due_timers(self) -> None:
        """Fire timers whose moment has passed (per the application clock) and run on."""
        self.wf.refresh_timers()
        self.run()

    def pending_timers(self) -> list[PendingTimer]:
        """Timers waiting to fire, with their due moment."""
        timers = []
        for task in self.wf.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, TimerEventDefinition):
                continue
            timers.append(PendingTimer(task.task_spec.bpmn_id, task.task_spec.bpmn_name or "", _timer_due(task)))
        return timers

    def next_timer_at(self) -> datetime | None:
        """The earliest pending timer moment."""
        moments = [t.due_at for t in self.pending_timers() if t.due_at is not None]
        return min(moments) if moments else None

    def waiting_messages(self) -> list[str]:
        """Names of messages the workflow waits for."""
        return sorted({e.name for e in self.wf.waiting_events() if e.event_type == "MessageEventDefinition"})

    def deliver_message(self, name: str, payload: dict[str, Any]) -> None:
        """Deliver a named message (e.g. payment_received) with its payload and run on."""
        event = BpmnEvent(MessageEventDefinition(name), payload=payload)
        try:
            self.wf.send_event(event)
        except Exception as exc:  # noqa: BLE001
            if internals.is_unexpected_message(exc):
                raise UnexpectedMessage(name) from exc
            raise self._incident(exc) from exc
        self.run()

    def waiting_elements(self) -> list[Any]:
        """Element infos of catch events the workflow waits on (timers and messages)."""
        found = []
        for task in self.wf.get_tasks(state=TaskState.WAITING):
            element = self._element(task)
            if element is not None:
                found.append(element)
        return found

    # -- outcome -----------------------------------------------------------------

    @property
    def completed(self) -> bool:
        return bool(self.wf.completed)

    def outcome(self) -> str | None:
        """The caseStatus of the end event that finished the main process, if finished."""
        if not self.wf.completed:
            return None
        statuses = []
        for task in self.wf.get_tasks(state=TaskState.COMPLETED):
            if task.workflow is not self.wf:
                continue
            element = self._element(task)
            if element is not None and element.kind == "endEvent" and element.properties.get(P.CASE_STATUS):
                statuses.append((task.last_state_change or 0, element.properties[P.CASE_STATUS]))
        return max(statuses)[1] if statuses else None

    def data(self) -> dict[str, Any]:
        """The process data as of now (last completed task of the main process)."""
        if self.wf.completed:
            return dict(self.wf.data) or dict(self.wf.last_task.data if self.wf.last_task else {})
        tasks = self.wf.get_tasks(state=TaskState.READY) or self.wf.get_tasks(state=TaskState.WAITING)
        return dict(tasks[0].data) if tasks else {}

    # -- persistence ---------------------------------------------------------------

    def serialize(self) -> str:
        """The workflow state as JSON (specs excluded; the case names its version)."""
        return serialization.dumps(self.wf)
