// Edits the side panel writes into the diagram through bpmn-js's modeling commands (so undo works):
// a user task's time limit as its non-interrupting boundary timer `workdays(N)`, and its warning
// thresholds as an `ow:warning` element in its extensionElements (bpmn/README.md).

import { fmt, strings } from "../../api.js";

export const is = (element, type) => Boolean(element?.businessObject?.$instanceOf?.(type));

/** Bind the helpers to one modeler. */
export function diagramEdits(modeler) {
  const modeling = modeler.get("modeling");
  const bpmnFactory = modeler.get("bpmnFactory");
  const elementFactory = modeler.get("elementFactory");
  const moddle = modeler.get("moddle");
  const t = strings();

  function timerBoundary(task) {
    return (task.attachers || []).find((a) => is(a, "bpmn:BoundaryEvent")
      && (a.businessObject.eventDefinitions || []).some((d) => d.$instanceOf("bpmn:TimerEventDefinition")));
  }

  function timerDefinition(boundary) {
    return boundary.businessObject.eventDefinitions.find((d) => d.$instanceOf("bpmn:TimerEventDefinition"));
  }

  function limitOf(task) {
    const boundary = timerBoundary(task);
    const body = boundary ? timerDefinition(boundary).timeDate?.body || "" : "";
    const match = /^\s*workdays\(\s*(\d+)\s*\)\s*$/.exec(body);
    return match ? Number(match[1]) : null;
  }

  function warningOf(bo) {
    return (bo.extensionElements?.values || []).find((v) => v.$instanceOf("ow:Warning")) || null;
  }

  function setLimit(task, days) {
    let boundary = timerBoundary(task);
    if (days === null) return;
    if (!boundary) {
      const shape = elementFactory.createShape({ type: "bpmn:BoundaryEvent", eventDefinitionType: "bpmn:TimerEventDefinition" });
      boundary = modeling.createShape(shape, { x: task.x + task.width - 18, y: task.y + task.height }, task, { attach: true });
      modeling.updateProperties(boundary, { cancelActivity: false });
    }
    const expression = bpmnFactory.create("bpmn:FormalExpression", { body: `workdays(${days})` });
    modeling.updateModdleProperties(boundary, timerDefinition(boundary),
      { timeDate: expression, timeDuration: undefined, timeCycle: undefined });
    modeling.updateProperties(boundary, { name: fmt(t.timer_name, { n: days }) });
  }

  function setWarning(task, values) {
    const bo = task.businessObject;
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    let warning = warningOf(bo);
    let extension = bo.extensionElements;
    if (!Object.keys(given).length) {
      if (warning) modeling.updateModdleProperties(task, extension, { values: extension.values.filter((v) => v !== warning) });
      return;
    }
    if (!extension) {
      extension = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
      modeling.updateModdleProperties(task, bo, { extensionElements: extension });
    }
    if (!warning) {
      warning = moddle.create("ow:Warning");
      warning.$parent = extension;
      modeling.updateModdleProperties(task, extension, { values: [...(extension.values || []), warning] });
    }
    modeling.updateModdleProperties(task, warning, values);
  }

  return { limitOf, warningOf, setLimit, setWarning };
}
