"""Bridge between a case row and its workflow: load, run, and write the read model back.

Every state change follows one pattern (docs/ENGINE.md, "the transaction rule"):
load the workflow → act (start, complete, fire timers, deliver a message, retry) →
write workflow state, task rows, case row, events and notifications in the caller's
transaction. The caller's commit makes it durable; any failure rolls all of it back.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app

from app.catalog import service as catalog
from app.common import clock, signals
from app.engine import EngineIncident, UnreadableState, WorkflowRun
from app.engine import properties as P
from app.extensions import db
from app.inbox.models import OPEN_STATES, Task, case_task_rows
from app.sla import service as sla

from . import events
from .models import Case

# When several steps are open at once, the case shows the one that matters most to the applicant.
STATUS_PRECEDENCE = ("waiting_applicant", "waiting_payment", "waiting_agency", "submitted", "in_review", "approved")


def engine():
    """The application's engine (sandbox helpers and time budget configured)."""
    return current_app.extensions["satupintu.engine"]


def load(case: Case) -> WorkflowRun:
    """The case's workflow, restored with the sandbox attached; `UnreadableState` when its state cannot be."""
    model = catalog.model_for_version(case.process_version)
    return engine().load(model, case.workflow_state)


def load_or_quarantine(case: Case, *, actor_id: int | None, pending_message: dict | None = None) -> WorkflowRun | None:
    """The case's workflow; None when its state cannot be restored, the case then being put in incident."""
    try:
        return load(case)
    except UnreadableState as exc:
        quarantine(case, exc, actor_id=actor_id, pending_message=pending_message)
        return None


def quarantine(case: Case, problem: UnreadableState, *, actor_id: int | None,
               pending_message: dict | None = None) -> None:
    """Put a case whose stored state cannot be restored in incident; the state is kept for the analyst's repair."""
    message = problem.message[:2000]
    if case.status == "incident" and case.incident_message == message and pending_message is None:
        return  # already reported: reading the case again adds nothing to the trail
    old_status = case.status
    if old_status != "incident":
        case.status_before_incident = old_status
    case.status = "incident"
    case.incident_element = None
    case.incident_message = message
    case.next_timer_at = None  # the timer sweep would only fail on it again; a repair recomputes it
    data = {"unreadable_state": True, "forged": problem.forged}
    if pending_message is not None:
        data["pending_message"] = pending_message  # delivered again by the repair
    events.record(case, "incident", note=message, actor_id=actor_id, data=data)
    if old_status != "incident":
        signals.case_status_changed.send(case, case=case, old=old_status, new="incident", actor_id=actor_id)


def task_data(case: Case, task_id: str) -> dict:
    """The data a task sees; empty when the case's state cannot be restored (the case is then in incident)."""
    run = load_or_quarantine(case, actor_id=None)
    return run.task_data(task_id) if run is not None else {}


def task_instructions(case: Case, task_id: str) -> str | None:
    """An open task's instructions rendered for showing (plain text) in the reader's language (the model's
    translations), its boundary deadline in office time."""
    run = load_or_quarantine(case, actor_id=None)
    from app.catalog.texts import translator
    from app.common.i18n import format_moment

    if run is None:
        return None
    return run.instructions(task_id, moment_text=format_moment, translate=translator(case))


def start(case: Case, initial_data: dict, *, actor_id: int | None) -> WorkflowRun:
    """Start the case's workflow and write the read model."""
    model = catalog.model_for_version(case.process_version)
    run = engine().create(model, initial_data)
    with sla.one_refresh():
        try:
            run.run()
        except EngineIncident as incident:
            save(case, run, actor_id=actor_id, incident=incident)
            return run
        save(case, run, actor_id=actor_id)
    return run


def act(case: Case, action: Callable[[WorkflowRun], None], *, actor_id: int | None,
        run: WorkflowRun | None = None) -> WorkflowRun | None:
    """Load the workflow (unless given), apply an action, write everything back; incidents are recorded, not raised.

    None when the stored state cannot be restored: the case is then in incident and the action was not applied.
    """
    if run is None:
        run = load_or_quarantine(case, actor_id=actor_id)
        if run is None:
            return None
    with sla.one_refresh():  # opening tasks, a status change and a clock start re-estimate the case once
        try:
            action(run)
        except EngineIncident as incident:
            save(case, run, actor_id=actor_id, incident=incident)
            return run
        save(case, run, actor_id=actor_id)
    return run


def save(case: Case, run: WorkflowRun, *, actor_id: int | None, incident: EngineIncident | None = None) -> None:
    """Write workflow state, task rows, case status, events and notifications for this run."""
    now = clock.now()
    old_status = case.status
    _write(case, run, actor_id=actor_id, incident=incident, now=now)
    if case.status != old_status:
        signals.case_status_changed.send(case, case=case, old=old_status, new=case.status, actor_id=actor_id)


def _write(case: Case, run: WorkflowRun, *, actor_id: int | None, incident: EngineIncident | None,
           now: datetime) -> None:
    case.workflow_state = run.serialize()
    open_tasks = run.human_tasks()
    _sync_tasks(case, run, open_tasks, now)
    for bpmn_id in run.log.fired_timers:
        element = _element_name(run, bpmn_id)
        events.record(case, "timer_fired", step=element, bpmn_id=bpmn_id, actor_id=None)
    for notice in run.log.notifications:
        from app.notifications import service as notifications

        notifications.notify_case(case, notice["template"], element_id=notice["element_id"])
    for request in run.log.host_actions:
        signals.host_action.send(case, case=case, action=request["action"], element_id=request["element_id"],
                                 properties=request["properties"], data=request["data"])
    run.log.fired_timers.clear()
    run.log.notifications.clear()
    run.log.host_actions.clear()

    if incident is not None:
        if case.status != "incident":
            case.status_before_incident = case.status
        case.status = "incident"
        case.incident_element = incident.element_id
        case.incident_message = incident.message[:2000]
        events.record(case, "incident", bpmn_id=incident.element_id, note=incident.message[:2000],
                      actor_id=actor_id)
        case.next_timer_at = run.next_timer_at()
        return

    case.incident_element = None
    case.incident_message = None
    case.next_timer_at = run.next_timer_at()
    if run.completed:
        _finish(case, run, actor_id=actor_id, now=now)
        return
    case.status = _running_status(run, open_tasks)
    case.current_step = ", ".join(t.name for t in open_tasks) or ", ".join(
        e.name for e in run.waiting_elements() if e.kind != "boundaryEvent") or None


def _element_name(run: WorkflowRun, bpmn_id: str) -> str:
    for proc in run.model.processes.values():
        if bpmn_id in proc.elements:
            return proc.elements[bpmn_id].name
    return bpmn_id


def _running_status(run: WorkflowRun, open_tasks: list) -> str:
    found = set()
    for task in open_tasks:
        found.add(task.properties.get(P.CASE_STATUS) or "in_review")
    for element in run.waiting_elements():
        status = element.properties.get(P.CASE_STATUS)
        if status:
            found.add(status)
    for status in STATUS_PRECEDENCE:
        if status in found:
            return status
    return "in_review"


def _finish(case: Case, run: WorkflowRun, *, actor_id: int | None, now: datetime) -> None:
    outcome = run.outcome() or "approved"
    if outcome == "issued":
        from app.permits import service as permits

        if permits.refuse_unsigned(case, actor_id=actor_id):
            return  # nobody from the signer group signed it: an incident, and no one is told it was issued
    case.status = outcome
    case.current_step = None
    case.completed_at = now
    case.next_timer_at = None
    case.data = {**case.data}  # application data stays as submitted/revised
    events.record(case, "finished", note=outcome, actor_id=actor_id, data={"outcome": outcome})
    signals.case_finished.send(case, case=case, outcome=outcome)
    if outcome == "issued":
        from app.permits import service as permits

        permits.issue_for_case(case, run.data(), actor_id=actor_id)
    from app.notifications import service as notifications

    notifications.notify_case(case, f"case_{outcome}")


def _sync_tasks(case: Case, run: WorkflowRun, open_tasks: list, now: datetime) -> None:
    ready = {t.id: t for t in open_tasks}
    # The case's open rows and any completed rows of ready task ids (a re-entered task keeps its id: its completed
    # row stays as it is), read without flushing the caller's pending work (the case's new workflow state,
    # events): it is written once, with this save's rows, instead of in a flush of its own.
    known = case_task_rows(case.id, ready)
    rows = {t.id: t for t in known if t.state in OPEN_STATES}
    closed = {t.id for t in known if t.state not in OPEN_STATES}
    for task_id, row in rows.items():
        if task_id not in ready:
            row.state = "cancelled"
            row.completed_at = now
            events.record(case, "task_cancelled", step=row.name, bpmn_id=row.bpmn_id, actor_id=None)
            signals.task_closed.send(case, case=case, task=row, outcome="cancelled", actor_id=None)
    for task_id, human in ready.items():
        if task_id in rows or task_id in closed:
            continue
        sla_days = human.properties.get(P.SLA_WORKING_DAYS)
        sla_int = int(sla_days) if sla_days and sla_days.strip().isdigit() else None
        row = Task(id=task_id, case_id=case.id, bpmn_id=human.bpmn_id, process_id=human.process_id,
                   name=human.name, group_key=human.lane or "verifikator", state="ready",
                   priority=int(human.properties.get(P.PRIORITY, "0") or 0),
                   created_at=now, sla_working_days=sla_int, due_at=sla.due_after(now, sla_int),
                   form_schema=human.properties.get(P.FORM_SCHEMA),
                   form_ui_schema=human.properties.get(P.FORM_UI_SCHEMA),
                   case_status=human.properties.get(P.CASE_STATUS) or "in_review")
        row.next_check_at = row.due_at
        if row.group_key == "pemohon":
            row.assignee_id = case.applicant_id
            row.state = "claimed"
        # Receivers shape the row (assignment, escalation moments) before it is added: the queries they send
        # would otherwise flush it first and their changes cost an UPDATE after its INSERT.
        signals.task_opened.send(case, case=case, task=row)
        db.session.add(row)
        events.record(case, "task_created", step=row.name, bpmn_id=row.bpmn_id, actor_id=None,
                      data={"task_id": task_id, "group": row.group_key})
        if row.group_key == "pemohon":
            from app.notifications import service as notifications

            notifications.notify_case(case, "action_required", task=row)
