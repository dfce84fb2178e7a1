"""The path a workflow took: completed elements in order (for test runs and analysts' views)."""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState

from .runtime import WorkflowRun


@dataclass(frozen=True)
class VisitedElement:
    """One element a run completed."""

    process_id: str
    bpmn_id: str
    name: str
    kind: str


def visited(run: WorkflowRun) -> list[VisitedElement]:
    """Elements the run has completed (main process and called processes), oldest first."""
    tasks = [t for t in run.wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    tasks.sort(key=lambda t: t.last_state_change or 0)
    path = []
    for task in tasks:
        process_id = task.workflow.spec.name
        element = run.model.element(process_id, task.task_spec.bpmn_id)
        path.append(VisitedElement(
            process_id=process_id, bpmn_id=task.task_spec.bpmn_id,
            name=element.name if element else (task.task_spec.bpmn_name or task.task_spec.bpmn_id),
            kind=element.kind if element else task.task_spec.__class__.__name__))
    return path
