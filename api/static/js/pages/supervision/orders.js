// Orders (督办单) with their status, and the red/yellow cards issued to departments.
import { api, el, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, departmentNames, fillSelect, label, pager, showProblem, table } from "./kit.js";

requireSession(["supervisor", "admin", "window", "reviewer", "lead"]);
const t = strings();
const form = document.getElementById("filters");
let names = {};

async function loadOrders(page = 1) {
  const q = new URLSearchParams({ page, per_page: 30 });
  for (const name of ["status", "department"]) if (form[name].value) q.set(name, form[name].value);
  try {
    const result = await api("GET", `/api/supervision/orders?${q}`);
    document.getElementById("orders").replaceChildren(table([
      ["#", (o) => el("a", { href: `/supervision/orders/${o.id}` }, o.id)],
      [t.kind, (o) => label("order_kind", o.kind)],
      [t.department, (o) => names[o.department] || o.department],
      [t.content, (o) => el("a", { href: `/supervision/orders/${o.id}` }, o.content.slice(0, 60))],
      [t.issued, (o) => when(o.issued_at)],
      [t.due, (o) => when(o.due_at)],
      [t.status, (o) => el("span", {}, badge("order", o.status, "order_status"), o.late ? ` ${t.late}` : "")],
    ], result.items), pager(result, loadOrders));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

async function loadCards() {
  try {
    const result = await api("GET", "/api/supervision/cards");
    document.getElementById("cards").replaceChildren(table([
      [t.color, (c) => badge("warn", c.color, "card_color")],
      [t.department, (c) => names[c.department] || c.department],
      [t.reason, (c) => c.reason],
      [t.issued, (c) => when(c.issued_at)],
      [t.status, (c) => (c.active ? t.active : `${t.lifted}（${when(c.lifted_at)}）`)],
      ["", (c) => (c.alert_id ? el("a", { href: `/supervision/alerts/${c.alert_id}` }, `#${c.alert_id}`) : "")],
    ], result.items));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

names = await departmentNames();
fillSelect(form.status, "order_status");
fillSelect(form.department, Object.entries(names));
form.addEventListener("change", () => loadOrders(1));
loadOrders();
loadCards();
