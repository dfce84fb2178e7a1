"""Stored states: one serializer per call, so threads serializing at once never see each other's mode.

SpiffWorkflow's fast JSON path (`serialize_json`, and our `WorkflowRun.serialize`) switches its registry into
"encoder mode" for the duration of the dump: `registry.convert` then leaves nested objects to the JSON encoder
instead of converting them. A registry shared by the gunicorn threads of a worker would leak that mode into a
neighbour's call: a version-migration check comparing specs through the same registry then compares unconverted
objects (never equal) and reports elements as changed that are not.
"""
from __future__ import annotations

import json
import sys
import threading
import time

from app.engine import Engine, Library, SpecCache
from app.engine.migration import check_migration
from tests.engine.models import HEAD

ENGINE = Engine(time_limit=0.5)

# A user task writing a data object: its spec carries a list of data references, which encoder mode leaves as
# objects (so two parses of the same file compare as different when the mode leaks).
DATA_OBJECT_MODEL = HEAD + """<bpmn:process id="dobj" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="verifikator"><bpmn:flowNodeRef>wait</bpmn:flowNodeRef></bpmn:lane>
</bpmn:laneSet>
<bpmn:dataObject id="DataObject_note"/>
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="wait" name="Tunggu"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
<bpmn:dataOutputAssociation id="doa"><bpmn:targetRef>ref_note</bpmn:targetRef></bpmn:dataOutputAssociation>
</bpmn:userTask>
<bpmn:dataObjectReference id="ref_note" dataObjectRef="DataObject_note"/>
<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
</bpmn:process></bpmn:definitions>"""


def _two_parses():
    """The same model parsed twice (distinct spec objects, equal content), as two cached versions would be."""
    bundle = Library.from_files({"dobj.bpmn": DATA_OBJECT_MODEL}, {}, {}).bundle("dobj")
    return SpecCache().get(bundle), SpecCache().get(bundle)


def test_an_unchanged_model_reports_no_change_when_checked_alone():
    first, second = _two_parses()
    check = check_migration(ENGINE.start(first, {}), second)
    assert check.possible and check.changed == [] and check.removed == []


def test_threads_serializing_and_checking_a_migration_at_once_do_not_corrupt_each_other():
    """One thread serializes in encoder mode, another restores, checks a migration and re-serializes, at once."""
    first, second = _two_parses()
    writer_run = ENGINE.start(first, {"note": "a"})
    expected_writer = json.loads(writer_run.serialize())
    stored = ENGINE.start(first, {"note": "b"}).serialize()
    expected_reader = json.loads(stored)
    problems: list[str] = []
    stop = threading.Event()
    rounds = {"writer": 0, "reader": 0}

    def writer():
        while not stop.is_set():
            if json.loads(writer_run.serialize()) != expected_writer:
                problems.append("writer: serialized state differs")
            rounds["writer"] += 1

    def reader():
        while not stop.is_set():
            run = ENGINE.load(first, stored)
            check = check_migration(run, second)
            if check.changed or check.removed or not check.possible:
                problems.append(f"reader: unchanged model reported as {check}")
            if json.loads(run.serialize()) != expected_reader:
                problems.append("reader: serialized state differs")
            rounds["reader"] += 1

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and rounds["reader"] < 150 and not problems:
            time.sleep(0.01)
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        sys.setswitchinterval(interval)
    assert rounds["writer"] > 0 and rounds["reader"] > 0
    assert problems == [], problems[:3]
