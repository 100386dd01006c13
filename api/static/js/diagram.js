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

/**
 * Departments whose open step is past its deadline. The item-state code stays 部门开始办理 while they
 * are late, so the pages say it beside the code rather than let the status look on time.
 */
function overdueDepartments(tasks, nameOf) {
  return [...new Set(tasks.filter((task) => taskState(task) === "overdue")
    .map((task) => task.department_name || nameOf(task.department)).filter(Boolean))];
}

/** The "N 个部门已超期" badge (departments named on hover) to put beside the state, or nothing. */
export function overdueBadge(tasks, t, nameOf = (code) => code) {
  const late = overdueDepartments(tasks, nameOf);
  if (!late.length) return [];
  const badge = document.createElement("span");
  badge.className = "badge state-overdue";
  badge.title = late.join("、");
  badge.textContent = t.overdue_departments.replace("{n}", late.length);
  return [" ", badge];
}

/** Map bpmn ids to states; rows come oldest first, so a task's latest round wins. */
export function statesById(tasks) {
  const states = {};
  for (const task of tasks) {
    if (task.bpmn_id && (task.state || task.status) !== "cancelled") states[task.bpmn_id] = taskState(task);
  }
  return states;
}

// Below this scale a task's name is too small to read: the page offers the steps as a list instead.
const MIN_READABLE_SCALE = 0.5;

/** Lanes are named by department code in the diagrams; people read the department's name. */
function namedLanes(xml, departments) {
  if (!Object.keys(departments).length) return xml;
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) return xml;
  let changed = false;
  for (const lane of doc.getElementsByTagNameNS("http://www.omg.org/spec/BPMN/20100524/MODEL", "lane")) {
    const name = departments[lane.getAttribute("name")];
    if (name) {
      lane.setAttribute("name", name);
      changed = true;
    }
  }
  return changed ? new XMLSerializer().serializeToString(doc) : xml;
}

function button(text, title, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.title = title;
  b.setAttribute("aria-label", title);
  b.addEventListener("click", onclick);
  return b;
}

/** ＋ － 适应 over the diagram: pinch and wheel zoom are not obvious to everyone. */
function zoomControls(container, canvas, t) {
  const bar = document.createElement("div");
  bar.className = "zoom-controls no-print";
  bar.append(
    button("＋", t.zoom_in || "放大", () => canvas.zoom(canvas.zoom() * 1.25)),
    button("－", t.zoom_out || "缩小", () => canvas.zoom(canvas.zoom() / 1.25)),
    button(t.zoom_fit || "适应", t.zoom_fit || "适应", () => canvas.zoom("fit-viewport", "auto")));
  container.append(bar);
}

/** The user tasks in reading order (left to right, then top to bottom), each with its state. */
function stepsList(viewer, states, t, departments) {
  const tasks = viewer.get("elementRegistry").filter((e) => e.type === "bpmn:UserTask")
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const list = document.createElement("ol");
  list.className = "steps";
  for (const task of tasks) {
    const state = states[task.id] || "not_reached";
    const item = document.createElement("li");
    item.dataset.bpmnId = task.id;
    item.dataset.state = state;
    const badge = document.createElement("span");
    badge.className = `badge state-${state}`;
    badge.textContent = t.state?.[state] || state;
    const lane = task.businessObject?.lanes?.[0]?.name;
    item.append(`${task.businessObject?.name || task.id}${lane ? `（${departments[lane] || lane}）` : ""} `, badge);
    list.append(item);
  }
  return list;
}

/**
 * Create a viewer in `container`, import the XML and fit it; resolves to an object with colour().
 * Lanes show department names (`departments`: code → name); when even the fitted diagram is too small to
 * read, the steps are listed under it and the drawing waits behind a button.
 */
export async function showDiagram(container, xml, states, { departments = {}, t = {} } = {}) {
  if (!window.BpmnJS) throw new Error("bpmn-js is not loaded");
  const viewer = new window.BpmnJS({ container });
  let text = xml;
  if (!/BPMNDiagram/.test(text)) {
    // A diagram deployed without layout (DI), e.g. written by hand: lay it out here, as the designer does.
    const { layoutProcess } = await import("/static/vendor/bpmn-auto-layout/bpmn-auto-layout.js");
    text = await layoutProcess(text);
  }
  await viewer.importXML(namedLanes(text, departments));
  const canvas = viewer.get("canvas");
  canvas.zoom("fit-viewport", "auto");
  zoomControls(container, canvas, t);
  const diagram = {
    viewer,
    colour(next) {
      const registry = viewer.get("elementRegistry");
      for (const element of registry.filter((e) => e.type === "bpmn:UserTask")) {
        for (const s of STATES) canvas.removeMarker(element.id, `st-${s}`);
        canvas.addMarker(element.id, `st-${next[element.id] || "not_reached"}`);
      }
      if (diagram.steps) {  // the list stands for the drawing: it follows the same states
        const fresh = stepsList(viewer, next, t, departments);
        diagram.steps.replaceWith(fresh);
        diagram.steps = fresh;
      }
    },
  };
  diagram.colour(states);
  focusOnOpenTasks(viewer, states);
  container.dataset.scale = canvas.zoom().toFixed(2);
  if (canvas.zoom() < MIN_READABLE_SCALE) {
    const steps = stepsList(viewer, states, t, departments);
    const show = button(t.show_diagram || "查看流程图", t.show_diagram || "查看流程图", () => {
      container.hidden = false;
      show.remove();
      canvas.resized();
      canvas.zoom("fit-viewport", "auto");
      focusOnOpenTasks(viewer, states);
    });
    container.hidden = true;
    container.after(steps, show);
    diagram.steps = steps;
  }
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
