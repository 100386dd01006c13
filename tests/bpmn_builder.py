"""Build small BPMN documents in tests, so each test shows exactly the diagram it exercises."""

from __future__ import annotations

from pathlib import Path

# Diagrams deploy must refuse, one file per case, each with a comment saying why (see invalid_diagram).
INVALID_BPMN = Path(__file__).resolve().parent / "fixtures" / "invalid_bpmn"

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def process_xml(process_id: str = "small_review", body: str = "", lanes: dict[str, list[str]] | None = None,
                executable: bool = True, name: str = "小流程") -> str:
    """Wrap flow elements in a process with lanes (lane name -> flowNodeRefs)."""
    lane_xml = ""
    if lanes:
        inner = "".join(
            f'<bpmn:lane id="lane_{code}_{i}" name="{code}">'
            + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs) + "</bpmn:lane>"
            for i, (code, refs) in enumerate(lanes.items()))
        lane_xml = f'<bpmn:laneSet id="ls_{process_id}">{inner}</bpmn:laneSet>'
    return (f'<bpmn:process id="{process_id}" name="{name}" isExecutable="{str(executable).lower()}">'
            f"{lane_xml}{body}</bpmn:process>")


def definitions(*processes: str) -> bytes:
    """Return a complete BPMN file with the given processes."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs" '
            f'targetNamespace="http://onewindow.test">{"".join(processes)}</bpmn:definitions>').encode()


def parallel_review(process_id: str = "small_review", departments: tuple[str, ...] = ("sthj", "sw"),
                    condition: str = 'decision == "approve"', due: str = "workdays(5)") -> bytes:
    """Start -> parallel split -> one review per department -> join -> lead decides -> gateway -> ends."""
    body = ['<bpmn:startEvent id="start"/>', '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>',
            '<bpmn:parallelGateway id="split"/>', '<bpmn:parallelGateway id="join"/>']
    lanes: dict[str, list[str]] = {"fgw": ["start", "split", "join", "decide", "gate", "ok", "no"]}
    for dept in departments:
        body += [
            f'<bpmn:sequenceFlow id="f_{dept}_in" sourceRef="split" targetRef="{dept}_review"/>',
            f'<bpmn:userTask id="{dept}_review" name="{dept} 审查"/>',
            f'<bpmn:boundaryEvent id="{dept}_deadline" attachedToRef="{dept}_review" cancelActivity="false">'
            f"<bpmn:timerEventDefinition><bpmn:timeDate>{due}</bpmn:timeDate></bpmn:timerEventDefinition>"
            "</bpmn:boundaryEvent>",
            f'<bpmn:sequenceFlow id="f_{dept}_late" sourceRef="{dept}_deadline" targetRef="{dept}_late_end"/>',
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
    return definitions(process_xml(process_id, "".join(body), lanes))


def invalid_diagram(name: str) -> bytes:
    """The bytes of tests/fixtures/invalid_bpmn/<name>.bpmn, exactly as stored (encoding, DOCTYPE and all)."""
    return (INVALID_BPMN / f"{name}.bpmn").read_bytes()
