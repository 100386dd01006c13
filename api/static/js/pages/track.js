// Applicant tracking: progress by query code, each department's state and countdown, pauses with their
// reasons, and the diagram coloured by state; refreshes itself while the page is open. The applicant
// rates a completed approval (好差评) and may complain to the bureau from here.
import {
  api, countdown, el, fieldValue, fmt, onSubmit, provisionalBadge, provisionalNotice, strings, when,
} from "../api.js";
import { legend, overdueBadge, showDiagram, statesById } from "../diagram.js";
import { drawHeader } from "../session.js";

const t = strings();
const root = document.getElementById("progress");
const code = root.dataset.code;
const refreshSeconds = Number(root.dataset.refresh) || 60;
let diagram = null;
let timer = null;

drawHeader();

function setText(id, text) {
  document.getElementById(id).textContent = text ?? "—";
}

function show(id, visible = true) {
  document.getElementById(id).hidden = !visible;
}

function problem(message) {
  const box = document.getElementById("problem");
  box.textContent = message;
  box.hidden = false;
  for (const id of ["summary", "departments-card", "diagram-card"]) show(id, false);
}

function notices(data) {
  const items = [];
  if (data.status === "incident") {
    // Only what the API says the applicant may know: it is known and being handled; no engine details.
    items.push(el("div", { class: "notice incident", id: "incident", role: "alert" },
      el("div", {}, data.stage), el("div", { class: "muted" }, t.incident_hint)));
  }
  if (data.correction) {
    items.push(el("div", { class: "notice", id: "correction" }, fmt(t.correction, { reason: data.correction.reason }),
      data.correction.missing_documents.length
        ? el("div", {}, t.correction_docs, data.correction.missing_documents.join("、")) : null));
  }
  for (const task of data.tasks) {
    if (task.paused && (task.state === "pending" || task.state === "in_progress")) {
      items.push(el("div", { class: "notice paused-notice" }, fmt(t.paused, {
        department: task.department_name, kind: t.pause_kind[task.paused.kind] || task.paused.kind,
        reason: task.paused.reason })));
    }
  }
  if (data.shortfall && data.shortfall.status !== "supplied") {
    items.push(el("div", { class: "notice" }, fmt(t.shortfall, {
      due: when(data.shortfall.due_at), documents: data.shortfall.documents.join("、") })));
  }
  if (data.passed_with_shortfall) items.push(el("div", { class: "notice" }, t.shortfall_passed));
  document.getElementById("notices").replaceChildren(...items);
}

function departmentItem(task, state, incident) {
  const stopped = incident && state !== "completed" && state !== "not_reached";
  const warn = stopped ? "warn-incident" : state === "overdue" ? "warn-red" : state === "completed" ? "warn-green" : "";
  return el("li", { class: warn, dataset: { bpmnId: task.bpmn_id, state: stopped ? "incident" : state } },
    el("div", { class: "actions" },
      el("strong", {}, task.department_name),
      stopped ? el("span", { class: "badge state-incident" }, t.incident_state)
        : el("span", { class: `badge state-${state}` }, t.state[state] || state)),
    el("div", {}, task.name),
    state === "completed"
      ? el("div", { class: "muted" }, `${t.completed_at}：${when(task.completed_at)}${task.decision ? ` · ${t.result}：${t.decision[task.decision] || task.decision}` : ""}`)
      : el("div", { class: "muted due" }, `${t.due}：${when(task.due_at)}`, provisionalBadge(task),
        ` · ${countdown(task.working_days_left)}`));
}

function render(data) {
  document.getElementById("problem").hidden = true;
  setText("project-name", data.project_name);
  setText("query-code", data.query_code);
  const incident = data.status === "incident";
  setText("status", incident ? t.incident_status : data.blzt_name || t.state[data.status] || data.status);
  if (!incident) document.getElementById("status").append(...overdueBadge(data.tasks, t));
  document.getElementById("status").classList.toggle("status-incident", incident);
  setText("stage", data.stage);
  setText("accepted-label", data.accepted === false ? t.received_at : t.accepted_at);  // never accepted
  setText("accepted-at", when(data.accepted_at));
  const item = data.service_item;
  for (const id of ["item-label", "item", "promise-label", "promise"]) show(id, !!item);
  if (item) {
    const day = (at) => when(at).slice(0, 10);
    document.getElementById("item").replaceChildren(el("a", { href: `/catalogue/${encodeURIComponent(item.code)}?version=${item.version}` }, item.name));
    setText("promise", fmt(item.promised_days ? t.promise_text : t.promise_immediate, {
      promised: item.promised_days, promised_at: day(item.promised_due_at), legal: item.legal_days,
      legal_at: day(item.legal_due_at) }) + (item.clock_stopped ? t.promise_stopped : "")
      + (item.provisional ? t.promise_provisional : ""));
  }
  show("completed-label", !!data.completed_at);
  show("completed-at", !!data.completed_at);
  setText("completed-at", when(data.completed_at));
  show("outcome-label", !!data.outcome);
  show("outcome", !!data.outcome);
  setText("outcome", data.outcome);
  show("reason-label", !!data.refusal_reason);
  show("refusal-reason", !!data.refusal_reason);
  setText("refusal-reason", data.refusal_reason);
  notices(data);
  const states = statesById(data.tasks);
  document.getElementById("departments").replaceChildren(
    ...data.tasks.map((task) => departmentItem(task, statesById([task])[task.bpmn_id], incident)));
  document.getElementById("provisional-note").replaceChildren(provisionalNotice(data.tasks) || "");
  show("summary");
  show("departments-card");
  showVoice(data);
  return states;
}

let callbackDue = null;  // a bad review just given: when the department calls back

/** Rating once the approval is completed (once), the complaint form always. */
function showVoice(data) {
  show("rate-card", data.status === "completed");
  document.getElementById("rate-form").hidden = !!data.rating;
  const rated = document.getElementById("rated");
  rated.hidden = !data.rating;
  if (data.rating) {
    rated.textContent = fmt(t.rated, { grade: t.grades[String(data.rating.grade)], at: when(data.rating.rated_at) })
      + (callbackDue ? fmt(t.rated_bad, { due: when(callbackDue) }) : "");
  }
  show("complain-card");
}

onSubmit(document.getElementById("rate-form"), [], async (form) => {
  const grade = Number(form.querySelector("input[name=grade]:checked").value);
  const rated = await api("POST", `/api/public/ratings/${encodeURIComponent(code)}`,
                          { auth: false, body: { grade, comment: fieldValue(form, "comment") } });
  callbackDue = rated.callback_due;
  showVoice({ status: "completed", rating: rated });
});

onSubmit(document.getElementById("complain-form"), ["text"], async (form) => {
  const filed = await api("POST", "/api/public/complaints", { auth: false, body: {
    query_code: code, text: fieldValue(form, "text"), name: fieldValue(form, "name"),
    contact: fieldValue(form, "contact") } });
  const box = document.getElementById("complained");
  box.replaceChildren(t.complained, el("strong", { id: "complaint-code" }, filed.complaint_code), " ",
    el("a", { href: `/complaint/${filed.complaint_code}` }, t.complained_follow));
  box.hidden = false;
  form.hidden = true;
});

async function refresh() {
  try {
    const data = await api("GET", `/api/public/track/${encodeURIComponent(code)}`, { auth: false });
    const states = render(data);
    if (!diagram) {
      show("diagram-card");
      const xml = await api("GET", `/api/public/track/${encodeURIComponent(code)}/diagram`,
                            { auth: false, accept: "application/xml" });
      diagram = await showDiagram(document.getElementById("diagram"), xml, states,
                                  { departments: data.departments || {}, t });
      document.getElementById("legend").replaceChildren(legend(t));
      document.getElementById("diagram").dataset.ready = "true";
    } else {
      diagram.colour(states);
    }
    const now = new Date();
    setText("status-line", fmt(t.refreshed, {
      time: now.toLocaleTimeString("zh-CN", { hour12: false }), seconds: refreshSeconds }));
  } catch (err) {
    if (err.status === 404) {
      problem(t.not_found);
      setText("status-line", "");
      return; // nothing will appear at this code by waiting
    }
    if (err.status === 429) problem(fmt(t.throttled, { seconds: err.retryAfter || refreshSeconds }));
    else if (!diagram) problem(t.load_failed);
  }
  timer = setTimeout(refresh, refreshSeconds * 1000);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && timer) {
    clearTimeout(timer);
    refresh();
  }
});
refresh();
