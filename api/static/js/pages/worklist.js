// Department worklist: own open tasks one page at a time, sortable by due date, coloured by warning level,
// with a working-day countdown; each row opens the application's work page.
import {
  api, clearErrors, countdown, el, fmt, incidentReason, limits, provisionalBadge, provisionalNotice, showErrors,
  showProblem, strings, when,
} from "../api.js";
import { requireSession } from "../session.js";

const t = strings();
const session = requireSession(["reviewer", "lead", "head", "window", "supervisor"]);
const PER_PAGE = 50;
let sort = new URLSearchParams(location.search).get("sort") === "-due_at" ? "-due_at" : "due_at";
let page = 1;

document.getElementById("dept-name").textContent = session.department_name || "";

function statusBadge(task) {
  const state = task.incident ? "incident" : task.pause ? "paused" : task.overdue ? "overdue" : task.status;
  return el("span", { class: `badge state-${state}` }, t.state[state] || state);
}

/** Why an incident stops the task: in words, with the engine's message in the tooltip. */
function incidentLine(incident) {
  const step = incident.task || "—";
  return el("div", { class: "incident-reason", title: incident.reason || "" },
    fmt(t.incident_cause, { reason: incidentReason(incident.reason), step }), el("br"),
    el("small", {}, t.incident_row));
}

function row(task) {
  const cell = (label, ...content) => el("td", { "data-label": label }, ...content);
  const href = `/worklist/${task.instance_id}?task=${task.id}`;
  // An incident's task is neither on time nor late: it shows as 故障 and cannot be worked on until retried.
  const level = task.incident ? "incident" : task.warning_level;
  return el("tr", { class: `warn-${level}`, dataset: { taskId: task.id, due: task.due_at || "", ...(task.incident ? { incident: "true" } : {}) } },
    cell(t.project, el("a", { href }, task.project_name || `#${task.instance_id}`)),
    cell(t.task, task.name, task.incident ? incidentLine(task.incident) : null),
    cell(t.status, statusBadge(task)),
    cell(t.warning_level, task.incident ? "—"
      : el("span", { class: `badge warn-${task.warning_level}` }, t.warning[task.warning_level])),
    cell(t.due, when(task.due_at), provisionalBadge(task)),
    cell(t.countdown, el("span", { class: "countdown" }, countdown(task.working_days_left))),
    cell(t.assignee, task.assignee || "—"),
    el("td", {}, el("a", { href, class: "open" }, task.incident ? t.view : t.open)));
}

async function load() {
  const problem = document.getElementById("problem");
  try {
    // The bureau may read every department's tasks; its worklist is its own steps (complaints, reviews).
    const own = session.role === "supervisor" ? `&department=${encodeURIComponent(session.department)}` : "";
    const data = await api("GET", `/api/tasks?sort=${sort}&page=${page}&per_page=${PER_PAGE}${own}`);
    const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
    document.querySelector("#tasks tbody").replaceChildren(...data.items.map(row));
    document.getElementById("tasks").hidden = !data.items.length;
    document.getElementById("provisional-note").replaceChildren(
      ...[provisionalNotice(data.items.filter((i) => !i.incident))].filter(Boolean));
    document.getElementById("empty").hidden = !!data.items.length;
    document.getElementById("total").textContent = fmt(t.total, { n: data.total });
    document.getElementById("pager").hidden = pages < 2;
    document.getElementById("page-info").textContent = fmt(t.page, { page, pages });
    document.getElementById("prev").disabled = page <= 1;
    document.getElementById("next").disabled = page >= pages;
    document.getElementById("status-line").hidden = true;
    problem.hidden = true;
  } catch (err) {
    showProblem(problem, err);
  }
}

function drawSort() {
  const button = document.getElementById("sort");
  button.dataset.sort = sort;
  button.textContent = sort === "due_at" ? t.sort_due_asc : t.sort_due_desc;
}

document.getElementById("sort").addEventListener("click", () => {
  sort = sort === "due_at" ? "-due_at" : "due_at";
  page = 1;
  drawSort();
  history.replaceState(null, "", `?sort=${sort}`);
  load();
});
document.getElementById("prev").addEventListener("click", () => { page -= 1; load(); });
document.getElementById("next").addEventListener("click", () => { page += 1; load(); });
/** A unit head decides its own unit's extension requests here (本单位负责人审批). */
function approvalItem(ext) {
  const form = el("form", { class: "form", novalidate: true, dataset: { extensionId: ext.id } },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("div", {}, el("a", { href: `/worklist/${ext.instance_id}?task=${ext.task_id}` }, fmt(t.approval_line, {
      task: `#${ext.instance_id}`, days: ext.working_days, by: ext.requested_by, at: when(ext.requested_at) }))),
    el("div", { class: "muted" }, fmt(t.approval_reason, { reason: ext.reason })),
    el("label", { class: "field" }, el("span", {}, t.refuse_reason), el("input", { name: "reason", maxlength: limits().decision_reason })),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "primary", value: "approve" }, t.approve_extension),
      el("button", { type: "submit", value: "refuse" }, t.refuse_extension)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const approve = event.submitter?.value === "approve";
    try {
      await api("POST", `/api/extensions/${ext.id}/decision`, { body: {
        approve, reason: form.elements.reason.value.trim() || null } });
      await loadApprovals();
      await load();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return el("li", {}, form);
}

async function loadApprovals() {
  const data = await api("GET", "/api/extensions");
  document.getElementById("approvals").replaceChildren(...data.items.map(approvalItem));
  document.getElementById("approvals-empty").hidden = data.items.length > 0;
  document.getElementById("approvals-card").hidden = false;
}

drawSort();
load();
if (session.role === "head") loadApprovals().catch((err) => showProblem(document.getElementById("problem"), err));
