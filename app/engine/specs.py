"""Process definitions: collect a service's files into a bundle, hash it, parse it once.

A *bundle* is everything one service version needs: its BPMN file, the BPMN files of
the call activities it uses (transitively), the DMN files of its decisions and the form
files its properties name. The bundle's content hash identifies the version: unchanged
files make no new version, and a parsed bundle is cached by that hash.
"""
from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import properties as P

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "bpmndi": BPMNDI_NS}
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
FLOW_NODE_TAGS = ("userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
                  "receiveTask", "task", "callActivity", "subProcess", "startEvent", "endEvent",
                  "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
                  "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")


class ModelError(Exception):
    """A model cannot be collected or parsed; `problems` lists what is wrong."""

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or [{"message": message, "element_id": None, "line": None}]


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities and fetches nothing."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=False)


def parse_xml(text: str | bytes, filename: str = "<model>") -> etree._Element:
    """Parse model XML safely; raise ModelError with the line on failure."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # the whole document: one linear substring search each
        raise ModelError(f"{filename}: DOCTYPE/ENTITY tidak diizinkan dalam model")
    try:
        root = etree.fromstring(data, parser=safe_parser())
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:  # e.g. a DOCTYPE in UTF-16, unseen as bytes
            raise ModelError(f"{filename}: DOCTYPE/ENTITY tidak diizinkan dalam model")
        return root
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        column = exc.position[1] if exc.position else None
        raise ModelError(f"{filename}: XML tidak sah: {exc.msg}",
                         [{"message": f"XML tidak sah: {exc.msg}", "element_id": None, "line": line,
                           "column": column, "file": filename}]) from exc


def read_properties(element: etree._Element) -> dict[str, str]:
    """The `spiffworkflow:properties` of an element, as a dict."""
    return {p.get("name"): p.get("value", "")
            for p in element.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
            if p.get("name")}


@dataclass(frozen=True)
class ElementInfo:
    """What the application needs to know of one flow node."""

    process_id: str
    bpmn_id: str
    kind: str
    name: str
    lane: str | None
    properties: dict[str, str]
    instructions: str | None = None
    attached_to: str | None = None


@dataclass
class ProcessInfo:
    """A process of a bundle: its properties and elements."""

    process_id: str
    name: str
    documentation: str
    properties: dict[str, str]
    elements: dict[str, ElementInfo] = field(default_factory=dict)
    called_processes: set[str] = field(default_factory=set)
    called_decisions: set[str] = field(default_factory=set)
    has_diagram: bool = False


def describe_bpmn(text: str | bytes, filename: str = "<model>") -> dict[str, ProcessInfo]:
    """Read process ids, properties, lanes and element properties from BPMN XML."""
    root = parse_xml(text, filename)
    diagram_refs = {plane.get("bpmnElement") for plane in root.iterfind(".//bpmndi:BPMNPlane", NS)}
    participants = {p.get("id"): p.get("processRef") for p in root.iterfind(".//bpmn:participant", NS)}
    processes: dict[str, ProcessInfo] = {}
    for proc in root.findall("bpmn:process", NS):
        pid = proc.get("id")
        doc = proc.find("bpmn:documentation", NS)
        info = ProcessInfo(
            process_id=pid, name=proc.get("name") or pid,
            documentation=(doc.text or "").strip() if doc is not None else "",
            properties=read_properties(proc),
        )
        collaborations = {c.get("id"): {p.get("processRef") for p in c.iterfind("bpmn:participant", NS)}
                          for c in root.iterfind("bpmn:collaboration", NS)}
        info.has_diagram = pid in diagram_refs or any(
            participants.get(ref) == pid or pid in collaborations.get(ref, set()) for ref in diagram_refs)
        lane_of: dict[str, str] = {}
        for lane in proc.iterfind(".//bpmn:lane", NS):
            for ref in lane.findall("bpmn:flowNodeRef", NS):
                lane_of[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
        for tag in FLOW_NODE_TAGS:
            for el in proc.iter(f"{{{BPMN_NS}}}{tag}"):
                eid = el.get("id")
                instr = el.find("bpmn:extensionElements/spiffworkflow:instructionsForEndUser", NS)
                info.elements[eid] = ElementInfo(
                    process_id=pid, bpmn_id=eid, kind=tag, name=el.get("name") or eid,
                    lane=lane_of.get(eid), properties=read_properties(el),
                    instructions=instr.text if instr is not None else None,
                    attached_to=el.get("attachedToRef"),
                )
                if tag == "callActivity" and el.get("calledElement"):
                    info.called_processes.add(el.get("calledElement"))
                if tag == "businessRuleTask":
                    decision = el.find("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS)
                    if decision is not None and decision.text:
                        info.called_decisions.add(decision.text.strip())
        processes[pid] = info
    return processes


def describe_dmn(text: str | bytes, filename: str = "<decision>") -> list[str]:
    """Decision ids defined in a DMN file."""
    root = parse_xml(text, filename)
    ids = []
    for ns in DMN_NAMESPACES:
        ids.extend(d.get("id") for d in root.iter(f"{{{ns}}}decision"))
    return ids


@dataclass(frozen=True)
class Bundle:
    """All files of one service version: {"bpmn": {name: xml}, "dmn": {...}, "forms": {...}}."""

    process_id: str
    files: dict[str, dict[str, str]]

    @functools.cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the files (computed once: a bundle never changes)."""
        canonical = json.dumps(self.files, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(canonical).hexdigest()


@dataclass
class Library:
    """The model files found in a folder (processes/ plus forms/), indexed by id."""

    bpmn: dict[str, str]                 # filename -> xml
    dmn: dict[str, str]
    forms: dict[str, str]                # filename -> json text
    process_file: dict[str, str]         # process id -> filename
    decision_file: dict[str, str]        # decision id -> filename
    processes: dict[str, ProcessInfo]

    @classmethod
    def from_dirs(cls, processes_dir: str | Path, forms_dir: str | Path) -> Library:
        """Read every .bpmn, .dmn and form file from disk."""
        pdir, fdir = Path(processes_dir), Path(forms_dir)
        bpmn = {p.name: p.read_text("utf-8") for p in sorted(pdir.glob("*.bpmn"))}
        dmn = {p.name: p.read_text("utf-8") for p in sorted(pdir.glob("*.dmn"))}
        forms = {p.name: p.read_text("utf-8") for p in sorted(fdir.glob("*.json"))} if fdir.exists() else {}
        return cls.from_files(bpmn, dmn, forms)

    @classmethod
    def from_files(cls, bpmn: dict[str, str], dmn: dict[str, str], forms: dict[str, str]) -> Library:
        """Index files given in memory (e.g. an uploaded version)."""
        process_file: dict[str, str] = {}
        processes: dict[str, ProcessInfo] = {}
        for name, text in bpmn.items():
            for pid, info in describe_bpmn(text, name).items():
                if pid in process_file:
                    raise ModelError(f"proses '{pid}' didefinisikan dua kali ({process_file[pid]} dan {name})")
                process_file[pid] = name
                processes[pid] = info
        decision_file: dict[str, str] = {}
        for name, text in dmn.items():
            for did in describe_dmn(text, name):
                decision_file[did] = name
        return cls(bpmn, dmn, forms, process_file, decision_file, processes)

    def services(self) -> list[str]:
        """Process ids offered as services (not marked shared)."""
        return sorted(pid for pid, info in self.processes.items() if not P.truthy(info.properties.get(P.SHARED)))

    def bundle(self, process_id: str) -> Bundle:
        """Collect the files one service needs, following call activities and decisions."""
        if process_id not in self.process_file:
            raise ModelError(f"proses '{process_id}' tidak ditemukan")
        needed_processes: list[str] = []
        queue = [process_id]
        while queue:
            pid = queue.pop()
            if pid in needed_processes:
                continue
            if pid not in self.processes:
                raise ModelError(f"call activity memanggil proses '{pid}' yang tidak ada")
            needed_processes.append(pid)
            queue.extend(sorted(self.processes[pid].called_processes))
        bpmn_files = sorted({self.process_file[pid] for pid in needed_processes})
        decisions = set().union(*(self.processes[pid].called_decisions for pid in needed_processes))
        fee_decision = self.processes[process_id].properties.get(P.FEE_DECISION)
        if fee_decision:
            decisions.add(fee_decision)
        missing = [d for d in decisions if d not in self.decision_file]
        if missing:
            raise ModelError(f"tabel keputusan (DMN) tidak ditemukan: {', '.join(sorted(missing))}")
        dmn_files = sorted({self.decision_file[d] for d in decisions})
        form_names: set[str] = set()
        for pid in needed_processes:
            info = self.processes[pid]
            form_names.update(v for k, v in info.properties.items() if k in P.PROCESS_FORM_PROPERTIES and v)
            for el in info.elements.values():
                form_names.update(v for k, v in el.properties.items() if k in P.ELEMENT_FORM_PROPERTIES and v)
        missing_forms = sorted(f for f in form_names if f not in self.forms)
        if missing_forms:
            raise ModelError(f"berkas formulir tidak ditemukan: {', '.join(missing_forms)}")
        return Bundle(process_id, {
            "bpmn": {name: self.bpmn[name] for name in bpmn_files},
            "dmn": {name: self.dmn[name] for name in dmn_files},
            "forms": {name: self.forms[name] for name in sorted(form_names)},
        })


@dataclass
class ParsedModel:
    """A bundle parsed into SpiffWorkflow specs, plus what the application reads of it."""

    bundle: Bundle
    spec: object
    subprocess_specs: dict
    processes: dict[str, ProcessInfo]

    @property
    def process_id(self) -> str:
        return self.bundle.process_id

    @property
    def content_hash(self) -> str:
        return self.bundle.content_hash

    @property
    def main(self) -> ProcessInfo:
        return self.processes[self.bundle.process_id]

    def element(self, process_id: str, bpmn_id: str) -> ElementInfo | None:
        """Element info by process and element id."""
        proc = self.processes.get(process_id)
        return proc.elements.get(bpmn_id) if proc else None

    def form(self, filename: str | None) -> dict | None:
        """A form file of this version, decoded."""
        if not filename:
            return None
        text = self.bundle.files["forms"].get(filename)
        return json.loads(text) if text is not None else None

    def user_tasks(self) -> list[ElementInfo]:
        """Every user task of the bundle's processes."""
        return [el for proc in self.processes.values() for el in proc.elements.values() if el.kind == "userTask"]


def parse_bundle(bundle: Bundle) -> ParsedModel:
    """Parse a bundle with SpiffWorkflow (XSD-validated); raise ModelError with problems."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    processes: dict[str, ProcessInfo] = {}
    try:
        for name, text in bundle.files["bpmn"].items():
            processes.update(describe_bpmn(text, name))
            parser.add_bpmn_str(text.encode("utf-8"), filename=name)
        for name, text in bundle.files["dmn"].items():
            parser.add_dmn_str(text.encode("utf-8"), filename=name)
        spec = parser.get_spec(bundle.process_id)
        subprocess_specs = parser.get_subprocess_specs(bundle.process_id)
    except ModelError:
        raise
    except Exception as exc:  # the library raises several unrelated exception types
        raise ModelError(_spiff_problem_message(exc), [_spiff_problem(exc)]) from exc
    return ParsedModel(bundle=bundle, spec=spec, subprocess_specs=subprocess_specs, processes=processes)


def _spiff_problem(exc: Exception) -> dict:
    return {"message": _spiff_problem_message(exc), "element_id": getattr(exc, "id", None),
            "line": getattr(exc, "line_number", None) or getattr(exc, "sourceline", None),
            "file": getattr(exc, "file_name", None)}


def _spiff_problem_message(exc: Exception) -> str:
    return str(exc).strip() or exc.__class__.__name__


class SpecCache:
    """Parsed models by content hash (bounded LRU, thread-safe)."""

    def __init__(self, size: int = 64):
        self._items: OrderedDict[str, ParsedModel] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, bundle: Bundle) -> ParsedModel:
        """The parsed model of a bundle, parsing it on first use."""
        key = bundle.content_hash
        with self._lock:
            model = self._items.get(key)
            if model is not None:
                self._items.move_to_end(key)
                return model
        model = parse_bundle(bundle)
        with self._lock:
            self._items[key] = model
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return model

    def get_by_hash(self, key: str) -> ParsedModel | None:
        """A cached model, or None."""
        with self._lock:
            return self._items.get(key)
