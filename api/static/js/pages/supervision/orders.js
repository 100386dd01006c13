// Orders (督办单) with their status, and the red/yellow cards issued to departments.
import { api, checkRequired, el, fmt, limits, showErrors, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { drawTransfers } from "../../transfers.js";
import { badge, departmentNames, fillSelect, label, pagedList, table } from "./kit.js";

const session = requireSession(["supervisor", "admin", "window", "reviewer", "lead", "head"]);
const bureau = session.role === "supervisor";
const orderForm = document.getElementById("order-form");
const t = strings();
const form = document.getElementById("filters");
const names = await departmentNames();

/** 摘牌: the bureau lifts a card with a reason (asked for inline). */
function liftButton(card) {
  return el("button", { type: "button", class: "link", onclick: (event) => {
    const input = el("input", { "aria-label": t.lift_reason, placeholder: t.lift_reason, maxlength: limits().supervision_text });
    const ok = el("button", { type: "button", class: "primary", onclick: async () => {
      if (!input.value.trim()) { input.setAttribute("aria-invalid", "true"); return; }
      try {
        await api("POST", `/api/supervision/cards/${card.id}/lift`, { body: { reason: input.value.trim() } });
        loadCards();
      } catch (err) {
        showProblem(document.getElementById("status"), err);
      }
    } }, t.lift);
    event.target.replaceWith(el("span", { class: "actions" }, input, ok));
    input.focus();
  } }, t.lift);
}

async function loadCards() {
  try {
    const result = await api("GET", "/api/supervision/cards");
    document.getElementById("cards").replaceChildren(table([
      [t.color, (c) => badge("warn", c.color, "card_color")],
      [t.department, (c) => names[c.department] || c.department],
      [t.reason, (c) => c.reason],
      [t.issued, (c) => when(c.issued_at)],
      [t.status, (c) => (c.active ? el("span", {}, t.active, " ", bureau ? liftButton(c) : "")
        : `${t.lifted}（${when(c.lifted_at)}）${c.lift_reason ? `：${c.lift_reason}` : ""}`)],
      ["", (c) => (c.alert_id ? el("a", { href: `/supervision/alerts/${c.alert_id}` }, `#${c.alert_id}`) : "")],
    ], result.items));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

orderForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(orderForm, ["content"])) return;
  try {
    const order = await api("POST", "/api/supervision/orders", { body: { kind: orderForm.kind.value,
      department: orderForm.department.value, content: orderForm.content.value.trim(),
      reply_working_days: Number(orderForm.reply_working_days.value) } });
    location.assign(`/supervision/orders/${order.id}`);
  } catch (err) {
    showErrors(orderForm, err);
  }
});

document.getElementById("issue-order").hidden = !bureau;
fillSelect(orderForm.department, Object.entries(names), { all: false });
fillSelect(form.status, "order_status");
fillSelect(form.department, Object.entries(names));
pagedList({
  form, filters: ["status", "department"], path: "/api/supervision/orders", box: document.getElementById("orders"),
  columns: [
    ["#", (o) => el("a", { href: `/supervision/orders/${o.id}` }, o.id)],
    [t.kind, (o) => label("order_kind", o.kind)],
    [t.department, (o) => names[o.department] || o.department],
    [t.content, (o) => el("a", { href: `/supervision/orders/${o.id}` }, o.content.slice(0, 60))],
    [t.issued, (o) => when(o.issued_at)],
    [t.due, (o) => when(o.due_at)],
    [t.status, (o) => el("span", {}, badge("order", o.status, "order_status"), o.late ? ` ${t.late}` : "")],
  ],
})();
loadCards();
if (bureau) drawTransfers(document.getElementById("transfers")).catch((err) => showProblem(document.getElementById("status"), err));

/** One bad review's follow-up: the department records what it did; the bureau reads it. */
function followUpItem(f) {
  const done = f.done_at
    ? el("div", { class: "notice ok" }, fmt(t.follow_up_done, { by: f.done_by, at: when(f.done_at), note: f.note }))
    : null;
  const item = el("li", { dataset: { followUpId: f.id } },
    el("div", {}, el("strong", {}, fmt(t.follow_up_line, { kind: t.follow_up_kind[f.kind] || f.kind,
      project: f.project_name, grade: f.grade, at: when(f.rated_at) })), " ",
    names[f.department] || f.department, f.overdue ? el("span", { class: "badge state-overdue" }, t.late) : null),
    f.comment ? el("div", { class: "muted" }, fmt(t.follow_up_comment, { comment: f.comment })) : null,
    el("div", { class: "muted" }, fmt(t.follow_up_due, { due: when(f.due_at) })), done);
  if (f.done_at || !DEPARTMENT_ROLES.includes(session.role)) return item;
  const form = el("form", { class: "form", novalidate: true },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("label", { class: "field" }, el("span", {}, t.follow_up_note),
      el("textarea", { name: "note", maxlength: limits().follow_up_note })),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.follow_up_submit)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkRequired(form, ["note"])) return;
    try {
      await api("POST", `/api/supervision/follow-ups/${f.id}/done`, { body: { note: form.elements.note.value.trim() } });
      await loadFollowUps();
    } catch (err) {
      showErrors(form, err);
    }
  });
  item.append(form);
  return item;
}

const DEPARTMENT_ROLES = ["window", "reviewer", "lead", "head"];
const onlyOpen = document.getElementById("only-open");

async function loadFollowUps() {
  try {
    const data = await api("GET", `/api/supervision/follow-ups?per_page=100&open=${onlyOpen.checked}`);
    document.getElementById("follow-ups").replaceChildren(...data.items.map(followUpItem));
    document.getElementById("follow-ups-empty").hidden = data.items.length > 0;
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

onlyOpen.addEventListener("change", loadFollowUps);
loadFollowUps();
