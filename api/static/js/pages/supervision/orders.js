// Orders (督办单) with their status, and the red/yellow cards issued to departments.
import { api, checkRequired, el, limits, showErrors, showProblem, strings, when } from "../../api.js";
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
