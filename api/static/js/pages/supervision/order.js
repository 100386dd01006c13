// One order: the department replies; the bureau accepts the reply or sends it back.
import { api, checkRequired, el, fmt, showErrors, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, departmentNames, label, recordId } from "./kit.js";

const session = requireSession(["supervisor", "admin", "window", "reviewer", "lead", "head"]);
const t = strings();
const id = recordId();
const replyForm = document.getElementById("reply-form");
const decisionForm = document.getElementById("decision-form");
let names = {};

function draw(order) {
  document.getElementById("facts").replaceChildren(...[
    [t.department, names[order.department] || order.department],
    [t.kind, label("order_kind", order.kind)],
    [t.content, order.content],
    [t.issued, `${order.issued_by} · ${when(order.issued_at)}`],
    [t.due, when(order.due_at)],
    [t.status, badge("order", order.status, "order_status")],
    ...(order.alert_id ? [["", el("a", { href: `/supervision/alerts/${order.alert_id}` }, fmt(t.alert, { id: order.alert_id }))]] : []),
  ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  document.getElementById("reply").replaceChildren(order.reply
    ? el("blockquote", {}, order.reply, order.late ? t.late : "",
      el("footer", { class: "muted" }, `${order.replied_by} · ${when(order.replied_at)}`))
    : el("p", { class: "muted" }, t.no_reply));
  replyForm.hidden = !(["window", "reviewer", "lead"].includes(session.role)
    && session.department === order.department && order.status === "issued");
  // decision_reason keeps every decision (rejections, then the acceptance) as one dated line each
  const decisions = (order.decision_reason || "").split("\n").filter(Boolean);
  document.getElementById("decision").replaceChildren(decisions.length
    ? el("ul", { class: "plain" }, ...decisions.map((line) => el("li", {}, line))) : "");
  decisionForm.hidden = !(session.role === "supervisor" && order.status === "replied");
}

async function load() {
  try {
    draw(await api("GET", `/api/supervision/orders/${id}`));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

replyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(replyForm, ["reply"])) return;
  try {
    draw(await api("POST", `/api/supervision/orders/${id}/reply`, { body: { reply: replyForm.reply.value.trim() } }));
  } catch (err) {
    showErrors(replyForm, err);
  }
});

decisionForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const accept = event.submitter?.value === "accept";
  try {
    draw(await api("POST", `/api/supervision/orders/${id}/decision`,
      { body: { accept, reason: decisionForm.reason.value.trim() || null } }));
  } catch (err) {
    showErrors(decisionForm, err);
  }
});

names = await departmentNames();
load();
