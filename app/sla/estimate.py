"""How many working days the remaining steps of a case need, read from its BPMN graph.

The estimate walks the model from each open task to the end of the service, taking the
longest branch at every gateway (parallel branches run side by side, so the longest one
decides; for exclusive branches the longest is the safe promise). A step costs its
`slaWorkingDays`; the applicant's own steps cost nothing (their time is not the office's
to promise), and a call activity costs the longest path through the process it calls.
Loops are not walked again (the usual case goes forward), except where a step can only go
back, as the applicant's revision does: then the walk goes round once more.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from app.engine import properties as P
from app.engine.specs import NS, parse_xml

APPLICANT_LANE = "pemohon"
_SKIP_START = ("boundaryEvent",)


@dataclass
class _Process:
    cost: dict[str, float] = field(default_factory=dict)
    calls: dict[str, str] = field(default_factory=dict)
    succ: dict[str, list[str]] = field(default_factory=dict)
    starts: list[str] = field(default_factory=list)
    back: set[tuple[str, str]] = field(default_factory=set)

    def find_back_edges(self) -> None:
        """Mark the flows that return to a node already on the path from a start (loops)."""
        done: set[str] = set()
        for start in self.starts:
            stack = [(start, iter(self.succ.get(start, ())))]
            on_path = {start}
            done.add(start)
            while stack:
                node, targets = stack[-1]
                target = next(targets, None)
                if target is None:
                    stack.pop()
                    on_path.discard(node)
                    continue
                if target in on_path:
                    self.back.add((node, target))
                elif target not in done:
                    done.add(target)
                    on_path.add(target)
                    stack.append((target, iter(self.succ.get(target, ()))))

    def next_of(self, node: str) -> list[str]:
        """Forward successors; a node that can only go back returns to its loop."""
        targets = self.succ.get(node, [])
        forward = [t for t in targets if (node, t) not in self.back]
        return forward or targets


@dataclass
class StepGraph:
    """The processes of one model version reduced to step costs and sequence flows."""

    processes: dict[str, _Process]

    def after(self, process_id: str, node: str, _stack: frozenset = frozenset()) -> float:
        """Working days from the end of `node` to the end of its process (longest branch)."""
        proc = self.processes.get(process_id)
        if proc is None:
            return 0.0
        stack = _stack | {(process_id, node)}
        best = 0.0
        for target in proc.next_of(node):
            if (process_id, target) in stack:
                continue
            best = max(best, self._cost(process_id, target, stack) + self.after(process_id, target, stack))
        return best

    def through(self, process_id: str, _stack: frozenset = frozenset()) -> float:
        """Working days from the start to the end of a process."""
        proc = self.processes.get(process_id)
        if proc is None or ("call", process_id) in _stack:
            return 0.0
        stack = _stack | {("call", process_id)}
        return max((self.after(process_id, s, stack) for s in proc.starts), default=0.0)

    def continuation(self, process_id: str, main: str, _stack: frozenset = frozenset()) -> float:
        """Working days after a called process returns, up the chain of callers to the main process."""
        if process_id == main or process_id in _stack:
            return 0.0
        best = 0.0
        for caller_id, proc in self.processes.items():
            for node, called in proc.calls.items():
                if called == process_id:
                    best = max(best, self.after(caller_id, node) +
                               self.continuation(caller_id, main, _stack | {process_id}))
        return best

    def _cost(self, process_id: str, node: str, stack: frozenset) -> float:
        proc = self.processes[process_id]
        if node in proc.calls:
            return self.through(proc.calls[node], stack)
        return proc.cost.get(node, 0.0)


def _read(files: dict[str, str]) -> StepGraph:
    processes: dict[str, _Process] = {}
    for name, text in files.items():
        root = parse_xml(text.encode("utf-8"), name)
        for element in root.findall("bpmn:process", NS):
            proc = _Process()
            lane_of = {(ref.text or "").strip(): lane.get("name")
                       for lane in element.iterfind(".//bpmn:lane", NS) for ref in lane.findall("bpmn:flowNodeRef", NS)}
            for node in element:
                tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
                node_id = node.get("id")
                if tag == "sequenceFlow":
                    proc.succ.setdefault(node.get("sourceRef"), []).append(node.get("targetRef"))
                elif tag == "startEvent":
                    proc.starts.append(node_id)
                elif tag == "callActivity" and node.get("calledElement"):
                    proc.calls[node_id] = node.get("calledElement")
                elif tag == "userTask" and lane_of.get(node_id) != APPLICANT_LANE:
                    proc.cost[node_id] = _sla_of(node)
            proc.find_back_edges()
            processes[element.get("id")] = proc
    return StepGraph(processes)


def _sla_of(node) -> float:
    for prop in node.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") == P.SLA_WORKING_DAYS:
            try:
                return max(float(prop.get("value") or 0), 0.0)
            except ValueError:
                return 0.0
    return 0.0


_lock = threading.Lock()
_graphs: OrderedDict[str, StepGraph] = OrderedDict()


def graph_for(model) -> StepGraph:
    """The step graph of a parsed model, built once per content hash."""
    key = model.content_hash
    with _lock:
        hit = _graphs.get(key)
        if hit is not None:
            _graphs.move_to_end(key)
            return hit
    graph = _read(model.bundle.files["bpmn"])
    with _lock:
        _graphs[key] = graph
        while len(_graphs) > 64:
            _graphs.popitem(last=False)
    return graph


def remaining_after(model, process_id: str, bpmn_id: str) -> float:
    """Working days the steps after this task need, to the end of the service."""
    graph = graph_for(model)
    return graph.after(process_id, bpmn_id) + graph.continuation(process_id, model.process_id)


def whole_service(model) -> float:
    """Working days of the longest path through the service."""
    return graph_for(model).through(model.process_id)


__all__ = ["StepGraph", "graph_for", "remaining_after", "whole_service"]
