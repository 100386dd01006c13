"""The diagram the benchmark deploys: start -> parallel reviews -> join -> lead decides -> gateway -> ends.

Bench code imports nothing from the test suite, so the small parallel review lives here as well. It
follows the bpmn/README.md conventions (departments are lanes, each branch copies its decision to its
own key, non-interrupting `workdays(N)` deadlines) and produces byte-for-byte the diagram the benchmark
deployed before it had its own copy, so figures stay comparable with earlier runs.
"""

from __future__ import annotations

__all__ = ["parallel_review"]

_NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
       'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def parallel_review(process_id: str, departments: tuple[str, ...], condition: str = 'decision == "approve"',
                    due: str = "workdays(5)", name: str = "小流程") -> bytes:
    """A complete BPMN file: one review per department in parallel, then the fgw lead decides."""
    body = ['<bpmn:startEvent id="start"/>',
            '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>',
            '<bpmn:parallelGateway id="split"/>', '<bpmn:parallelGateway id="join"/>']
    lanes: dict[str, list[str]] = {"fgw": ["start", "split", "join", "decide", "gate", "ok", "no"]}
    for dept in departments:
        body += [
            f'<bpmn:sequenceFlow id="f_{dept}_in" sourceRef="split" targetRef="{dept}_review"/>',
            f'<bpmn:userTask id="{dept}_review" name="{dept} 审查"/>',
            f'<bpmn:boundaryEvent id="{dept}_deadline" attachedToRef="{dept}_review" cancelActivity="false">'
            f"<bpmn:timerEventDefinition><bpmn:timeDate>{due}</bpmn:timeDate></bpmn:timerEventDefinition>"
            "</bpmn:boundaryEvent>",
            f'<bpmn:sequenceFlow id="f_{dept}_late" sourceRef="{dept}_deadline" '
            f'targetRef="{dept}_late_end"/>',
            f'<bpmn:endEvent id="{dept}_late_end"/>',
            f'<bpmn:sequenceFlow id="f_{dept}_rec" sourceRef="{dept}_review" targetRef="{dept}_record"/>',
            f'<bpmn:scriptTask id="{dept}_record"><bpmn:script>{dept}_decision = decision</bpmn:script>'
            "</bpmn:scriptTask>",
            f'<bpmn:sequenceFlow id="f_{dept}_out" sourceRef="{dept}_record" targetRef="join"/>',
        ]
        lanes[dept] = [f"{dept}_review", f"{dept}_deadline", f"{dept}_late_end", f"{dept}_record"]
    body += [
        '<bpmn:sequenceFlow id="f_j" sourceRef="join" targetRef="decide"/>',
        '<bpmn:userTask id="decide" name="牵头部门决定"/>',
        '<bpmn:sequenceFlow id="f_d" sourceRef="decide" targetRef="gate"/>',
        '<bpmn:exclusiveGateway id="gate" default="f_no"/>',
        f'<bpmn:sequenceFlow id="f_ok" sourceRef="gate" targetRef="ok"><bpmn:conditionExpression '
        f'xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>',
        '<bpmn:sequenceFlow id="f_no" sourceRef="gate" targetRef="no"/>',
        '<bpmn:endEvent id="ok" name="通过"/>', '<bpmn:endEvent id="no" name="不予通过"/>',
    ]
    lane_xml = "".join(
        f'<bpmn:lane id="lane_{code}_{i}" name="{code}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs) + "</bpmn:lane>"
        for i, (code, refs) in enumerate(lanes.items()))
    process = (f'<bpmn:process id="{process_id}" name="{name}" isExecutable="true">'
               f'<bpmn:laneSet id="ls_{process_id}">{lane_xml}</bpmn:laneSet>{"".join(body)}</bpmn:process>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {_NS} id="defs" '
            f'targetNamespace="http://onewindow.test">{process}</bpmn:definitions>').encode()
