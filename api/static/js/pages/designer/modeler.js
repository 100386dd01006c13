// The process modeler (bpmn-js): open a deployed definition, its draft, a local file or a new diagram;
// edit lanes (department codes) and user tasks' time limits and warning thresholds in the side panel;
// save a draft; deploy — the server's lint problems come back as markers on the offending elements.
import { api, apiRaw, clearErrors, el, fmt, notice, readable, saveBlob, showErrors, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { table } from "../../lists.js";
import { departmentNames } from "../supervision/kit.js";
import { diagramEdits, is } from "./diagram_edits.js";
import { lintMarkers } from "./lint_markers.js";
import { OW_DESCRIPTOR, WARNING_ATTRIBUTES } from "./moddle_ow.js";
import { newDiagramXml } from "./new_diagram.js";

requireSession(["designer", "admin"]);
const t = strings();
const root = document.getElementById("designer");
const status = document.getElementById("status");
const laneForm = document.getElementById("lane-form");
const taskForm = document.getElementById("task-form");
const processForm = document.getElementById("process-form");
const problemsBox = document.getElementById("problems");
let key = root.dataset.key || null;
let draftRevision = null;
let current = null;
let departments = {};

const modeler = new window.BpmnJS({ container: "#canvas", moddleExtensions: { ow: OW_DESCRIPTOR } });
const modeling = modeler.get("modeling");
const registry = modeler.get("elementRegistry");
const canvas = modeler.get("canvas");
const { limitOf, warningOf, setLimit, setWarning } = diagramEdits(modeler);
window.onewindowModeler = modeler;  // for troubleshooting from the browser console


function say(text, kind = "ok", ...extra) {
  notice(status, kind, text, ...extra);
}

// The definition endpoints answer XML for a diagram and JSON for everything else.
const XML = { accept: "application/json, application/xml" };
const definitionPath = (definitionKey, rest = "") => `/api/definitions/${encodeURIComponent(definitionKey)}${rest}`;

/** The draft saved for `definitionKey`, or null when there is none (or it cannot be read: the deployed version opens). */
async function fetchDraft(definitionKey) {
  try {
    // Asked from the list first: a GET of a draft that does not exist is a 404 in the console on every open.
    const { items } = await api("GET", "/api/definitions/drafts");
    if (!items.some((d) => d.key === definitionKey)) return null;
    return await apiRaw("GET", definitionPath(definitionKey, "/draft"), XML);
  } catch (err) {
    if (!err.status) throw err;
    return null;
  }
}

// ---- opening ----

async function importXml(xml) {
  let text = xml;
  let laidOut = false;
  if (!/BPMNDiagram/.test(text)) {
    const { layoutProcess } = await import("/static/vendor/bpmn-auto-layout/bpmn-auto-layout.js");
    text = await layoutProcess(text);
    laidOut = true;
  }
  await modeler.importXML(text);
  canvas.zoom("fit-viewport", "auto");
  clearProblems();
  showPanel(null);
  const process = executableProcess();
  document.getElementById("diagram-title").textContent = `${t.title} · ${process?.name || process?.id || ""}`;
  fillPicker();
  if (laidOut) say(t.auto_laid_out, "");
  root.dataset.ready = "true";
}

function executableProcess() {
  const definitions = modeler.getDefinitions();
  const processes = (definitions?.rootElements || []).filter((e) => e.$instanceOf("bpmn:Process"));
  return processes.find((p) => p.isExecutable) || processes[0] || null;
}

async function open() {
  if (!key) {
    const stamp = Date.now().toString(36);
    await importXml(newDiagramXml(`process_${stamp}`, t.untitled, t.start_event));
    return;
  }
  const draft = await fetchDraft(key);
  if (draft) {
    draftRevision = Number((draft.headers.get("ETag") || "").replace(/"/g, "")) || null;
    await importXml(await draft.text());
    document.getElementById("discard-draft").hidden = false;
    say(fmt(t.draft_loaded, { by: draft.headers.get("X-Draft-Saved-By") || "—",
      at: when(draft.headers.get("X-Draft-Saved-At")), revision: draftRevision }), "");
    return;
  }
  const detail = await api("GET", definitionPath(key));
  let xml;
  try {
    xml = await apiRaw("GET", definitionPath(key, `/versions/${detail.version}/xml`), XML);
  } catch (err) {
    throw new Error(readable(err.message, err.code));
  }
  await importXml(await xml.text());
}

// ---- side panel ----

const picker = document.getElementById("element-picker");

/** List lanes and user tasks so a big diagram's element can be found without hunting on the canvas. */
function fillPicker() {
  const items = registry.filter((e) => is(e, "bpmn:Lane") || is(e, "bpmn:UserTask"));
  picker.replaceChildren(el("option", { value: "" }, "—"), ...items.map((e) => el("option", { value: e.id },
    `${is(e, "bpmn:Lane") ? t.lane : t.user_task} · ${e.businessObject.name || e.id}`)));
}

/** Centre an element at full size (a big diagram fits the screen only when zoomed far out). */
function focus(element) {
  const box = document.getElementById("canvas").getBoundingClientRect();
  const centre = { x: element.x + element.width / 2, y: element.y + element.height / 2 };
  canvas.viewbox({ x: centre.x - box.width / 2, y: centre.y - box.height / 2, width: box.width, height: box.height });
}

picker.addEventListener("change", () => {
  const element = picker.value && registry.get(picker.value);
  if (!element) return;
  modeler.get("selection").select(element);
  focus(element);
});

function showPanel(element) {
  current = element;
  laneForm.hidden = !is(element, "bpmn:Lane");
  taskForm.hidden = !is(element, "bpmn:UserTask");
  processForm.hidden = Boolean(element) && !is(element, "bpmn:Participant") && !is(element, "bpmn:Collaboration");
  document.getElementById("panel-hint").hidden = !laneForm.hidden || !taskForm.hidden;
  if (!processForm.hidden) {
    const process = executableProcess();
    clearErrors(processForm);
    processForm.key.value = process?.id || "";
    processForm.name.value = process?.name || "";
    processForm.key.readOnly = Boolean(key);  // a deployed definition keeps its key; versions hang on it
  }
  if (!element || !processForm.hidden) return;
  if (picker.querySelector(`option[value="${CSS.escape(element.id)}"]`)) picker.value = element.id;
  const bo = element.businessObject;
  const caption = `${is(element, "bpmn:Lane") ? t.lane : t.user_task} · ${bo.id}`;
  if (!laneForm.hidden) {
    laneForm.querySelector("[data-role=element]").textContent = caption;
    const name = (bo.name || "").trim();
    const options = Object.entries(departments).map(([code, label]) => el("option", { value: code }, `${code} · ${label}`));
    if (name && !(name in departments)) options.unshift(el("option", { value: name }, `${name} ${t.unknown_department}`));
    if (!name) options.unshift(el("option", { value: "" }, "—"));
    laneForm.department.replaceChildren(...options);
    laneForm.department.value = name;
  }
  if (!taskForm.hidden) {
    clearErrors(taskForm);
    taskForm.querySelector("[data-role=element]").textContent = caption;
    taskForm.name.value = bo.name || "";
    const limit = limitOf(element);
    taskForm.limit.value = limit ?? "";
    const warning = warningOf(bo);
    for (const attr of WARNING_ATTRIBUTES) taskForm[attr].value = warning?.[attr] ?? "";
  }
}

/** The process's key (its id, the definition key) and name; the pool shows the name too. */
processForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const process = executableProcess();
  if (!process) return;
  const newKey = processForm.key.value.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newKey)) {
    showErrors(processForm, { code: "invalid", message: "", fields: { key: [t.bad_key] } });
    return;
  }
  clearErrors(processForm);
  const name = processForm.name.value.trim();
  const root = canvas.getRootElement();
  modeling.updateModdleProperties(root, process, { id: newKey, name });
  const pool = registry.find((e) => is(e, "bpmn:Participant") && e.businessObject.processRef === process);
  if (pool) modeling.updateProperties(pool, { name });
  document.getElementById("diagram-title").textContent = `${t.title} · ${name || newKey}`;
  say(t.applied);
});

laneForm.department.addEventListener("change", () => {
  if (current && is(current, "bpmn:Lane")) modeling.updateProperties(current, { name: laneForm.department.value });
});
laneForm.addEventListener("submit", (event) => event.preventDefault());

/** Read and check the panel's numbers; a problem is shown next to its field. */
function panelValues() {
  const fields = {};
  const number = (name, low, high, whole) => {
    const text = taskForm[name].value.trim();
    if (!text) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < low || value > high || (whole && !Number.isInteger(value))) {
      fields[name] = [fmt(t.range, { low, high })];
    }
    return value;
  };
  const limit = number("limit", 1, 365, true);
  const warning = {
    yellowDaysLeft: number("yellowDaysLeft", 0, 60, true),
    yellowFractionUsed: number("yellowFractionUsed", 0.01, 0.99, false),
    escalateAfterDays: number("escalateAfterDays", 0, 60, true),
  };
  return { fields, limit: limit ?? null, warning };
}

taskForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!current || !is(current, "bpmn:UserTask")) return;
  const { fields, limit, warning } = panelValues();
  if (Object.keys(fields).length) {
    showErrors(taskForm, { code: "invalid", message: "", fields });
    return;
  }
  clearErrors(taskForm);
  const task = current;
  if ((task.businessObject.name || "") !== taskForm.name.value.trim()) {
    modeling.updateProperties(task, { name: taskForm.name.value.trim() });
  }
  setLimit(task, limit);
  setWarning(task, warning);
  say(t.applied);
  showPanel(task);
});

modeler.get("eventBus").on("selection.changed", ({ newSelection }) => {
  showPanel(newSelection.length === 1 ? newSelection[0] : null);
});

// ---- lint problems as markers ----

const { clearProblems, showProblems } = lintMarkers(modeler, problemsBox, (element) => focus(element));

// ---- toolbar ----

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

function processKey() {
  return executableProcess()?.id || key;
}

// Lanes a diagram from another tool names by role (受理窗口): the designer picks each one's department,
// sent with the deploy as lane_department=泳道=代码 and kept while this page is open.
const laneChoices = new Map();
const laneBox = document.getElementById("lane-choices");
const rewriteBox = document.getElementById("condition-rewrites");
const reportBox = document.getElementById("deploy-report");
let rewriteConditions = false;  // the designer accepted the previewed JUEL/FEEL rewrites

function deployUrl() {
  const query = new URLSearchParams();
  for (const [lane, code] of laneChoices) query.append("lane_department", `${lane}=${code}`);
  if (rewriteConditions) query.append("rewrite_conditions", "true");
  const text = query.toString();
  return text ? `/api/definitions?${text}` : "/api/definitions";
}

function showLaneChoices(lanes) {
  const rows = lanes.map((lane) => {
    const select = el("select", { name: lane, "aria-label": lane },
      el("option", { value: "" }, t.choose_department),
      ...Object.entries(departments).map(([code, name]) => el("option", { value: code }, `${name}（${code}）`)));
    select.value = laneChoices.get(lane) || "";
    return el("label", { class: "field" }, el("span", {}, lane), select);
  });
  const go = el("button", { type: "submit", class: "primary", id: "deploy-with-choices" }, t.deploy_with_choices);
  const form = el("form", { class: "form" }, ...rows, go);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = [...form.querySelectorAll("select")];
    if (picked.some((s) => !s.value)) {
      say(t.choose_all, "error");
      return;
    }
    for (const s of picked) laneChoices.set(s.name, s.value);
    deploy(go);
  });
  laneBox.replaceChildren(el("h2", { id: "lane-choices-title" }, t.lane_choices),
    el("p", { class: "hint" }, t.lane_choices_hint), form);
  laneBox.hidden = false;
}

function showRewriteOffer(offered) {
  const go = el("button", { type: "button", class: "primary", id: "accept-rewrites" }, t.accept_rewrites);
  go.addEventListener("click", () => {
    rewriteConditions = true;
    deploy(go);
  });
  rewriteBox.replaceChildren(el("h2", { id: "condition-rewrites-title" }, t.condition_rewrites),
    el("p", { class: "hint" }, t.condition_rewrites_hint),
    table([[t.element, (r) => elementLabel(r.element)], [t.before, (r) => el("code", {}, r.before)],
      [t.after, (r) => el("code", {}, r.after)]], offered, (r) => ({ "data-element": r.element })),
    go);
  rewriteBox.hidden = false;
}

function elementLabel(id) {
  const element = registry.get(id);
  return element?.businessObject?.name ? `${element.businessObject.name}（${id}）` : id;
}

function showReport(payload) {
  const parts = [el("h2", { id: "deploy-report-title" }, t.assignments)];
  if (payload.assignments.length) {
    parts.push(table([
      [t.task, (a) => a.name], [t.department, (a) => departments[a.department] || a.department],
      [t.rule, (a) => fmt(t.rule_words[a.rule], { source: a.source })],
    ], payload.assignments, (a) => ({ "data-task": a.task })));
  }
  if (payload.rewrites.length) {
    parts.push(el("h3", {}, t.rewrites), table([
      [t.element, (r) => elementLabel(r.element)], [t.kind, (r) => t.rewrite_kinds[r.kind] || r.kind],
      [t.before, (r) => el("code", {}, r.before)], [t.after, (r) => el("code", {}, r.after)],
    ], payload.rewrites, (r) => ({ "data-rewrite": r.element })));
  }
  if (payload.warnings.length) {
    parts.push(el("p", {}, t.deploy_warnings),
      el("ul", { id: "deploy-warnings" }, ...payload.warnings.map((w) => el("li", {}, w.message))));
  }
  reportBox.replaceChildren(...parts);
  reportBox.hidden = parts.length === 1;
}

async function deploy(button) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t.deploying;
  try {
    const response = await apiRaw("POST", deployUrl(),
      { ...XML, body: await currentXml(), contentType: "application/xml" });
    const payload = await response.json();
    clearProblems();
    laneBox.hidden = true;
    rewriteBox.hidden = true;
    showReport(payload);
    const deployedKey = payload.key;
    const text = fmt(response.status === 201 ? t.deployed_new : t.deployed_same, { version: payload.version });
    const versions = `/designer/${encodeURIComponent(deployedKey)}?from=${Math.max(1, payload.version - 1)}&to=${payload.version}`;
    say(text, "ok", " ", el("a", { href: versions, id: "versions-link" }, t.see_versions));
    if (deployedKey !== key) {
      key = deployedKey;
      history.replaceState(null, "", `/designer/${encodeURIComponent(key)}/edit`);
    }
    if (draftRevision !== null) {
      // The deployed diagram supersedes the draft; a draft already gone is fine.
      await apiRaw("DELETE", definitionPath(key, "/draft"), XML).catch(() => null);
      draftRevision = null;
      document.getElementById("discard-draft").hidden = true;
    }
    if (payload.rewrites.length || payload.assignments.some((a) => a.rule !== "lane")) {
      // The server stored the diagram rewritten (lanes renamed or added, timers, conditions): show that one.
      laneChoices.clear();
      rewriteConditions = false;
      await open();
    }
  } catch (err) {
    reportBox.hidden = true;
    if (err.details?.problems?.length) showProblems(err.details.problems);
    if (err.details?.unknown_lanes?.length) showLaneChoices(err.details.unknown_lanes);
    else laneBox.hidden = true;
    if (err.details?.condition_rewrites?.length) showRewriteOffer(err.details.condition_rewrites);
    else rewriteBox.hidden = true;
    rewriteConditions = false;
    say(readable(err.message, err.code), "error");
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

document.getElementById("deploy").addEventListener("click", (event) => deploy(event.currentTarget));

document.getElementById("save-draft").addEventListener("click", async () => {
  const draftKey = processKey();
  const headers = draftRevision === null ? {} : { "If-Match": String(draftRevision) };
  try {
    const response = await apiRaw("PUT", definitionPath(draftKey, "/draft"),
      { ...XML, body: await currentXml(), contentType: "application/xml", headers });
    const payload = await response.json();
    draftRevision = payload.revision;
    document.getElementById("discard-draft").hidden = false;
    say(fmt(t.draft_saved, { revision: payload.revision, at: when(payload.saved_at) }));
  } catch (err) {
    say(err.status === 409 ? t.draft_conflict : readable(err.message, err.code), "error");
  }
});

document.getElementById("discard-draft").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  try {
    await apiRaw("DELETE", definitionPath(processKey(), "/draft"), XML);
  } catch (err) {
    if (err.status !== 404) {
      say(readable(err.message, err.code), "error");
      return;
    }
  }
  draftRevision = null;
  button.hidden = true;
  say(t.draft_discarded);
  if (key) open().catch((err) => say(fmt(t.import_failed, { message: err.message }), "error"));
});

document.getElementById("download").addEventListener("click", async () => {
  saveBlob(new Blob([await currentXml()], { type: "application/xml" }), `${processKey() || "diagram"}.bpmn`);
});

document.getElementById("upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    await importXml(await file.text());
  } catch (err) {
    say(fmt(t.import_failed, { message: err.message }), "error");
  }
  event.target.value = "";
});

departments = await departmentNames();
open().catch((err) => say(fmt(t.import_failed, { message: err.message }), "error"));
