// The diagram a new process starts from: one pool with one lane (its department still to be chosen)
// and a start event, with layout, so the modeler opens it as it opens a deployed one.
export function newDiagramXml(key, name, startName) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_${key}" targetNamespace="urn:onewindow:processes">
  <bpmn:collaboration id="Collaboration_${key}">
    <bpmn:participant id="Participant_${key}" name="${name}" processRef="${key}" />
  </bpmn:collaboration>
  <bpmn:process id="${key}" name="${name}" isExecutable="true">
    <bpmn:laneSet id="LaneSet_${key}">
      <bpmn:lane id="Lane_1" name="">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="${startName}" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_${key}">
    <bpmndi:BPMNPlane id="Plane_${key}" bpmnElement="Collaboration_${key}">
      <bpmndi:BPMNShape id="Participant_${key}_di" bpmnElement="Participant_${key}" isHorizontal="true">
        <dc:Bounds x="100" y="80" width="800" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_1_di" bpmnElement="Lane_1" isHorizontal="true">
        <dc:Bounds x="130" y="80" width="770" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="182" y="162" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}
