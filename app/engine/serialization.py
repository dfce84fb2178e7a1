"""Stored workflow states: the state only (the spec is named by the case's version), data as plain JSON.

A serializer is made for each call (`new_serializer`, about 0.07 ms): its registry carries the library's
encoder-mode flag while a state is written, so one shared by the threads of a worker would leak that mode
into a neighbour's restore or migration check (`tests/engine/test_serialization.py`).

States carry `serializer_version: "satupintu-1"`: SpiffWorkflow's own format 1.5 (`to_dict`, without specs,
task data as deltas) with data encoded by `plain_data`. Nothing here runs the library's version migrations:
a state in any other format (a library state of 1.4 or older among them) is refused, never migrated
(`UnknownStateFormat`; see tests/engine/test_upgrade_gate.py for why).
"""
from __future__ import annotations

import copy
import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnEventConverter,
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as LIBRARY_FORMAT
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge

from . import internals, plain_data

SERIALIZER_VERSION = "satupintu-1"
VERSION_KEY = "serializer_version"
# The library format `satupintu-1` states are written in: a library writing another one needs a new version here.
SATUPINTU_1_LIBRARY_FORMAT = "1.5"


class UnknownStateFormat(ValueError):
    """A stored state is not in this application's format; it is refused, never migrated."""

    def __init__(self, message: str, version):
        super().__init__(message)
        self.message = message
        self.version = version


class _PlainData:
    """Mixin for converters of data-bearing objects: data is plain JSON (`plain_data`), never a class tag."""

    def _encode(self, value):
        return plain_data.encode(value, self.registry.convert)

    def _decode(self, value, where: str, allowed: frozenset[str] = plain_data.NO_VALUE_TYPES):
        return plain_data.decode(value, self.registry.restore, allowed=allowed, path=where)


class PlainDataTaskConverter(_PlainData, TaskConverter):
    """A task with its data, data delta and internal data (message payloads, loop items) as plain JSON."""

    def to_dict(self, task):
        dct = super().to_dict(task)
        dct["internal_data"] = self._encode(task.internal_data)
        if task.parent is None:
            dct["data"] = self._encode(task.data)
        else:
            delta = dct["delta"]
            dct["delta"] = {"updates": self._encode(delta["updates"]),
                            "deletions": [plain_data.escape_key(k) for k in delta["deletions"]]}
        return dct

    def from_dict(self, dct, workflow):
        task = super().from_dict({**dct, "internal_data": {}, "data": {}, "delta": {}}, workflow)
        where = task.task_spec.name
        task.internal_data = self._decode(dct["internal_data"], f"{where}.internal_data", plain_data.ENGINE_VALUE_TYPES)
        delta = dct.get("delta")
        if delta and task.parent is not None:
            data = DeepMerge.merge({}, task.parent.data)
            data.update(self._decode(delta.get("updates", {}), f"{where}.data"))
            for key in delta.get("deletions", []):
                data.pop(plain_data.unescape_key(key), None)
        else:
            data = self._decode(dct["data"], f"{where}.data")
        task.data = data
        return task


class PlainDataEventConverter(_PlainData, BpmnEventConverter):
    """An event thrown or waiting with its payload as plain JSON."""

    def to_dict(self, event):
        return {**super().to_dict(event), "payload": self._encode(event.payload)}

    def from_dict(self, dct):
        event = super().from_dict({**dct, "payload": None})
        event.payload = self._decode(dct["payload"], f"event {event.event_definition.name}.payload")
        return event


class PlainDataSubWorkflowConverter(_PlainData, BpmnSubWorkflowConverter):
    """A subprocess (call activity) with its data as plain JSON."""

    def to_dict(self, workflow):
        return {**super().to_dict(workflow), "data": self._encode(workflow.data)}

    def set_default_attributes(self, workflow, dct):
        data = dct.pop("data", {})
        super().set_default_attributes(workflow, dct)
        workflow.data = self._decode(data, f"{workflow.spec.name}.data")


class StateOnlyWorkflowConverter(_PlainData, BpmnWorkflowConverter):
    """Serializes a workflow without its specs, data as plain JSON; restores with specs from the cache."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["data"] = self._encode(workflow.data)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def set_default_attributes(self, workflow, dct):
        data = dct.pop("data", {})
        super().set_default_attributes(workflow, dct)
        workflow.data = self._decode(data, "workflow.data")

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = copy.copy(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = StateOnlyWorkflowConverter
_CONFIG[BpmnSubWorkflow] = PlainDataSubWorkflowConverter
_CONFIG[Task] = PlainDataTaskConverter
_CONFIG[BpmnEvent] = PlainDataEventConverter


def new_serializer() -> BpmnWorkflowSerializer:
    """A serializer of the caller's own (never shared: its registry's mode flag is per object)."""
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))


def dumps(workflow: BpmnWorkflow) -> str:
    """The workflow state as compact JSON, tagged with our format version."""
    return internals.encoder_mode_json(new_serializer(), workflow, **{VERSION_KEY: SERIALIZER_VERSION})


def loads(state: str, spec, subprocess_specs: dict) -> BpmnWorkflow:
    """A workflow restored from its stored state with the given specs; `UnknownStateFormat` if not ours.

    `plain_data.ForgedValue` (a data value tagged as a class) and the library's own errors pass through.
    """
    dct = json.loads(state)
    if not isinstance(dct, dict):
        raise UnknownStateFormat("status alur kerja tersimpan bukan objek JSON", None)
    version = dct.pop(VERSION_KEY, None)
    if version != SERIALIZER_VERSION:
        raise UnknownStateFormat(_unknown_version_message(version), version)
    return new_serializer().from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def _unknown_version_message(version) -> str:
    if isinstance(version, str) and (version in MIGRATIONS or version == LIBRARY_FORMAT):
        return (f"status ini ditulis langsung oleh serializer SpiffWorkflow (format {version}), bukan dalam format "
                f"aplikasi ({SERIALIZER_VERSION}); status semacam ini tidak dimigrasi otomatis")
    return f"versi status alur kerja tidak dikenal: {version!r}"


def registry():
    """A fresh serializer registry (for the library's spec diff), shared with no other call."""
    return new_serializer().registry
