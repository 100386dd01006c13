// Incidents (办件故障): applications an error in their diagram stopped. Each can be retried with corrected data
// (a JSON object merged into the failed step's data); the server then derives every deadline again.
import {
  api, ApiError, beijingTime, clearErrors, el, fmt, groupedCode, incidentReason, notice, provisionalBadge, showErrors,
  showProblem, strings, when,
} from "../../api.js";
import { requireSession } from "../../session.js";

requireSession(["admin"]);
const t = strings();
const status = document.getElementById("status");
const box = document.getElementById("incidents");
const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
let processNames = {};  // definition key -> its name

function invalid(message) {
  return new ApiError(0, "invalid", "", { data: [message] }, null);
}

/** The textarea's text as the retry's data: empty is {}, anything but a JSON object is refused here. */
function correctedData(text) {
  if (!text.trim()) return {};
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid(t.bad_json);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw invalid(t.not_object);
  const bad = Object.keys(data).find((key) => !KEY.test(key));
  if (bad !== undefined) throw invalid(fmt(t.bad_key, { key: bad }));
  return data;
}

/** What the retry answered: running again (with the open steps and their new due dates), done, or failed again. */
function retried(item, instance) {
  const code = groupedCode(item.query_code);
  if (instance.status === "incident") {
    const stopped = instance.incident || {};
    notice(status, "error", fmt(t.still_incident, { code, step: stopped.task || "—",
      reason: incidentReason(stopped.reason) }));
    return;
  }
  if (instance.status === "completed") {
    notice(status, "ok", fmt(t.retried_done, { code }));
    return;
  }
  const open = instance.tasks.filter((task) => ["ready", "claimed"].includes(task.status));
  notice(status, "ok", fmt(t.retried, { code }),
    open.length ? el("div", {}, t.open_tasks) : "",
    open.length ? el("ul", { id: "retried-tasks" }, open.map((task) => el("li", { dataset: { due: task.due_at || "" } },
      fmt(t.task_due, { name: task.name, due: when(task.due_at) }), provisionalBadge(task)))) : "");
}

function retryForm(item) {
  const form = el("form", { class: "form", novalidate: true, dataset: { action: "retry" } },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("label", { class: "field" }, el("span", {}, t.data_label),
      el("textarea", { name: "data", rows: 3, spellcheck: "false", placeholder: t.data_placeholder })),
    el("p", { class: "hint" }, t.data_hint),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.retry)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button[type=submit]");
    let data;
    try {
      data = correctedData(form.elements.data.value);
    } catch (err) {
      showErrors(form, err);  // nothing is sent when the data cannot be read
      return;
    }
    button.disabled = true;
    button.textContent = t.retrying;
    try {
      const instance = await api("POST", `/api/instances/${item.id}/retry`, { body: { data } });
      retried(item, instance);
      await load();  // the retried item leaves the list before the form is usable again
    } catch (err) {
      showErrors(form, err);
    } finally {
      button.disabled = false;
      button.textContent = t.retry;
    }
  });
  return form;
}

function card(item) {
  const stopped = item.incident || {};
  return el("section", { class: "card warn-incident incident-item", dataset: { instanceId: item.id, code: item.query_code } },
    el("div", { class: "heading" },
      el("h2", {}, item.project_name, " ", el("span", { class: "badge state-incident" }, t.badge)),
      el("a", { href: `/track/${item.query_code}`, target: "_blank", rel: "noopener" }, t.track)),
    el("dl", { class: "facts" },
      el("dt", {}, t.query_code), el("dd", { class: "query-code" }, groupedCode(item.query_code)),
      el("dt", {}, t.process), el("dd", {}, fmt(t.version, {
        name: processNames[item.definition_key] || item.definition_key, key: item.definition_key,
        n: item.definition_version })),
      el("dt", {}, t.created_at), el("dd", {}, when(item.created_at)),
      el("dt", {}, t.step), el("dd", {}, stopped.task || "—"),
      el("dt", {}, t.reason), el("dd", { class: "status-incident" }, incidentReason(stopped.reason)),
      el("dt", {}, t.at), el("dd", {}, beijingTime(stopped.at)),
      el("dt", {}, t.detail), el("dd", {}, el("code", { class: "muted" }, stopped.reason || "—"))),
    retryForm(item));
}

async function loadProcessNames() {
  try {
    const { items } = await api("GET", "/api/definitions");
    processNames = Object.fromEntries(items.filter((d) => d.name).map((d) => [d.key, d.name]));
  } catch {
    processNames = {};  // the keys are shown then
  }
}

async function load() {
  try {
    const { items } = await api("GET", "/api/admin/incidents");
    box.replaceChildren(...(items.length ? items.map(card) : [el("p", { class: "muted empty" }, t.empty)]));
    document.body.dataset.loaded = "true";
  } catch (err) {
    showProblem(status, err);
  }
}

await loadProcessNames();
load();
