// Draw a process diagram with bpmn-js's NavigatedViewer (vendored by `make frontend`) and colour each
// user task by state. The bpmn.io watermark the viewer adds stays visible, as its licence requires.

const STATES = ["completed", "in_progress", "overdue", "paused", "not_reached"];

/** The display state of one task row from the API (tracking, instance or worklist shape). */
export function taskState(task) {
  const status = task.state || task.status;
  if (status === "completed") return "completed";
  if (status === "cancelled") return "not_reached";
  if (task.paused || task.pause) return "paused";
  if (task.overdue) return "overdue";
  return "in_progress";
}

/** Map bpmn ids to states; rows come oldest first, so a task's latest round wins. */
export function statesById(tasks) {
  const states = {};
  for (const task of tasks) {
    if (task.bpmn_id && (task.state || task.status) !== "cancelled") states[task.bpmn_id] = taskState(task);
  }
  return states;
}

/** Create a viewer in `container`, import the XML and fit it; resolves to an object with colour(). */
export async function showDiagram(container, xml, states) {
  if (!window.BpmnJS) throw new Error("bpmn-js is not loaded");
  const viewer = new window.BpmnJS({ container });
  let text = xml;
  if (!/BPMNDiagram/.test(text)) {
    // A diagram deployed without layout (DI), e.g. written by hand: lay it out here, as the designer does.
    const { layoutProcess } = await import("/static/vendor/bpmn-auto-layout/bpmn-auto-layout.js");
    text = await layoutProcess(text);
  }
  await viewer.importXML(text);
  const canvas = viewer.get("canvas");
  canvas.zoom("fit-viewport", "auto");
  const diagram = {
    viewer,
    colour(next) {
      const registry = viewer.get("elementRegistry");
      for (const element of registry.filter((e) => e.type === "bpmn:UserTask")) {
        for (const s of STATES) canvas.removeMarker(element.id, `st-${s}`);
        canvas.addMarker(element.id, `st-${next[element.id] || "not_reached"}`);
      }
    },
  };
  diagram.colour(states);
  focusOnOpenTasks(viewer, states);
  return diagram;
}

/** Zoom onto the tasks now open (a whole four-stage diagram is unreadable on a phone); pan/zoom stay free. */
function focusOnOpenTasks(viewer, states) {
  const registry = viewer.get("elementRegistry");
  const open = Object.entries(states).filter(([, s]) => s !== "completed" && s !== "not_reached")
    .map(([id]) => registry.get(id)).filter(Boolean);
  if (!open.length) return;
  const pad = 80;
  const x = Math.min(...open.map((e) => e.x)) - pad;
  const y = Math.min(...open.map((e) => e.y)) - pad;
  const width = Math.max(...open.map((e) => e.x + e.width)) - x + pad;
  const height = Math.max(...open.map((e) => e.y + e.height)) - y + pad;
  viewer.get("canvas").viewbox({ x, y, width: Math.max(width, 400), height: Math.max(height, 240) });
}

/** The legend shown under a diagram, in the page's language. */
export function legend(t) {
  const wrap = document.createElement("div");
  wrap.className = "legend";
  for (const s of STATES) {
    const badge = document.createElement("span");
    badge.className = `badge state-${s}`;
    badge.textContent = t.state?.[s] || s;
    wrap.append(badge);
  }
  return wrap;
}
