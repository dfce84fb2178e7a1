"""Automatic BPMNDI layout for BPMN process models.

``add_diagram`` takes a BPMN document (with or without a diagram), drops any
existing ``bpmndi:BPMNDiagram`` and draws a fresh one that opens cleanly in
bpmn-js:

* lanes are horizontal bands inside a participant pool, stacked in laneSet
  order (nested lanes are drawn inside their parent lane);
* flow nodes are placed left to right in columns by longest path from the
  start, ignoring back edges (loops), and in the row of their lane; several
  nodes of one lane in one column are stacked inside that lane;
* boundary events sit on the bottom border of their host activity;
* sequence flows get orthogonal waypoints that avoid the other shapes;
* a process with lanes and no collaboration gets a collaboration and a
  participant; a process without lanes is drawn on a plain plane;
* every sub-process gets its own drill-down diagram.

The output is deterministic, so running the layout twice gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

TASK_SIZE = (100, 80)
EVENT_SIZE = (36, 36)
GATEWAY_SIZE = (50, 50)

ORIGIN_X = 160
ORIGIN_Y = 80
POOL_LABEL_W = 30
LANE_LABEL_W = 30
CONTENT_PAD = 50
RIGHT_PAD = 50
COL_GAP = 70
COL_W = TASK_SIZE[0] + COL_GAP
ROW_H = 150
POOL_GAP = 50
EMPTY_POOL_H = 100
BEND_COST = 40
COLLISION_COST = 100_000
OBSTACLE_MARGIN = 4
LABEL_MAX_W = 90
LABEL_CHAR_W = 6
LABEL_LINE_H = 14

ACTIVITY_TAGS = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
    }
)
EVENT_TAGS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateThrowEvent",
        "intermediateCatchEvent",
        "boundaryEvent",
    }
)
GATEWAY_TAGS = frozenset(
    {
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
SUBPROCESS_TAGS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
FLOW_NODE_TAGS = ACTIVITY_TAGS | EVENT_TAGS | GATEWAY_TAGS

Point = tuple[int, int]


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname if tag.startswith(f"{{{BPMN_NS}}}") else ""


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in diagram coordinates."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """Right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """Bottom edge."""
        return self.y + self.h

    @property
    def cx(self) -> int:
        """Horizontal centre."""
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        """Vertical centre."""
        return self.y + self.h // 2

    def contains(self, other: Box) -> bool:
        """True when ``other`` lies entirely inside this box."""
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


@dataclass
class _Node:
    id: str
    tag: str
    index: int
    band: int = 0
    column: int = 0
    subrow: int = 0
    host: str | None = None
    name: str = ""
    downstream: int = 0


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    back: bool = False


@dataclass
class _Lane:
    id: str
    depth: int
    children: list[_Lane] = field(default_factory=list)
    bands: list[int] = field(default_factory=list)


@dataclass
class _Layout:
    shapes: dict[str, Box]
    edges: dict[str, list[Point]]
    lane_boxes: dict[str, Box]
    width: int
    height: int
    labels: dict[str, Box] = field(default_factory=dict)


def _size(tag: str) -> tuple[int, int]:
    if tag in EVENT_TAGS:
        return EVENT_SIZE
    if tag in GATEWAY_TAGS:
        return GATEWAY_SIZE
    return TASK_SIZE


# --------------------------------------------------------------------------
# graph analysis


def _collect(container: etree._Element) -> tuple[dict[str, _Node], list[_Flow]]:
    nodes: dict[str, _Node] = {}
    for index, child in enumerate(container):
        tag = _local(child)
        node_id = child.get("id")
        if tag in FLOW_NODE_TAGS and node_id:
            nodes[node_id] = _Node(node_id, tag, index, name=child.get("name") or "")
    for el in container:
        node = nodes.get(el.get("id") or "")
        if node is not None and node.tag == "boundaryEvent":
            host = el.get("attachedToRef")
            if host in nodes and nodes[host].tag != "boundaryEvent":
                node.host = host
    flows = [
        _Flow(el.get("id") or "", el.get("sourceRef") or "", el.get("targetRef") or "")
        for el in container
        if _local(el) == "sequenceFlow"
        and el.get("id")
        and el.get("sourceRef") in nodes
        and el.get("targetRef") in nodes
    ]
    return nodes, flows


def _successors(
    nodes: dict[str, _Node], flows: list[_Flow]
) -> dict[str, list[tuple[str, _Flow | None]]]:
    succ: dict[str, list[tuple[str, _Flow | None]]] = {n: [] for n in nodes}
    for flow in flows:
        succ[flow.source].append((flow.target, flow))
    for node in nodes.values():
        if node.host is not None:
            succ[node.host].append((node.id, None))
    return succ


def _mark_back_edges(
    nodes: dict[str, _Node],
    flows: list[_Flow],
    succ: dict[str, list[tuple[str, _Flow | None]]],
) -> None:
    has_incoming = {f.target for f in flows} | {n.id for n in nodes.values() if n.host}
    ordered = sorted(nodes.values(), key=lambda n: n.index)
    roots = [
        n.id for n in ordered if n.tag == "startEvent" and n.id not in has_incoming
    ]
    roots += [n.id for n in ordered if n.id not in has_incoming and n.id not in roots]
    roots += [n.id for n in ordered]
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node_id, pos = stack[-1]
            if pos >= len(succ[node_id]):
                state[node_id] = 2
                stack.pop()
                continue
            stack[-1] = (node_id, pos + 1)
            target, flow = succ[node_id][pos]
            if state.get(target) == 1:
                if flow is not None:
                    flow.back = True
            elif target not in state:
                state[target] = 1
                stack.append((target, 0))


def _assign_columns(nodes: dict[str, _Node], flows: list[_Flow]) -> None:
    edges: list[tuple[str, str, int]] = [
        (f.source, f.target, 1) for f in flows if not f.back
    ]
    edges += [(n.host, n.id, 0) for n in nodes.values() if n.host]
    indegree = {n: 0 for n in nodes}
    out: dict[str, list[tuple[str, int]]] = {n: [] for n in nodes}
    for source, target, weight in edges:
        out[source].append((target, weight))
        indegree[target] += 1
    ready = sorted(
        (n for n, d in indegree.items() if d == 0), key=lambda n: nodes[n].index
    )
    column = {n: 0 for n in nodes}
    order: list[str] = []
    while ready:
        current = ready.pop(0)
        order.append(current)
        for target, weight in out[current]:
            column[target] = max(column[target], column[current] + weight)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    for node_id, col in column.items():
        nodes[node_id].column = col
    # length of the longest path after each node: the main path stays on top
    for node_id in reversed(order):
        nodes[node_id].downstream = max(
            (nodes[t].downstream + w for t, w in out[node_id]), default=0
        )


def _assign_subrows(nodes: dict[str, _Node], flows: list[_Flow]) -> None:
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    for flow in flows:
        if not flow.back:
            preds[flow.target].append(flow.source)
    occupied: set[tuple[int, int, int]] = set()
    placed = sorted(
        (n for n in nodes.values() if n.host is None),
        key=lambda n: (n.column, n.band, n.index),
    )
    by_column: dict[tuple[int, int], list[_Node]] = {}
    for node in placed:
        by_column.setdefault((node.column, node.band), []).append(node)
    for (column, band), group in sorted(by_column.items()):
        keyed = []
        for node in group:
            desired = 0
            rank = float("inf")
            same_lane = [nodes[p] for p in preds[node.id] if nodes[p].band == band]
            plain = [p for p in same_lane if p.host is None]
            if plain:
                desired = min(p.subrow for p in plain)
            elif same_lane:
                desired = min(nodes[p.host].subrow for p in same_lane if p.host) + 1
            ranks = [_rank(nodes, nodes[p]) for p in preds[node.id]]
            if ranks:
                rank = sum(ranks) / len(ranks)
            keyed.append((desired, rank, -node.downstream, node.index, node))
        for desired, *_keys, node in sorted(keyed, key=lambda k: k[:4]):
            row = desired
            while (column, band, row) in occupied:
                row += 1
            occupied.add((column, band, row))
            node.subrow = row
    for node in nodes.values():
        if node.host is not None:
            host = nodes[node.host]
            node.column, node.band, node.subrow = host.column, host.band, host.subrow


def _rank(nodes: dict[str, _Node], node: _Node) -> float:
    if node.host is not None:
        host = nodes[node.host]
        return host.band * 1000 + host.subrow + 0.5
    return node.band * 1000 + node.subrow


# --------------------------------------------------------------------------
# lanes


def _lane_tree(lane_set: etree._Element | None, depth: int = 0) -> list[_Lane]:
    if lane_set is None:
        return []
    lanes = []
    for el in lane_set:
        if _local(el) != "lane" or not el.get("id"):
            continue
        lane = _Lane(el.get("id") or "", depth)
        child_set = next((c for c in el if _local(c) == "childLaneSet"), None)
        lane.children = _lane_tree(child_set, depth + 1)
        lanes.append(lane)
    return lanes


def _leaves(lanes: Iterable[_Lane]) -> list[_Lane]:
    result: list[_Lane] = []
    for lane in lanes:
        result.extend(_leaves(lane.children) if lane.children else [lane])
    return result


def _all_lanes(lanes: Iterable[_Lane]) -> list[_Lane]:
    result: list[_Lane] = []
    for lane in lanes:
        result.append(lane)
        result.extend(_all_lanes(lane.children))
    return result


def _node_lanes(lane_set: etree._Element | None, tree: list[_Lane]) -> dict[str, _Lane]:
    """Map flow node id to its leaf lane (the deepest lane naming it)."""
    if lane_set is None:
        return {}
    by_id = {lane.id: lane for lane in _all_lanes(tree)}
    mapping: dict[str, _Lane] = {}
    for lane_el in lane_set.iter(_q(BPMN_NS, "lane")):
        lane = by_id.get(lane_el.get("id") or "")
        if lane is None:
            continue
        while lane.children:
            lane = lane.children[0]
        for ref in lane_el.findall(_q(BPMN_NS, "flowNodeRef")):
            if ref.text and ref.text.strip():
                mapping[ref.text.strip()] = lane
    return mapping


def _fill_bands(lane: _Lane, leaf_index: dict[str, int]) -> list[int]:
    if not lane.children:
        lane.bands = [leaf_index[lane.id]]
    else:
        lane.bands = [
            b for child in lane.children for b in _fill_bands(child, leaf_index)
        ]
    return lane.bands


# --------------------------------------------------------------------------
# layout of one flow container


def _layout_flow(
    container: etree._Element,
    left: int,
    top: int,
    lane_set: etree._Element | None = None,
    in_pool: bool = False,
) -> _Layout:
    nodes, flows = _collect(container)
    tree = _lane_tree(lane_set)
    leaves = _leaves(tree)
    node_lane = _node_lanes(lane_set, tree)
    leaf_index = {lane.id: i for i, lane in enumerate(leaves)}
    for lane in tree:
        _fill_bands(lane, leaf_index)
    unassigned_band = len(leaves)
    for node in nodes.values():
        lane = node_lane.get(node.id)
        node.band = leaf_index[lane.id] if lane is not None else unassigned_band
    # boundary events follow their host's band
    for node in nodes.values():
        if node.host is not None:
            node.band = nodes[node.host].band

    succ = _successors(nodes, flows)
    _mark_back_edges(nodes, flows, succ)
    _assign_columns(nodes, flows)
    _assign_subrows(nodes, flows)

    band_count = len(leaves) + (
        1 if any(n.band == unassigned_band for n in nodes.values()) or not leaves else 0
    )
    rows_in_band = [1] * band_count
    for node in nodes.values():
        rows_in_band[node.band] = max(rows_in_band[node.band], node.subrow + 1)
    band_top: list[int] = []
    y = top
    for rows in rows_in_band:
        band_top.append(y)
        y += rows * ROW_H
    height = y - top

    max_depth = max((lane.depth for lane in _all_lanes(tree)), default=-1) + 1
    content_left = left + max_depth * LANE_LABEL_W + (CONTENT_PAD if in_pool else 0)
    columns = max((n.column for n in nodes.values()), default=0) + 1
    width = content_left - left + columns * COL_W - COL_GAP + RIGHT_PAD

    shapes: dict[str, Box] = {}
    for node in sorted(nodes.values(), key=lambda n: n.index):
        if node.host is not None:
            continue
        w, h = _size(node.tag)
        cx = content_left + node.column * COL_W + TASK_SIZE[0] // 2
        cy = band_top[node.band] + node.subrow * ROW_H + ROW_H // 2
        shapes[node.id] = Box(cx - w // 2, cy - h // 2, w, h)
    attached: dict[str, list[_Node]] = {}
    for node in sorted(nodes.values(), key=lambda n: n.index):
        if node.host is not None:
            attached.setdefault(node.host, []).append(node)
    for host_id, boundary_nodes in attached.items():
        host = shapes[host_id]
        count = len(boundary_nodes)
        # the first boundary event sits rightmost: its target gets the row
        # just below the host, so the exception flows do not cross
        for i, node in enumerate(boundary_nodes):
            slot = count - 1 - i
            cx = host.x + round(host.w * (2 * slot + 1) / (2 * count))
            w, h = EVENT_SIZE
            shapes[node.id] = Box(cx - w // 2, host.bottom - h // 2, w, h)

    lane_boxes: dict[str, Box] = {}
    if tree:
        lane_right = left + width
        for lane in _all_lanes(tree):
            first, last = min(lane.bands), max(lane.bands)
            lx = left + lane.depth * LANE_LABEL_W
            ly = band_top[first]
            lh = band_top[last] + rows_in_band[last] * ROW_H - ly
            lane_boxes[lane.id] = Box(lx, ly, lane_right - lx, lh)

    hlines: list[int] = []
    for band, rows in enumerate(rows_in_band):
        for r in range(rows):
            row_top = band_top[band] + r * ROW_H
            hlines.extend((row_top + 14, row_top + ROW_H - 8))

    def channel_before(column: int) -> int:
        return content_left + column * COL_W - COL_GAP // 2

    edges: dict[str, list[Point]] = {}
    for flow in flows:
        source, target = nodes[flow.source], nodes[flow.target]
        obstacles = [
            box for nid, box in shapes.items() if nid not in (flow.source, flow.target)
        ]
        edges[flow.id] = _route(
            shapes[flow.source],
            shapes[flow.target],
            source,
            target,
            flow.back or target.column <= source.column,
            hlines,
            channel_before(source.column + 1),
            channel_before(target.column),
            obstacles,
        )
    labels = _node_labels(nodes, shapes, edges)
    flow_names = {
        el.get("id") or "": el.get("name") or ""
        for el in container
        if _local(el) == "sequenceFlow"
    }
    for flow_id, points in edges.items():
        if flow_names.get(flow_id):
            labels[flow_id] = _flow_label(points, flow_names[flow_id])
    return _Layout(shapes, edges, lane_boxes, width, height, labels)


# --------------------------------------------------------------------------
# labels


def _label_size(text: str) -> tuple[int, int]:
    """Approximate bpmn-js external label size (11px font, 90px wide)."""
    lines = max(1, -(-len(text) * LABEL_CHAR_W // LABEL_MAX_W))
    width = min(LABEL_MAX_W, len(text) * LABEL_CHAR_W + 4)
    return width, lines * LABEL_LINE_H


def _node_labels(
    nodes: dict[str, _Node], shapes: dict[str, Box], edges: dict[str, list[Point]]
) -> dict[str, Box]:
    segments = [seg for points in edges.values() for seg in pairwise(points)]
    labels: dict[str, Box] = {}
    for node in sorted(nodes.values(), key=lambda n: n.index):
        if not node.name or (
            node.tag not in EVENT_TAGS and node.tag not in GATEWAY_TAGS
        ):
            continue
        box = shapes[node.id]
        w, h = _label_size(node.name)
        above = Box(box.cx - w // 2, box.y - 8 - h, w, h)
        below = Box(box.cx - w // 2, box.bottom + 7, w, h)
        upper_right = Box(box.right + 4, box.y - 4 - h, w, h)
        if node.host is not None:
            # beside the event, below the host, away from the outgoing flow
            if box.cx >= shapes[node.host].cx:
                options = [Box(box.right + 4, box.bottom - 4, w, h)]
            else:
                options = [Box(box.x - 4 - w, box.bottom - 4, w, h)]
        elif node.tag in GATEWAY_TAGS:
            options = [above, below, upper_right]
        else:
            options = [below, above, upper_right]
        free = [
            o
            for o in options
            if not any(_segment_hits(a, b, o, 0) for a, b in segments)
        ]
        labels[node.id] = (free or options)[0]
    return labels


def _flow_label(points: list[Point], text: str) -> Box:
    w, h = _label_size(text)
    (x1, y1), (x2, y2) = points[-2], points[-1]
    if y1 == y2:
        # above the last horizontal segment, just before the target
        x = max(min(x1, x2), max(x1, x2) - 12 - w) if x2 > x1 else x2 + 12
        return Box(x, y1 - 6 - h, w, h)
    # beside the last vertical segment, just before the target
    y = y2 - 10 - h if y2 > y1 else y2 + 10
    return Box(x1 + 6, y, w, h)


# --------------------------------------------------------------------------
# edge routing


def _simplify(points: list[Point]) -> list[Point]:
    result: list[Point] = []
    for p in points:
        if result and result[-1] == p:
            continue
        if len(result) >= 2:
            a, b = result[-2], result[-1]
            if (a[0] == b[0] == p[0]) or (a[1] == b[1] == p[1]):
                result[-1] = p
                continue
        result.append(p)
    return result


def _segment_hits(a: Point, b: Point, box: Box, margin: int) -> bool:
    x1, x2 = sorted((a[0], b[0]))
    y1, y2 = sorted((a[1], b[1]))
    return (
        x1 < box.right + margin
        and x2 > box.x - margin
        and y1 < box.bottom + margin
        and y2 > box.y - margin
    )


def _cost(points: list[Point], source: Box, target: Box, obstacles: list[Box]) -> float:
    length = sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in pairwise(points))
    bends = max(0, len(points) - 2)
    hits = 0
    for a, b in pairwise(points):
        if a[0] != b[0] and a[1] != b[1]:
            hits += 1
        hits += sum(1 for box in obstacles if _segment_hits(a, b, box, OBSTACLE_MARGIN))
        # never run through the interior of the connected shapes themselves
        hits += sum(1 for box in (source, target) if _segment_hits(a, b, box, -1))
    return hits * COLLISION_COST + length + bends * BEND_COST


def _route(
    s: Box,
    t: Box,
    source: _Node,
    target: _Node,
    backwards: bool,
    hlines: list[int],
    after_source: int,
    before_target: int,
    obstacles: list[Box],
) -> list[Point]:
    sx, sy, tx, ty = s.cx, s.cy, t.cx, t.cy
    candidates: list[list[Point]] = []
    boundary = source.host is not None
    t_side_y = t.y if sy < ty else t.bottom

    if boundary:
        if ty > s.bottom:
            candidates.append([(sx, s.bottom), (sx, ty), (t.x, ty)])
        for yh in hlines:
            if yh <= s.bottom:
                continue
            candidates.append(
                [
                    (sx, s.bottom),
                    (sx, yh),
                    (before_target, yh),
                    (before_target, ty),
                    (t.x, ty),
                ]
            )
            entry = t.y if yh < t.y else t.bottom
            candidates.append([(sx, s.bottom), (sx, yh), (tx, yh), (tx, entry)])
    elif not backwards:
        if sy == ty:
            candidates.append([(s.right, sy), (t.x, ty)])
        if source.tag in GATEWAY_TAGS and sy != ty:
            exit_y = s.bottom if ty > sy else s.y
            candidates.append([(sx, exit_y), (sx, ty), (t.x, ty)])
        if sy != ty:
            candidates.append([(s.right, sy), (tx, sy), (tx, t_side_y)])
        candidates.append(
            [(s.right, sy), (after_source, sy), (after_source, ty), (t.x, ty)]
        )
        candidates.append(
            [(s.right, sy), (before_target, sy), (before_target, ty), (t.x, ty)]
        )
        for yh in hlines:
            candidates.append(
                [
                    (s.right, sy),
                    (after_source, sy),
                    (after_source, yh),
                    (before_target, yh),
                    (before_target, ty),
                    (t.x, ty),
                ]
            )
    else:
        for yh in hlines:
            if s.y < yh < s.bottom or t.y < yh < t.bottom:
                continue
            exit_y = s.y if yh < s.y else s.bottom
            entry_y = t.y if yh < t.y else t.bottom
            candidates.append([(sx, exit_y), (sx, yh), (tx, yh), (tx, entry_y)])
            candidates.append(
                [
                    (s.right, sy),
                    (after_source, sy),
                    (after_source, yh),
                    (before_target, yh),
                    (before_target, ty),
                    (t.x, ty),
                ]
            )
    if not candidates:
        candidates.append(
            [(s.right, sy), (after_source, sy), (after_source, ty), (t.x, ty)]
        )
    best = min(
        (_simplify(c) for c in candidates),
        key=lambda c: _cost(c, s, t, obstacles),
    )
    return best


# --------------------------------------------------------------------------
# XML helpers


def _with_di_namespaces(root: etree._Element) -> etree._Element:
    wanted = {"bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
    nsmap = dict(root.nsmap)
    missing = {p: ns for p, ns in wanted.items() if ns not in nsmap.values()}
    if not missing:
        return root
    for prefix, ns in missing.items():
        candidate, n = prefix, 1
        while candidate in nsmap:
            candidate, n = f"{prefix}{n}", n + 1
        nsmap[candidate] = ns
    new_root = etree.Element(root.tag, nsmap=nsmap)
    for key, value in root.attrib.items():
        new_root.set(key, value)
    new_root.text = root.text
    for child in list(root):
        new_root.append(child)
    for sibling in _preceding_siblings(root):
        new_root.addprevious(sibling)
    return new_root


def _preceding_siblings(root: etree._Element) -> list[etree._Element]:
    result = []
    prev = root.getprevious()
    while prev is not None:
        result.insert(0, prev)
        prev = prev.getprevious()
    return result


def _bounds(parent: etree._Element, box: Box) -> None:
    etree.SubElement(
        parent,
        _q(DC_NS, "Bounds"),
        x=str(box.x),
        y=str(box.y),
        width=str(box.w),
        height=str(box.h),
    )


def _shape(
    plane: etree._Element,
    element: etree._Element,
    box: Box,
    horizontal: bool = False,
    label: Box | None = None,
) -> None:
    element_id = element.get("id") or ""
    shape = etree.SubElement(
        plane, _q(BPMNDI_NS, "BPMNShape"), id=f"{element_id}_di", bpmnElement=element_id
    )
    tag = _local(element)
    if horizontal:
        shape.set("isHorizontal", "true")
    if tag == "exclusiveGateway":
        shape.set("isMarkerVisible", "true")
    if tag in SUBPROCESS_TAGS:
        shape.set("isExpanded", "false")
    _bounds(shape, box)
    if label is not None:
        _bounds(etree.SubElement(shape, _q(BPMNDI_NS, "BPMNLabel")), label)


def _edge(
    plane: etree._Element,
    element_id: str,
    points: list[Point],
    label: Box | None = None,
) -> None:
    edge = etree.SubElement(
        plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{element_id}_di", bpmnElement=element_id
    )
    for x, y in points:
        etree.SubElement(edge, _q(DI_NS, "waypoint"), x=str(x), y=str(y))
    if label is not None:
        _bounds(etree.SubElement(edge, _q(BPMNDI_NS, "BPMNLabel")), label)


def _new_plane(root: etree._Element, element_id: str) -> etree._Element:
    diagram = etree.SubElement(
        root, _q(BPMNDI_NS, "BPMNDiagram"), id=f"BPMNDiagram_{element_id}"
    )
    return etree.SubElement(
        diagram,
        _q(BPMNDI_NS, "BPMNPlane"),
        id=f"BPMNPlane_{element_id}",
        bpmnElement=element_id,
    )


def _draw_flow(
    plane: etree._Element, container: etree._Element, layout: _Layout
) -> None:
    for child in container:
        if _local(child) == "laneSet":
            for lane in child.iter(_q(BPMN_NS, "lane")):
                box = layout.lane_boxes.get(lane.get("id") or "")
                if box is not None:
                    _shape(plane, lane, box, horizontal=True)
    for child in container:
        box = layout.shapes.get(child.get("id") or "")
        if box is not None and _local(child) in FLOW_NODE_TAGS:
            _shape(plane, child, box, label=layout.labels.get(child.get("id") or ""))
    for child in container:
        points = layout.edges.get(child.get("id") or "")
        if points is not None and _local(child) == "sequenceFlow":
            flow_id = child.get("id") or ""
            _edge(plane, flow_id, points, label=layout.labels.get(flow_id))


def _has_lanes(process: etree._Element) -> bool:
    return process.find(f"{_q(BPMN_NS, 'laneSet')}/{_q(BPMN_NS, 'lane')}") is not None


def _add_collaboration(
    root: etree._Element, processes: list[etree._Element]
) -> etree._Element:
    first_id = processes[0].get("id") or "process"
    collaboration = etree.Element(
        _q(BPMN_NS, "collaboration"), id=f"Collaboration_{first_id}"
    )
    for process in processes:
        process_id = process.get("id") or ""
        participant = etree.SubElement(
            collaboration,
            _q(BPMN_NS, "participant"),
            id=f"Participant_{process_id}",
            processRef=process_id,
        )
        if process.get("name"):
            participant.set("name", process.get("name") or "")
    processes[0].addprevious(collaboration)
    return collaboration


def _draw_collaboration(
    root: etree._Element,
    collaboration: etree._Element,
    processes: dict[str, etree._Element],
) -> set[str]:
    plane = _new_plane(root, collaboration.get("id") or "Collaboration")
    drawn: set[str] = set()
    shapes: dict[str, Box] = {}
    y = ORIGIN_Y
    for participant in collaboration.findall(_q(BPMN_NS, "participant")):
        process = processes.get(participant.get("processRef") or "")
        if process is None:
            pool = Box(ORIGIN_X, y, 600, EMPTY_POOL_H)
            _shape(plane, participant, pool, horizontal=True)
            shapes[participant.get("id") or ""] = pool
            y = pool.bottom + POOL_GAP
            continue
        lane_set = process.find(_q(BPMN_NS, "laneSet"))
        layout = _layout_flow(
            process, ORIGIN_X + POOL_LABEL_W, y, lane_set, in_pool=True
        )
        pool = Box(ORIGIN_X, y, layout.width + POOL_LABEL_W, layout.height)
        _shape(plane, participant, pool, horizontal=True)
        _draw_flow(plane, process, layout)
        shapes.update(layout.shapes)
        shapes[participant.get("id") or ""] = pool
        drawn.add(process.get("id") or "")
        y = pool.bottom + POOL_GAP
    for flow in collaboration.findall(_q(BPMN_NS, "messageFlow")):
        s = shapes.get(flow.get("sourceRef") or "")
        t = shapes.get(flow.get("targetRef") or "")
        if s is None or t is None:
            continue
        down = s.cy < t.cy
        start = (s.cx, s.bottom if down else s.y)
        end = (t.cx, t.y if down else t.bottom)
        mid = (start[1] + end[1]) // 2
        _edge(
            plane,
            flow.get("id") or "",
            _simplify([start, (start[0], mid), (end[0], mid), end]),
        )
    return drawn


def _draw_subprocesses(root: etree._Element, container: etree._Element) -> None:
    for child in container:
        if _local(child) in SUBPROCESS_TAGS and child.get("id"):
            plane = _new_plane(root, child.get("id") or "")
            _draw_flow(plane, child, _layout_flow(child, ORIGIN_X, ORIGIN_Y))
            _draw_subprocesses(root, child)


def add_diagram(bpmn_xml: bytes) -> bytes:
    """Return ``bpmn_xml`` with a freshly computed, lane-aware BPMNDI layout."""
    parser = etree.XMLParser(
        remove_blank_text=True, resolve_entities=False, no_network=True
    )
    root = etree.fromstring(bpmn_xml, parser)
    root = _with_di_namespaces(root)
    for diagram in root.findall(_q(BPMNDI_NS, "BPMNDiagram")):
        root.remove(diagram)

    processes = root.findall(_q(BPMN_NS, "process"))
    collaboration = root.find(_q(BPMN_NS, "collaboration"))
    if collaboration is None and processes and any(_has_lanes(p) for p in processes):
        collaboration = _add_collaboration(root, processes)

    drawn: set[str] = set()
    if collaboration is not None:
        drawn = _draw_collaboration(
            root, collaboration, {p.get("id") or "": p for p in processes}
        )
    for process in processes:
        if (process.get("id") or "") not in drawn:
            plane = _new_plane(root, process.get("id") or "")
            _draw_flow(plane, process, _layout_flow(process, ORIGIN_X, ORIGIN_Y))
    for process in processes:
        _draw_subprocesses(root, process)

    body = etree.tostring(root.getroottree(), encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
