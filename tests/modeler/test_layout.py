"""Tests for the automatic BPMNDI layout (app/modeler/layout.py)."""

from __future__ import annotations

import importlib
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # lets the file run without a configured pythonpath
    sys.path.insert(0, str(ROOT))
layout = importlib.import_module("app.modeler.layout")
Box = layout.Box
add_diagram = layout.add_diagram
BPMN_NS, BPMNDI_NS, DC_NS, DI_NS = (
    layout.BPMN_NS,
    layout.BPMNDI_NS,
    layout.DC_NS,
    layout.DI_NS,
)

NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}

# Lanes, a loop (back edge), two boundary events, a split and a join.
LANED = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="laned" name="Berlajur" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_a" name="verifikator">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_ok</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_no</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lane_b" name="pemohon">
        <bpmn:flowNodeRef>fix</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>late</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>remind</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>expire</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_late</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_remind</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Periksa" />
    <bpmn:exclusiveGateway id="gw" name="Hasil?" default="f_no" />
    <bpmn:endEvent id="end_ok" name="Selesai" />
    <bpmn:endEvent id="end_no" />
    <bpmn:userTask id="fix" name="Perbaiki" />
    <bpmn:boundaryEvent id="late" name="14 hari" attachedToRef="fix">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P14D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="remind" attachedToRef="fix" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P7D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="expire"><bpmn:script>outcome = "expired"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end_late" />
    <bpmn:intermediateThrowEvent id="end_remind" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="gw" />
    <bpmn:sequenceFlow id="f_ok" name="Lengkap" sourceRef="gw" targetRef="end_ok">
      <bpmn:conditionExpression>outcome == "ok"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_fix" sourceRef="gw" targetRef="fix">
      <bpmn:conditionExpression>outcome == "fix"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_no" />
    <bpmn:sequenceFlow id="f_loop" sourceRef="fix" targetRef="check" />
    <bpmn:sequenceFlow id="f_late" sourceRef="late" targetRef="expire" />
    <bpmn:sequenceFlow id="f_exp" sourceRef="expire" targetRef="end_late" />
    <bpmn:sequenceFlow id="f_rem" sourceRef="remind" targetRef="end_remind" />
  </bpmn:process>
</bpmn:definitions>
"""

# No lanes, a parallel split/join and a sub-process with its own content.
PLAIN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="plain" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:parallelGateway id="split" />
    <bpmn:task id="a" />
    <bpmn:subProcess id="b">
      <bpmn:startEvent id="b_s" />
      <bpmn:task id="b_t" />
      <bpmn:endEvent id="b_e" />
      <bpmn:sequenceFlow id="bf1" sourceRef="b_s" targetRef="b_t" />
      <bpmn:sequenceFlow id="bf2" sourceRef="b_t" targetRef="b_e" />
    </bpmn:subProcess>
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="p1" sourceRef="s" targetRef="split" />
    <bpmn:sequenceFlow id="p2" sourceRef="split" targetRef="a" />
    <bpmn:sequenceFlow id="p3" sourceRef="split" targetRef="b" />
    <bpmn:sequenceFlow id="p4" sourceRef="a" targetRef="join" />
    <bpmn:sequenceFlow id="p5" sourceRef="b" targetRef="join" />
    <bpmn:sequenceFlow id="p6" sourceRef="join" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""

PROCESS_FILES = sorted((ROOT / "processes").glob("*.bpmn"))
SOURCES = {"laned": LANED, "plain": PLAIN} | {
    path.name: path.read_bytes() for path in PROCESS_FILES
}


def _strip_di(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for diagram in root.findall(f"{{{BPMNDI_NS}}}BPMNDiagram"):
        root.remove(diagram)
    return etree.tostring(root)


def _bounds(shape: etree._Element) -> Box:
    b = shape.find("dc:Bounds", NS)
    assert b is not None
    return Box(*(int(b.get(k) or 0) for k in ("x", "y", "width", "height")))


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _shapes(root: etree._Element) -> dict[str, Box]:
    return {
        s.get("bpmnElement") or "": _bounds(s)
        for s in root.iterfind(".//bpmndi:BPMNShape", NS)
    }


def _edges(root: etree._Element) -> dict[str, list[tuple[int, int]]]:
    return {
        e.get("bpmnElement") or "": [
            (int(p.get("x") or 0), int(p.get("y") or 0))
            for p in e.findall("di:waypoint", NS)
        ]
        for e in root.iterfind(".//bpmndi:BPMNEdge", NS)
    }


@pytest.fixture(params=sorted(SOURCES), name="laid_out")
def fixture_laid_out(request: pytest.FixtureRequest) -> etree._Element:
    """Each source, stripped of any diagram and laid out afresh."""
    return etree.fromstring(add_diagram(_strip_di(SOURCES[request.param])))


def test_every_flow_node_and_flow_is_drawn(laid_out: etree._Element) -> None:
    shapes, edges = _shapes(laid_out), _edges(laid_out)
    for el in laid_out.iter(f"{{{BPMN_NS}}}*"):
        if _local(el) in layout.FLOW_NODE_TAGS:
            assert el.get("id") in shapes, el.get("id")
        if _local(el) == "sequenceFlow":
            points = edges[el.get("id") or ""]
            assert len(points) >= 2
            # orthogonal routing: every segment is horizontal or vertical
            for (x1, y1), (x2, y2) in pairwise(points):
                assert x1 == x2 or y1 == y2, el.get("id")


def test_shapes_have_standard_sizes(laid_out: etree._Element) -> None:
    shapes = _shapes(laid_out)
    for el in laid_out.iter(f"{{{BPMN_NS}}}*"):
        tag = _local(el)
        if tag not in layout.FLOW_NODE_TAGS:
            continue
        box = shapes[el.get("id") or ""]
        if tag.endswith("Event"):
            expected = layout.EVENT_SIZE
        elif tag.endswith("Gateway"):
            expected = layout.GATEWAY_SIZE
        else:
            expected = layout.TASK_SIZE
        assert (box.w, box.h) == expected, el.get("id")


def test_shapes_lie_inside_their_lane(laid_out: etree._Element) -> None:
    shapes = _shapes(laid_out)
    lanes = list(laid_out.iter(f"{{{BPMN_NS}}}lane"))
    for lane in lanes:
        band = shapes[lane.get("id") or ""]
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert band.contains(shapes[ref.text or ""]), (lane.get("id"), ref.text)
    # lanes are stacked bands of the same width inside the pool
    for process in laid_out.iter(f"{{{BPMN_NS}}}process"):
        bands = [
            shapes[lane.get("id") or ""] for lane in process.iter(f"{{{BPMN_NS}}}lane")
        ]
        for upper, lower in pairwise(bands):
            assert upper.bottom == lower.y
            assert (upper.x, upper.right) == (lower.x, lower.right)


def test_boundary_events_sit_on_host_bottom_border(laid_out: etree._Element) -> None:
    shapes = _shapes(laid_out)
    for event in laid_out.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        box, host = (
            shapes[event.get("id") or ""],
            shapes[event.get("attachedToRef") or ""],
        )
        assert box.cy == host.bottom
        assert host.x <= box.cx <= host.right


def test_flows_run_left_to_right_except_loops(laid_out: etree._Element) -> None:
    shapes = _shapes(laid_out)
    flows = list(laid_out.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    forward = [
        f
        for f in flows
        if f.get("id") not in {"f_loop", "flow_perbaikan_selesai", "flow_dikembalikan"}
    ]
    for flow in forward:
        source = shapes[flow.get("sourceRef") or ""]
        target = shapes[flow.get("targetRef") or ""]
        assert target.cx > source.cx, flow.get("id")


def test_layout_is_idempotent() -> None:
    for name, source in SOURCES.items():
        once = add_diagram(source)
        assert add_diagram(once) == once, name


def test_output_parses_with_spiffworkflow() -> None:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, source in SOURCES.items():
        parser.add_bpmn_str(add_diagram(source), filename=name)
    for process_id in ("laned", "plain"):
        assert parser.get_spec(process_id) is not None
    if PROCESS_FILES:
        assert parser.get_subprocess_specs("sip_apoteker")


def test_lanes_get_a_collaboration_and_pool() -> None:
    root = etree.fromstring(add_diagram(LANED))
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    assert participant is not None
    assert participant.get("processRef") == "laned"
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane is not None
    assert plane.get("bpmnElement") == root.find("bpmn:collaboration", NS).get("id")
    shapes = _shapes(root)
    pool = shapes[participant.get("id") or ""]
    for lane_id in ("lane_a", "lane_b"):
        assert pool.contains(shapes[lane_id])
    assert shapes["lane_a"].bottom <= shapes["lane_b"].y  # laneSet order, top down


def test_process_without_lanes_gets_a_plain_plane() -> None:
    root = etree.fromstring(add_diagram(PLAIN))
    assert root.find("bpmn:collaboration", NS) is None
    planes = root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    # the process, then a drill-down plane for the sub-process
    assert [p.get("bpmnElement") for p in planes] == ["plain", "b"]
    shapes = _shapes(root)
    assert shapes["a"].cx == shapes["b"].cx  # parallel branches share a column
    assert shapes["a"].cy != shapes["b"].cy


def test_existing_diagram_is_replaced() -> None:
    once = add_diagram(LANED)
    root = etree.fromstring(once)
    for bounds in root.iter(f"{{{DC_NS}}}Bounds"):
        bounds.set("x", "0")
    again = add_diagram(etree.tostring(root))
    assert again == once
    assert len(etree.fromstring(again).findall("bpmndi:BPMNDiagram", NS)) == 1
