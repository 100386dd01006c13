// The lead department's stage board: each application at a stage it leads, every co-reviewer's state and
// countdown in one row, their opinions together, the stage decision once all are in, and reminders.
import {
  api, clearErrors, countdown, el, fmt, incidentReason, limits, provisionalBadge, readable, showErrors, showProblem, strings, when,
} from "../api.js";
import { requireSession } from "../session.js";
import { drawTransfers } from "../transfers.js";

const t = strings();
const session = requireSession(["lead", "reviewer"]);
document.getElementById("dept-name").textContent = session.department_name || "";

function flash(text, kind = "ok") {
  const saved = document.getElementById("saved");
  saved.className = `notice ${kind}`;
  saved.textContent = text;
  saved.hidden = false;
}

function stateOf(task, stopped) {
  if (!task) return "not_reached";
  if (task.status === "completed") return "completed";
  if (stopped) return "incident";
  if (task.pause) return "paused";
  return task.overdue ? "overdue" : "in_progress";
}

function coReviewer(item, stopped) {
  const task = item.task;
  const state = stateOf(task, stopped);
  const late = !stopped && !!task && task.status !== "completed" && (task.overdue || ["red", "escalated"].includes(task.warning_level));
  const box = el("div", { class: late ? "late" : "", dataset: { department: item.department, state } },
    el("div", {}, el("strong", {}, item.department_name)),
    el("span", { class: `badge state-${state}` }, t.state[state] || state), " ",
    task && task.status !== "completed"
      ? el("span", {}, el("span", { class: "countdown" }, countdown(task.working_days_left)), provisionalBadge(task))
      : task ? el("span", {}, t.decision[item.decision] || item.decision || "") : el("span", { class: "muted" }, t.not_reached));
  const ext = item.pending_extension;
  if (ext && !stopped) {  // the countdown may still move: the unit head has not decided yet
    box.append(el("div", { class: "notice pending-extension" }, fmt(t.pending_extension, { days: ext.working_days }),
      el("div", { class: "muted" }, fmt(t.pending_extension_reason, { reason: ext.reason, at: when(ext.requested_at) }))));
  }
  if (task && task.status !== "completed" && !stopped) {
    const button = el("button", { type: "button", class: late ? "danger remind" : "remind" }, t.remind);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api("POST", `/api/tasks/${task.id}/remind`, { body: { note: t.remind_note } });
        flash(`${item.department_name}：${t.reminded}`);
      } catch (err) {
        flash(readable(err.message, err.code));
      } finally {
        button.disabled = false;
      }
    });
    box.append(el("div", {}, button));
  }
  return box;
}

function decisionForm(row) {
  const option = (value, label, checked) => el("label", { class: "field inline" },
    el("input", { type: "radio", name: "decision", value, checked }), label);
  const form = el("form", { class: "form decide", novalidate: true },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("h3", {}, t.decide_title),
    el("fieldset", { "data-field": "decision" }, el("legend", {}, t.decision_label),
      el("div", { class: "actions" }, option("approve", t.approve, true), option("refuse", t.refuse, false))),
    el("label", { class: "field" }, el("span", {}, t.opinion), el("textarea", { name: "opinion", maxlength: limits().opinion })),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.decide)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const result = await api("POST", `/api/tasks/${row.lead_task.id}/complete`, { body: {
        decision: form.querySelector("input[name=decision]:checked").value,
        opinion: form.elements.opinion.value.trim() || null } });
      if (result.instance_status === "incident") {
        const stopped = result.incident || {};
        flash(`${row.project.name}：${fmt(t.decided_incident, { step: stopped.task || "—", reason: incidentReason(stopped.reason) })}`,
          "incident");
      } else {
        flash(`${row.project.name}：${t.decided}`);
      }
      await load();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

function card(row) {
  const waiting = row.co_reviews.filter((c) => !c.task || c.task.status !== "completed").length;
  const opinions = row.co_reviews.filter((c) => c.task && c.task.status === "completed");
  const stopped = row.status === "incident" ? row.incident || {} : null;
  return el("section", { class: `card board-row${stopped ? " warn-incident" : ""}`,
    dataset: { instanceId: row.instance_id, status: row.status } },
    el("h2", {}, row.project.name, " ", el("span", { class: "muted" }, row.project.code),
      stopped ? [" ", el("span", { class: "badge state-incident" }, t.state.incident)] : null),
    stopped ? el("p", { class: "notice incident", title: stopped.reason || "" },
      fmt(t.incident_line, { step: stopped.task || "—", reason: incidentReason(stopped.reason) })) : null,
    el("div", { class: "muted" }, `${t.stage}：${row.stage.name}`,
      row.lead_task ? el("span", {}, " · ", el("a", { href: `/worklist/${row.instance_id}` }, t.open_work)) : null),
    el("h3", {}, t.co_reviewers),
    el("div", { class: "co" }, ...row.co_reviews.map((c) => coReviewer(c, !!stopped))),
    opinions.length ? el("div", { class: "opinions" }, el("h3", {}, t.opinions),
      el("ul", {}, ...opinions.map((c) => el("li", {}, `${c.department_name}（${t.decision[c.decision] || c.decision || ""}，${when(c.task.completed_at)}）：${c.opinion || t.no_opinion}`)))) : null,
    row.can_decide && !stopped ? decisionForm(row)
      : el("p", { class: "muted" }, waiting && !stopped ? fmt(t.waiting, { n: waiting }) : ""));
}

async function load() {
  try {
    const { items } = await api("GET", "/api/instances/lead-board");
    document.getElementById("board").replaceChildren(...items.map(card));
    document.getElementById("empty").hidden = items.length > 0;
    document.getElementById("status-line").hidden = true;
  } catch (err) {
    showProblem(document.getElementById("problem"), err);
  }
}

load();
if (session.role === "lead") {  // a lead department decides other departments' transfer requests
  drawTransfers(document.getElementById("transfers")).catch((err) => showProblem(document.getElementById("problem"), err));
}
