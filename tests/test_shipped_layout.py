"""The shipped diagrams are drawn as a person would draw them: every step inside its department's lane,
flows at right angles running left to right, lanes no taller than their busiest column needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted((REPO / "bpmn").glob("*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}


def _bounds(root: etree._Element) -> dict[str, tuple[float, float, float, float]]:
    return {s.get("bpmnElement"): tuple(float(s.find("dc:Bounds", NS).get(k)) for k in ("x", "y", "width", "height"))
            for s in root.iterfind(".//bpmndi:BPMNShape", NS)}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_step_is_drawn_inside_its_departments_lane(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    bounds = _bounds(root)
    outside = []
    for lane in root.iterfind(".//bpmn:lane", NS):
        lx, ly, lw, lh = bounds[lane.get("id")]
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            x, y, w, h = bounds[ref.text]
            centre_x, centre_y = x + w / 2, y + h / 2
            if not (lx <= centre_x <= lx + lw and ly <= centre_y <= ly + lh):
                outside.append((ref.text, lane.get("name")))
    assert not outside, outside


def _loops_back(root: etree._Element, flow_id: str) -> bool:
    """A flow that returns to an earlier step (a correction loop) may run right to left."""
    successors: dict[str, list[str]] = {}
    flows = {f.get("id"): (f.get("sourceRef"), f.get("targetRef")) for f in root.iterfind(".//bpmn:sequenceFlow", NS)}
    for source, target in flows.values():
        successors.setdefault(source, []).append(target)
    for boundary in root.iterfind(".//bpmn:boundaryEvent", NS):  # a deadline's path leaves its task
        successors.setdefault(boundary.get("attachedToRef"), []).append(boundary.get("id"))
    source, target = flows[flow_id]
    seen, todo = set(), [target]
    while todo:
        node = todo.pop()
        if node == source:
            return True
        if node not in seen:
            seen.add(node)
            todo += successors.get(node, [])
    return False


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_flows_run_at_right_angles_and_forward(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    slanted, backwards = [], []
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        points = [(float(w.get("x")), float(w.get("y"))) for w in edge.iterfind("di:waypoint", NS)]
        if any(a[0] != b[0] and a[1] != b[1] for a, b in zip(points, points[1:], strict=False)):
            slanted.append(edge.get("bpmnElement"))
        if points[-1][0] < points[0][0] and not _loops_back(root, edge.get("bpmnElement")):
            backwards.append(edge.get("bpmnElement"))
    assert not slanted, slanted
    assert not backwards, backwards


def test_a_co_reviewers_own_steps_are_in_its_lane_so_its_flows_stay_short() -> None:
    root = etree.parse(str(REPO / "bpmn" / "investment_joint_approval.bpmn")).getroot()
    lane_of = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)
               for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    reviews = [task.get("id") for task in root.iterfind(".//bpmn:userTask", NS)
               if task.get("id").endswith("_review")]
    assert len(reviews) == 16
    misplaced = [(step, lane_of[step]) for review in reviews
                 for step in (review.replace("_review", suffix) for suffix in ("_record", "_overdue", "_overdue_end"))
                 if lane_of[step] != lane_of[review]]
    assert not misplaced, misplaced
