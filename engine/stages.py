"""Stages of a joint approval read from its diagram: which lead task decides after which co-reviews.

A stage is a userTask that directly follows a converging parallel gateway (the join); the tasks that
reach that join, walking back through script tasks and other non-human steps, are its co-reviews.
Each task's department is its lane's name (the bpmn/ convention). Deployed diagrams never change, so
the result is cached per definition id.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from .bpmn_input import parse_untrusted_bpmn
from .models import ProcessDefinition

__all__ = ["Stage", "definition_stages", "parse_stages"]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"b": BPMN}


@dataclass(frozen=True)
class Stage:
    """One lead decision and the parallel co-reviews it waits for (bpmn ids → department codes)."""

    lead_task: str
    lead_department: str
    name: str
    co_reviews: dict[str, str]


def parse_stages(xml: bytes) -> list[Stage]:
    """Find every lead decision that follows a parallel join, in document order."""
    root = parse_untrusted_bpmn(xml, max_bytes=len(xml) + 1)
    stages: list[Stage] = []
    for process in root.iterfind("b:process", _NS):
        stages.extend(_process_stages(process))
    return stages


def _process_stages(process: etree._Element) -> list[Stage]:
    lane_of = {ref.text.strip(): lane.get("name", "")
               for lane in process.iterfind(".//b:lane", _NS) for ref in lane.iterfind("b:flowNodeRef", _NS)
               if ref.text}
    nodes = {el.get("id"): el for el in process if el.get("id")}
    incoming: dict[str, list[str]] = {}
    for flow in process.iterfind("b:sequenceFlow", _NS):
        incoming.setdefault(flow.get("targetRef", ""), []).append(flow.get("sourceRef", ""))

    def kind(node_id: str) -> str:
        node = nodes.get(node_id)
        return etree.QName(node).localname if node is not None else ""

    stages = []
    for task_id, node in nodes.items():
        if kind(task_id) != "userTask":
            continue
        joins = [s for s in incoming.get(task_id, []) if kind(s) == "parallelGateway"
                 and len(incoming.get(s, [])) > 1]
        if not joins:
            continue
        co: dict[str, str] = {}
        for join in joins:
            for source in incoming[join]:
                found = _user_task_behind(source, incoming, kind)
                if found:
                    co[found] = lane_of.get(found, "")
        if co:
            stages.append(Stage(task_id, lane_of.get(task_id, ""), node.get("name") or task_id, co))
    return stages


def _user_task_behind(node_id: str, incoming: dict[str, list[str]], kind: object) -> str | None:
    """Walk back from a join's input through single-input steps until a userTask (or give up)."""
    seen = set()
    current = node_id
    while current and current not in seen:
        seen.add(current)
        node_kind = kind(current)  # type: ignore[operator]
        if node_kind == "userTask":
            return current
        if node_kind.endswith("Gateway") or node_kind == "startEvent":
            return None
        sources = incoming.get(current, [])
        if len(sources) != 1:
            return None
        current = sources[0]
    return None


_cache: dict[int, list[Stage]] = {}
_lock = threading.Lock()


def definition_stages(session: Session, definition_id: int) -> list[Stage]:
    """The stages of one deployed version, parsed once per process."""
    with _lock:
        cached = _cache.get(definition_id)
    if cached is not None:
        return cached
    xml = session.scalar(select(ProcessDefinition.xml).where(ProcessDefinition.id == definition_id))
    stages = parse_stages(xml.encode("utf-8")) if xml else []
    with _lock:
        _cache[definition_id] = stages
    return stages
