"""Where a case stands in its process diagram: completed, current and pending elements per BPMN file.

Read from the read model only (task rows and case events), never from the serialized workflow.
Call activities take the state of the process they call; gateways, events and automatic tasks
before a reached element count as passed.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from sqlalchemy import select

from app.cases.models import Case, CaseEvent
from app.catalog import service as catalog
from app.engine.specs import BPMN_NS, NS, parse_xml
from app.extensions import db

from .models import OPEN_STATES, Task

PERSON_KINDS = ("userTask", "manualTask", "callActivity", "subProcess")


@lru_cache(maxsize=128)
def _outline(xml: str) -> dict:
    """Processes of a BPMN file: call activities, flows (target -> sources) and element kinds."""
    root = parse_xml(xml)
    processes = {}
    for proc in root.findall("bpmn:process", NS):
        calls = {el.get("id"): el.get("calledElement") for el in proc.iter(f"{{{BPMN_NS}}}callActivity")}
        incoming: dict[str, list[str]] = defaultdict(list)
        for flow in proc.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            incoming[flow.get("targetRef")].append(flow.get("sourceRef"))
        kinds = {el.get("id"): _local(el.tag) for el in proc.iter() if el.get("id")}
        attached = {el.get("id"): el.get("attachedToRef") for el in proc.iter(f"{{{BPMN_NS}}}boundaryEvent")}
        processes[proc.get("id")] = {"calls": calls, "incoming": dict(incoming), "kinds": kinds,
                                     "attached": attached}
    return processes


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _passed_before(element_id: str, outline: dict, known: set[str], passed: set[str]) -> None:
    """Mark what must have run before a reached element (stopping at elements with their own state)."""
    stack = list(outline["incoming"].get(element_id, []))
    while stack:
        node = stack.pop()
        if node in passed or node in known or outline["kinds"].get(node) in PERSON_KINDS:
            continue
        passed.add(node)
        stack.extend(outline["incoming"].get(node, []))


def case_diagram(case: Case) -> dict:
    """The BPMN files of the case's version, with the ids of completed, current and failed elements."""
    version = case.process_version
    model = catalog.model_for_version(version)
    files = version.files.get("bpmn", {})
    outlines = {name: _outline(xml) for name, xml in files.items()}
    file_of = {pid: name for name, procs in outlines.items() for pid in procs}
    completed: dict[str, set[str]] = defaultdict(set)
    current: dict[str, set[str]] = defaultdict(set)
    for bpmn_id, process_id, state in _task_states(case.id):
        if state in OPEN_STATES:
            current[process_id].add(bpmn_id)
        elif state == "completed":
            completed[process_id].add(bpmn_id)
    failed: dict[str, set[str]] = defaultdict(set)
    for bpmn_id, kind in _element_events(case.id):
        for pid, outline in (o for procs in outlines.values() for o in procs.items()):
            if bpmn_id in outline["kinds"]:
                (failed if kind == "incident" else completed)[pid].add(bpmn_id)
    if case.status != "incident":
        failed.clear()
    main = model.process_id
    if case.submitted_at is not None:
        for element in model.main.elements.values():
            if element.kind == "startEvent" and not element.attached_to:
                completed[main].add(element.bpmn_id)
    if case.completed_at is not None:
        for element in model.main.elements.values():
            if element.kind == "endEvent" and element.properties.get("caseStatus") == case.status:
                completed[main].add(element.bpmn_id)
    _roll_up_calls(outlines, file_of, completed, current)
    diagrams = []
    for name in _file_order(main, outlines, file_of, completed, current):
        procs = outlines[name]
        done, now, broken, passed = set(), set(), set(), set()
        for pid, outline in procs.items():
            done |= completed[pid] - current[pid]
            now |= current[pid]
            broken |= failed[pid]
            known = done | now | broken
            for element_id in list(completed[pid] | current[pid] | failed[pid]):
                _passed_before(element_id, outline, known, passed)
        titles = [model.processes[pid].name for pid in procs if pid in model.processes]
        diagrams.append({"file": name, "title": " / ".join(titles) or name, "xml": files[name],
                         "completed": sorted(done | passed), "current": sorted(now), "failed": sorted(broken)})
    return {"case_id": case.id, "registration_number": case.registration_number, "diagrams": diagrams}


def _roll_up_calls(outlines: dict, file_of: dict, completed: dict, current: dict) -> None:
    """A call activity is current while its process has a current element, completed once it has run."""
    for _ in range(len(file_of) + 1):  # nested calls settle within as many rounds as there are processes
        changed = False
        for procs in outlines.values():
            for pid, outline in procs.items():
                for call_id, called in outline["calls"].items():
                    if current[called] and call_id not in current[pid]:
                        current[pid].add(call_id)
                        changed = True
                    elif completed[called] and not current[called] and call_id not in completed[pid]:
                        completed[pid].add(call_id)
                        changed = True
                    if not current[called] and call_id in current[pid]:
                        current[pid].discard(call_id)
                        changed = True
        if not changed:
            return


def _file_order(main: str, outlines: dict, file_of: dict, completed: dict, current: dict) -> list[str]:
    """The main process's file first, then the files of called processes the case has entered."""
    order = [file_of[main]] if main in file_of else []
    queue = [main]
    seen = {main}
    while queue:
        pid = queue.pop(0)
        outline = outlines.get(file_of.get(pid), {}).get(pid, {})
        for called in outline.get("calls", {}).values():
            if called in seen or called not in file_of:
                continue
            seen.add(called)
            queue.append(called)
            if (completed[called] or current[called]) and file_of[called] not in order:
                order.append(file_of[called])
    return order


def _task_states(case_id: int) -> list[tuple[str, str, str]]:
    return list(db.session.execute(select(Task.bpmn_id, Task.process_id, Task.state)
                                   .where(Task.case_id == case_id).order_by(Task.created_at)).all())


def _element_events(case_id: int) -> list[tuple[str, str]]:
    # Timers and incidents name elements that are not human tasks.
    return list(db.session.execute(select(CaseEvent.bpmn_id, CaseEvent.kind).where(
        CaseEvent.case_id == case_id, CaseEvent.bpmn_id.is_not(None),
        CaseEvent.kind.in_(("timer_fired", "message_received", "incident")))).all())
