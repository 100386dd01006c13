"""Redraw a diagram left to right, lane by lane: rewrite its BPMN DI (the drawing) and nothing else.

Used for the shipped diagrams, so that they read as a person would draw them: steps in columns by
how far they are from the start, each in its department's lane, lanes only as tall as their busiest
column, lanes ordered so that the flows between departments stay short, and every flow drawn with
right angles. Elements, lane membership, flows and their conditions are left exactly as they are.

    python scripts/layout_bpmn.py bpmn/investment_joint_approval.bpmn            # rewrite in place
    python scripts/layout_bpmn.py bpmn/<file>.bpmn --lanes Lane_a,Lane_b --check  # print, write nothing
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

TASKS = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "sendTask",
         "receiveTask", "callActivity", "subProcess"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}

POOL_X, LANE_X, TOP = 120, 150, 60  # the pool's label band is 30 px wide
FIRST_COLUMN = 230                  # centre of the first column
COLUMN = 150                        # distance between column centres (a task is 100 wide)
ROW = 100                           # distance between row centres inside a lane (a task is 80 high)
LANE_PAD = 15


@dataclass
class Box:
    """A shape's bounds in diagram pixels."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The x of the right side, where a flow leaves."""
        return self.x + self.w

    @property
    def middle(self) -> float:
        """The y of the middle, where flows enter and leave."""
        return self.y + self.h / 2


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname


def _size(kind: str) -> tuple[int, int]:
    if kind in TASKS:
        return 100, 80
    if kind in GATEWAYS:
        return 50, 50
    return 36, 36


class Diagram:
    """The parts of one process the drawing depends on."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.process = root.find(f"{{{BPMN}}}process")
        self.kind: dict[str, str] = {}
        self.host: dict[str, str] = {}  # boundary event -> the activity it sits on
        for node in self.process:
            if not isinstance(node.tag, str) or not node.get("id"):
                continue
            kind = _local(node)
            if kind in TASKS | GATEWAYS | EVENTS:
                self.kind[node.get("id")] = kind
                if kind == "boundaryEvent":
                    self.host[node.get("id")] = node.get("attachedToRef")
        self.flows = [(f.get("id"), f.get("sourceRef"), f.get("targetRef"))
                      for f in self.process.iter(f"{{{BPMN}}}sequenceFlow")]
        self.lanes: dict[str, list[str]] = {}
        self.lane_of: dict[str, str] = {}
        for lane in self.process.iter(f"{{{BPMN}}}lane"):
            members = [ref.text.strip() for ref in lane.findall(f"{{{BPMN}}}flowNodeRef") if ref.text]
            self.lanes[lane.get("id")] = members
            for member in members:
                self.lane_of[member] = lane.get("id")

    def ranks(self) -> dict[str, int]:
        """Column of each node: the longest path from a start, back edges (loops) left out."""
        successors: dict[str, list[str]] = defaultdict(list)
        for _, source, target in self.flows:
            successors[source].append(target)
        for boundary, host in self.host.items():
            successors[host].append(boundary)
        back: set[tuple[str, str]] = set()
        state: dict[str, int] = {}

        def visit(node: str) -> None:  # iterative DFS: 0 = on the stack, 1 = done
            stack = [(node, iter(successors[node]))]
            state[node] = 0
            while stack:
                current, children = stack[-1]
                child = next(children, None)
                if child is None:
                    state[current] = 1
                    stack.pop()
                elif state.get(child) == 0:
                    back.add((current, child))
                elif child not in state:
                    state[child] = 0
                    stack.append((child, iter(successors[child])))

        for start in sorted(n for n, k in self.kind.items() if k == "startEvent"):
            visit(start)
        for node in sorted(self.kind):
            if node not in state:
                visit(node)
        indegree = {n: 0 for n in self.kind}
        edges = [(s, t) for s, ts in successors.items() for t in ts if (s, t) not in back and t in indegree]
        for _, target in edges:
            indegree[target] += 1
        rank = {n: 0 for n in self.kind}
        queue = deque(sorted(n for n, d in indegree.items() if d == 0))
        outgoing: dict[str, list[str]] = defaultdict(list)
        for source, target in edges:
            outgoing[source].append(target)
        while queue:
            node = queue.popleft()
            for target in outgoing[node]:
                step = 0 if self.host.get(target) == node else 1  # a boundary event shares its host's column
                rank[target] = max(rank[target], rank[node] + step)
                indegree[target] -= 1
                if indegree[target] == 0:
                    queue.append(target)
        return rank


def _side_paths(diagram: Diagram) -> set[str]:
    """Nodes only a boundary event leads to (a deadline's path): drawn below the main line."""
    successors: dict[str, list[str]] = defaultdict(list)
    for _, source, target in diagram.flows:
        successors[source].append(target)
    main: set[str] = set()
    todo = [n for n, k in diagram.kind.items() if k == "startEvent"]
    while todo:
        node = todo.pop()
        if node not in main:
            main.add(node)
            todo += successors[node]
    return set(diagram.kind) - main - set(diagram.host)


def _lane_rows(diagram: Diagram, rank: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Row of each node inside its lane, and each lane's rows.

    Nodes of one lane and column stack; a deadline's path always runs below its lane's main line.
    """
    cells: dict[tuple[str, int], list[str]] = defaultdict(list)
    side = _side_paths(diagram)
    for node in sorted(diagram.kind, key=lambda n: (rank[n], n)):
        if node not in diagram.host:
            cells[(diagram.lane_of.get(node, ""), rank[node])].append(node)
    lanes_with_main = {lane for (lane, _), members in cells.items() if any(m not in side for m in members)}
    row, rows = {}, defaultdict(lambda: 1)
    for (lane, _), members in cells.items():
        main = [m for m in members if m not in side]
        first_side = max(len(main), 1 if lane in lanes_with_main else 0)
        for index, node in enumerate(main):
            row[node] = index
        for index, node in enumerate(m for m in members if m in side):
            row[node] = first_side + index
        rows[lane] = max(rows[lane], *(row[m] + 1 for m in members))
    return row, rows


def _order_lanes(diagram: Diagram, rows: dict[str, int], seed: int = 2026) -> list[str]:
    """Lanes in the order that keeps the flows between departments shortest (a quick local search)."""
    lanes = list(diagram.lanes)
    pairs = [(diagram.lane_of.get(s), diagram.lane_of.get(t)) for _, s, t in diagram.flows]
    pairs = [(a, b) for a, b in pairs if a and b and a != b]

    def cost(order: list[str]) -> float:
        centre, top = {}, 0.0
        for lane in order:
            height = 2 * LANE_PAD + rows[lane] * ROW
            centre[lane] = top + height / 2
            top += height
        return sum(abs(centre[a] - centre[b]) for a, b in pairs)

    best = lanes[:]
    best_cost = cost(best)
    rng = random.Random(seed)
    for _ in range(20_000):
        i, j = rng.randrange(len(best)), rng.randrange(len(best))
        trial = best[:]
        trial.insert(j, trial.pop(i))
        trial_cost = cost(trial)
        if trial_cost < best_cost:
            best, best_cost = trial, trial_cost
    return best


def layout(root: etree._Element, lane_order: list[str] | None = None) -> list[str]:
    """Rewrite the diagram's BPMNPlane in place; return the lane order used."""
    diagram = Diagram(root)
    rank = diagram.ranks()
    row, rows = _lane_rows(diagram, rank)
    order = lane_order or _order_lanes(diagram, rows)
    lane_box: dict[str, Box] = {}
    top = TOP
    width = FIRST_COLUMN + (max(rank.values()) + 1) * COLUMN - LANE_X
    for lane in order:
        height = 2 * LANE_PAD + rows[lane] * ROW
        lane_box[lane] = Box(LANE_X, top, width, height)
        top += height
    boxes: dict[str, Box] = {}
    for node, kind in diagram.kind.items():
        if node in diagram.host:
            continue
        w, h = _size(kind)
        lane = lane_box[diagram.lane_of[node]]
        cx = FIRST_COLUMN + rank[node] * COLUMN
        cy = lane.y + LANE_PAD + row[node] * ROW + ROW / 2
        boxes[node] = Box(cx - w / 2, cy - h / 2, w, h)
    on_host: dict[str, int] = defaultdict(int)
    for boundary in sorted(diagram.host):
        host = boxes[diagram.host[boundary]]
        index = on_host[diagram.host[boundary]]
        on_host[diagram.host[boundary]] += 1
        boxes[boundary] = Box(host.right - 30 - 40 * index - 18, host.y + host.h - 18, 36, 36)

    plane = root.find(f".//{{{BPMNDI}}}BPMNPlane")
    for child in list(plane):
        plane.remove(child)
    collaboration = root.find(f"{{{BPMN}}}collaboration")
    participant = collaboration.find(f"{{{BPMN}}}participant") if collaboration is not None else None

    def shape(element: str, box: Box, **attrs: str) -> None:
        node = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element}_di", bpmnElement=element,
                                **attrs)
        etree.SubElement(node, f"{{{DC}}}Bounds", x=_n(box.x), y=_n(box.y), width=_n(box.w), height=_n(box.h))

    if participant is not None:
        pool = Box(POOL_X, TOP, width + LANE_X - POOL_X, top - TOP)
        shape(participant.get("id"), pool, isHorizontal="true")
    for lane in order:
        shape(lane, lane_box[lane], isHorizontal="true")
    for node in sorted(boxes):
        extra = {"isMarkerVisible": "true"} if diagram.kind[node] == "exclusiveGateway" else {}
        shape(node, boxes[node], **extra)
    for flow, source, target in diagram.flows:
        edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow}_di", bpmnElement=flow)
        for x, y in _route(boxes[source], boxes[target], source in diagram.host):
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=_n(x), y=_n(y))
    return order


def _route(source: Box, target: Box, from_boundary: bool) -> list[tuple[float, float]]:
    """Right angles only: out of the source, one vertical run just past it, into the target's left side."""
    tx, ty = target.x, target.middle
    if from_boundary:  # down out of the event, then along the target's row
        sx, sy = source.x + source.w / 2, source.y + source.h
        return [(sx, sy), (sx, ty), (tx, ty)] if tx > sx else [(sx, sy), (sx, target.y + target.h + 20),
                                                                (tx + target.w / 2, target.y + target.h + 20),
                                                                (tx + target.w / 2, target.y + target.h)]
    sx, sy = source.right, source.middle
    if tx <= sx:  # a loop back: round below both
        below = max(source.y + source.h, target.y + target.h) + 20
        return [(sx, sy), (sx + 20, sy), (sx + 20, below), (tx - 20, below), (tx - 20, ty), (tx, ty)]
    if abs(sy - ty) < 1:
        return [(sx, sy), (tx, ty)]
    turn = sx + min(25, (tx - sx) / 2)
    return [(sx, sy), (turn, sy), (turn, ty), (tx, ty)]


def _n(value: float) -> str:
    return str(int(round(value)))


def main() -> None:
    """Lay the given file out and write it back (or only print the lane order with --check)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--lanes", help="lane ids, top to bottom (default: the order that keeps flows short)")
    parser.add_argument("--check", action="store_true", help="print the lane order and write nothing")
    args = parser.parse_args()
    text = args.path.read_text(encoding="utf-8")
    root = etree.fromstring(text.encode(), etree.XMLParser(remove_blank_text=True))
    order = layout(root, args.lanes.split(",") if args.lanes else None)
    print("lanes, top to bottom:", ",".join(order))
    if not args.check:
        args.path.write_text(_with_drawing(text, root), encoding="utf-8")


def _with_drawing(text: str, root: etree._Element) -> str:
    """The file's text with only its BPMNDiagram replaced, so the diff shows the drawing alone."""
    drawing = root.find(f"{{{BPMNDI}}}BPMNDiagram")
    etree.indent(drawing, space="  ", level=1)
    new = etree.tostring(drawing, encoding="unicode").strip()
    for prefix, uri in (("bpmndi", BPMNDI), ("dc", DC), ("di", DI), ("bpmn", BPMN)):
        new = new.replace(f' xmlns:{prefix}="{uri}"', "")
    old = re.search(r"<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>", text, re.S)
    if old is None:
        raise SystemExit("the file has no <bpmndi:BPMNDiagram> to replace")
    return text[:old.start()] + new + text[old.end():]


if __name__ == "__main__":
    main()
