"""Move a running workflow to another version of its model (SpiffWorkflow's spec diff and migration).

A move is allowed only where nothing that already ran (or is running, waiting or failed)
was removed from the new version, and every called process still running exists in it:
changes to parts that have not run yet, and fixes to the element that failed, are fine.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from . import serialization
from .runtime import WorkflowRun
from .specs import ParsedModel

PREDICTED = TaskState.MAYBE | TaskState.LIKELY | TaskState.FUTURE


@dataclass
class MigrationCheck:
    """Whether a run can move to a new model, and what the move touches."""

    possible: bool = True
    reasons: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _diffs(run: WorkflowRun, new_model: ParsedModel):
    return diff_workflow(serialization.registry(), run.wf, new_model.spec, new_model.subprocess_specs)


def check_migration(run: WorkflowRun, new_model: ParsedModel) -> MigrationCheck:
    """A dry run: can this run move to `new_model`, and which elements change or go away."""
    result = MigrationCheck()
    top, subs = _diffs(run, new_model)
    pairs = [(top, run.wf.spec.name)] + [(d, run.wf.subprocesses[sp_id].spec.name) for sp_id, d in subs.items()]
    for sp_id, sub_diff in subs.items():
        sub = run.wf.subprocesses[sp_id]
        if sub_diff is None and not sub.completed:
            result.possible = False
            result.reasons.append(f"proses panggilan '{sub.spec.name}' sedang berjalan dan tidak ada di versi baru")
    for wf_diff, process_id in pairs:
        if wf_diff is None:
            continue
        for task in wf_diff.removed:
            label = f"{process_id}:{task.task_spec.bpmn_id or task.task_spec.name}"
            if task.task_spec.bpmn_id:
                result.removed.append(label)
            if not task.has_state(PREDICTED):
                result.possible = False
                result.reasons.append(f"elemen '{label}' sudah dijalankan dan dihapus di versi baru")
        for task in wf_diff.changed:
            if task.task_spec.bpmn_id:
                result.changed.append(f"{process_id}:{task.task_spec.bpmn_id}")
    result.changed = sorted(set(result.changed))
    result.removed = sorted(set(result.removed))
    return result


def migrate(run: WorkflowRun, new_model: ParsedModel) -> WorkflowRun:
    """The same workflow running on `new_model` (check_migration first)."""
    top, subs = _diffs(run, new_model)
    migrate_workflow(top, run.wf, new_model.spec)
    for sp_id, sub_diff in subs.items():
        sub = run.wf.subprocesses[sp_id]
        if sub_diff is not None:
            migrate_workflow(sub_diff, sub, new_model.subprocess_specs[sub.spec.name])
    run.wf.subprocess_specs = new_model.subprocess_specs
    return WorkflowRun(run.engine, new_model, run.wf)
