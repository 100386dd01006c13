// A complaint followed by its code: where its handling stands, the bureau's findings and reply, and the
// satisfaction call-back the complainant answers here instead of waiting for the bureau's phone call.
import { api, clearErrors, el, fmt, showErrors, showLookupProblem, strings, when } from "../api.js";
import { drawHeader } from "../session.js";

const t = strings();
const root = document.getElementById("complaint-page");
const code = root.dataset.code;
const url = `/api/public/complaints/${encodeURIComponent(code)}`;
drawHeader();

function step(task) {
  const done = task.state === "completed";
  return el("li", { class: done ? "warn-green" : "", dataset: { state: task.state } },
    el("div", { class: "actions" }, el("strong", {}, task.name),
      el("span", { class: `badge state-${task.state}` }, t.state[task.state] || task.state)),
    el("div", { class: "muted" }, done ? `${t.completed}：${when(task.completed_at)}` : `${t.due}：${when(task.due_at)}`));
}

function answer(label, text, id) {
  return el("div", { class: "answer-block", id }, el("h2", {}, label), el("p", { class: "answer" }, text));
}

function show(data) {
  document.getElementById("status-line").hidden = true;
  document.getElementById("facts").replaceChildren(
    el("dt", {}, t.code_label), el("dd", { id: "complaint-code" }, data.complaint_code),
    el("dt", {}, t.filed_at), el("dd", {}, when(data.filed_at)),
    el("dt", {}, t.department), el("dd", {}, data.department_name || "—"),
    el("dt", {}, t.stage), el("dd", { id: "stage" }, data.stage));
  document.getElementById("answers").replaceChildren(...[
    data.not_accepted_reason ? el("p", { class: "notice", id: "not-accepted" },
      fmt(t.not_accepted, { reason: data.not_accepted_reason })) : null,
    data.finding ? answer(t.finding, data.finding, "finding") : null,
    data.reply ? answer(t.reply, data.reply, "reply") : null,
  ].filter(Boolean));
  document.getElementById("summary").hidden = false;
  document.getElementById("steps").replaceChildren(...data.tasks.map(step));
  document.getElementById("steps-card").hidden = data.tasks.length === 0;
  document.getElementById("feedback-card").hidden = !data.awaiting_feedback;
  // The recorded verdict follows a little later than the handling's end, which already says it.
  const verdict = data.satisfied ?? { end_satisfied: true, end_dissatisfied: false }[data.outcome_event];
  const done = document.getElementById("feedback-done");
  done.hidden = verdict === undefined || verdict === null;
  if (!done.hidden) {
    done.textContent = fmt(t.feedback_done, { answer: verdict ? t.satisfied_yes : t.satisfied_no })
      + (verdict ? "" : t.feedback_order);
  }
}

const form = document.getElementById("feedback-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const satisfied = form.querySelector("input[name=satisfied]:checked").value === "true";
    const comment = form.elements.comment.value.trim() || null;
    show(await api("POST", `${url}/feedback`, { body: { satisfied, comment }, auth: false }));
  } catch (err) {
    showErrors(form, err);
  } finally {
    button.disabled = false;
  }
});

try {
  show(await api("GET", url, { auth: false }));
} catch (err) {
  showLookupProblem(err);
}
