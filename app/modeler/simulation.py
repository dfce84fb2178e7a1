"""Test runs: a model version run in memory with sample data, never touching real cases.

A *scenario* (JSON, stored as a model test or under processes/tests/<service>/) says:

    {"name": "...", "application": {...},            # omitted: the form's examples
     "tasks": {"verifikasi": [{...}, {...}], ...},   # data per user task id, used in order
     "messages": [{"name": "payment_received", "payload": {...}}],
     "timers": ["timer_batas_perbaikan"],            # fired in order, by moving the clock
     "expect": {"outcome": "issued", "visited": [...], "not_visited": [...]}}

The run completes every ready user task that has data left, delivers the next message when
one is awaited, else fires the next listed timer, until the process ends or nothing more can
be done. The result lists the steps, the elements visited (the path) and the outcome, and
whether the expectations held. Messages (malformed scenario, failed expectations) are written in the
language of the analyst whose request runs the test (Indonesian from the CLI).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app.catalog import service as catalog
from app.common import clock
from app.engine import EngineIncident, ParsedModel, TaskNotReady, UnexpectedMessage, WorkflowRun
from app.engine import properties as P
from app.engine.trace import visited
from app.jsonforms.validation import validate

MAX_STEPS = 200


class ScenarioError(ValueError):
    """A scenario document is malformed."""


@dataclass
class RunResult:
    """What a test run did."""

    status: str = "running"  # finished | waiting | incident | invalid_data
    outcome: str | None = None
    steps: list[dict] = field(default_factory=list)
    path: list[dict] = field(default_factory=list)
    waiting: list[dict] = field(default_factory=list)
    timers: list[dict] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)
    host_actions: list[str] = field(default_factory=list)
    incident: dict | None = None
    failures: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        """JSON-ready result."""
        return {"status": self.status, "outcome": self.outcome, "passed": self.passed, "failures": self.failures,
                "steps": self.steps, "path": self.path, "waiting": self.waiting, "timers": self.timers,
                "notifications": self.notifications, "host_actions": self.host_actions, "incident": self.incident,
                "data": self.data}


def sample_from_schema(schema: dict | None) -> dict:
    """A value for each property from its examples, first choice or default."""
    data: dict[str, Any] = {}
    for key, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if prop.get("examples"):
            data[key] = copy.deepcopy(prop["examples"][0])
        elif "default" in prop:
            data[key] = copy.deepcopy(prop["default"])
        elif isinstance(prop.get("oneOf"), list) and prop["oneOf"] and "const" in prop["oneOf"][0]:
            data[key] = prop["oneOf"][0]["const"]
        elif prop.get("enum"):
            data[key] = prop["enum"][0]
    return data


def check_scenario(scenario: Any) -> dict:
    """The scenario with defaults, or ScenarioError naming what is wrong."""
    if not isinstance(scenario, dict):
        raise ScenarioError(_("skenario harus berupa objek JSON"))
    tasks = scenario.get("tasks", {})
    if not isinstance(tasks, dict) or not all(isinstance(v, dict | list) for v in tasks.values()):
        raise ScenarioError(_("'tasks' harus objek: id tugas → data (objek) atau daftar data"))
    for items in tasks.values():
        if isinstance(items, list) and not all(isinstance(i, dict) for i in items):
            raise ScenarioError(_("setiap data tugas harus berupa objek"))
    if not isinstance(scenario.get("timers", []), list):
        raise ScenarioError(_("'timers' harus daftar id timer"))
    messages = scenario.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(m, dict) and m.get("name") for m in messages):
        raise ScenarioError(_("'messages' harus daftar objek {name, payload}"))
    if "application" in scenario and not isinstance(scenario["application"], dict):
        raise ScenarioError(_("'application' harus berupa objek"))
    if not isinstance(scenario.get("expect", {}), dict):
        raise ScenarioError(_("'expect' harus berupa objek"))
    return scenario


def scenario_template(model: ParsedModel) -> dict:
    """A starting scenario for a model: sample application data and one entry per user task."""
    tasks = {}
    for el in model.user_tasks():
        tasks.setdefault(el.bpmn_id, [sample_from_schema(model.form(el.properties.get(P.FORM_SCHEMA)))])
    return {"name": _("Skenario baru"), "application": sample_from_schema(catalog.application_form(model)["schema"]),
            "tasks": tasks, "messages": [], "timers": [], "expect": {"outcome": "issued"}}


class _Simulation:
    def __init__(self, model: ParsedModel, scenario: dict, start_at: datetime):
        self.model = model
        self.scenario = scenario
        self.moment = start_at
        self.result = RunResult()
        self.queues = {key: (list(v) if isinstance(v, list) else v) for key, v in scenario.get("tasks", {}).items()}
        self.messages = list(scenario.get("messages", []))
        self.timers = list(scenario.get("timers", []))

    def initial_data(self) -> dict:
        application = self.scenario.get("application")
        if application is None:
            application = sample_from_schema(catalog.application_form(self.model)["schema"])
        requirements = catalog.requirements_of(self.model)
        return {
            "case": {"id": 0, "registration_number": "SIMULASI-0001", "service": self.model.process_id},
            "application": copy.deepcopy(application),
            "documents": [{"id": i + 1, "requirement": r.get("key"), "filename": f"{r.get('key')}.pdf"}
                          for i, r in enumerate(requirements)],
            "applicant": {"name": _("Pemohon Simulasi"), "email": "simulasi@contoh.local"},
        }

    def data_for(self, bpmn_id: str, process_id: str) -> dict | None:
        for key in (f"{process_id}:{bpmn_id}", bpmn_id):
            queue = self.queues.get(key)
            if isinstance(queue, dict):
                return queue
            if queue:
                return queue.pop(0)
        return None

    def engine_call(self, action) -> bool:
        try:
            with clock.frozen_at(self.moment):
                action()
        except EngineIncident as incident:
            self.result.status = "incident"
            self.result.incident = {"element_id": incident.element_id, "process_id": incident.process_id,
                                    "message": incident.message}
            return False
        return True

    def run(self) -> RunResult:
        engine = current_app.extensions["satupintu.engine"]
        run = engine.create(self.model, self.initial_data())
        if self.engine_call(run.run):
            for _step in range(MAX_STEPS):
                if run.completed or not self.advance(run):
                    break
        self.finish(run)
        return self.result

    def advance(self, run: WorkflowRun) -> bool:
        for task in run.human_tasks():
            data = self.data_for(task.bpmn_id, task.process_id)
            if data is None:
                continue
            schema = self.model.form(task.properties.get(P.FORM_SCHEMA))
            errors = validate(schema, data) if schema else {}
            step = {"kind": "task", "bpmn_id": task.bpmn_id, "process_id": task.process_id, "name": task.name,
                    "lane": task.lane, "at": clock.iso(self.moment), "data": data}
            self.result.steps.append(step)
            if errors:
                step["errors"] = errors
                self.result.status = "invalid_data"
                self.result.failures.append(_(
                    "data untuk '%(task)s' tidak sesuai formulirnya: %(errors)s", task=task.bpmn_id,
                    errors="; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items())))
                return False
            try:
                return self.engine_call(lambda t=task, d=data: run.complete(t.id, d))
            except TaskNotReady:
                return False
        awaited = run.waiting_messages()
        if self.messages and self.messages[0]["name"] in awaited:
            message = self.messages.pop(0)
            self.result.steps.append({"kind": "message", "name": message["name"], "at": clock.iso(self.moment),
                                      "data": message.get("payload") or {}})
            try:
                return self.engine_call(lambda: run.deliver_message(message["name"], message.get("payload") or {}))
            except UnexpectedMessage:
                return False
        while self.timers:
            wanted = self.timers.pop(0)
            timer = next((t for t in run.pending_timers() if t.bpmn_id == wanted), None)
            if timer is None:
                self.result.failures.append(_("timer '%(timer)s' tidak sedang menunggu", timer=wanted))
                continue
            if timer.due_at is not None and timer.due_at > self.moment:
                self.moment = timer.due_at + timedelta(seconds=1)
            self.result.steps.append({"kind": "timer", "bpmn_id": timer.bpmn_id, "name": timer.name,
                                      "at": clock.iso(self.moment)})
            return self.engine_call(run.fire_due_timers)
        return False

    def finish(self, run: WorkflowRun) -> None:
        result = self.result
        result.path = [vars(v) for v in visited(run)]
        result.notifications = [n["template"] for n in run.log.notifications]
        result.host_actions = [h["action"] for h in run.log.host_actions]
        if result.status == "running":
            result.status = "finished" if run.completed else "waiting"
        result.outcome = run.outcome() if run.completed else None
        result.waiting = [{"bpmn_id": t.bpmn_id, "process_id": t.process_id, "name": t.name, "lane": t.lane}
                          for t in run.human_tasks()]
        result.timers = [{"bpmn_id": t.bpmn_id, "name": t.name, "due_at": clock.iso(t.due_at)}
                         for t in run.pending_timers()]
        try:
            result.data = _jsonable(run.data())
        except Exception:  # noqa: BLE001 - data is informative only
            result.data = {}
        self.check_expectations()

    def check_expectations(self) -> None:
        expect = self.scenario.get("expect") or {}
        result = self.result
        if result.incident:
            result.failures.append(_("insiden di '%(element)s': %(message)s", element=result.incident["element_id"],
                                     message=result.incident["message"]))
        if "outcome" in expect and expect["outcome"] != result.outcome:
            result.failures.append(_("hasil akhir %(outcome)s, diharapkan %(expected)s",
                                     outcome=result.outcome or _("(belum selesai)"), expected=expect["outcome"]))
        if "status" in expect and expect["status"] != result.status:
            result.failures.append(_("status %(status)s, diharapkan %(expected)s", status=result.status,
                                     expected=expect["status"]))
        ids = [p["bpmn_id"] for p in result.path]
        qualified = [f"{p['process_id']}:{p['bpmn_id']}" for p in result.path]
        position = 0
        for wanted in expect.get("visited", []):
            names = qualified if ":" in wanted else ids
            try:
                position = names.index(wanted, position) + 1
            except ValueError:
                result.failures.append(_("'%(element)s' tidak dilalui (atau tidak sesuai urutan)", element=wanted))
        for unwanted in expect.get("not_visited", []):
            if unwanted in (qualified if ":" in unwanted else ids):
                result.failures.append(_("'%(element)s' dilalui, padahal tidak diharapkan", element=unwanted))
        for template in expect.get("notifications", []):
            if template not in result.notifications:
                result.failures.append(_("notifikasi '%(template)s' tidak dikirim", template=template))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def run_scenario(model: ParsedModel, scenario: dict, *, start_at: datetime | None = None) -> RunResult:
    """Run a scenario on a parsed model in memory and report the path and outcome."""
    check_scenario(scenario)
    moment = start_at or _start_moment(scenario)
    return _Simulation(model, scenario, moment).run()


def _start_moment(scenario: dict) -> datetime:
    raw = scenario.get("start_at")
    if raw:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError as exc:
            raise ScenarioError(_("'start_at' harus waktu ISO 8601 dengan zona")) from exc
        if moment.tzinfo is None:
            raise ScenarioError(_("'start_at' harus menyertakan zona waktu"))
        return moment
    return clock.now()
