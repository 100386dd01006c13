// Selections: propose the month's 服务之星 or the year's 优质服务窗口 by the rules, then confirm or reject
// each candidate. Only confirmed ones appear on the public 效能公示 page.
import { api, clearErrors, el, fmt, showErrors, showProblem, strings } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, table } from "./kit.js";

const session = requireSession(["supervisor", "admin"]);
const t = strings();
const form = document.getElementById("selection-form");
const status = document.getElementById("status");
const pct = (r) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);

function period() {
  return form.kind.value === "service_star" ? form.month.value : String(form.year.value || "");
}

function showKind() {
  const star = form.kind.value === "service_star";
  form.querySelector("[data-for=month]").hidden = !star;
  form.querySelector("[data-for=year]").hidden = star;
}

function figures(s) {
  const f = s.figures;
  if (s.kind === "service_star") return fmt(t.star_figures, { ...f, rate: pct(f.satisfaction_rate) });
  return fmt(t.window_figures, f);
}

function decision(s) {
  if (s.status !== "proposed" || session.role !== "supervisor") return s.note || "";
  const note = el("input", { name: "note", "aria-label": t.note, placeholder: t.note });
  const decide = async (choice) => {
    try {
      const done = await api("POST", `/api/supervision/selections/${s.id}/decision`,
                             { body: { decision: choice, note: note.value.trim() || null } });
      status.className = "notice ok";
      status.textContent = fmt(t.decided, { status: t.statuses[done.status], subject: done.subject });
      status.hidden = false;
      await load();
    } catch (err) {
      showProblem(status, err);
    }
  };
  return el("div", { class: "decide" }, note,
    el("button", { type: "button", class: "primary", "data-decision": "confirm", onclick: () => decide("confirm") }, t.confirm),
    el("button", { type: "button", "data-decision": "reject", onclick: () => decide("reject") }, t.reject));
}

function render(items) {
  document.getElementById("candidates").replaceChildren(table([
    [t.rank, (s) => s.rank], [t.subject, (s) => (s.kind === "service_star" ? s.subject : s.department_name)],
    [t.department, (s) => s.department_name], [t.figures, figures],
    [t.status, (s) => badge("state", s.status, "statuses")], ["", decision],
  ], items, (s) => ({ dataset: { subject: s.subject, status: s.status } })));
}

async function load() {
  clearErrors(form);
  const query = new URLSearchParams({ kind: form.kind.value, period: period() });
  document.getElementById("public-link").href = form.kind.value === "service_star"
    ? `/performance?month=${form.month.value}` : "/performance";
  if (!period()) { render([]); return; }
  try {
    render((await api("GET", `/api/supervision/selections?${query}`)).items);
  } catch (err) {
    showProblem(status, err);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  try {
    const { items } = await api("POST", "/api/supervision/selections/proposals",
                                { body: { kind: form.kind.value, period: period() } });
    status.className = "notice ok";
    status.textContent = fmt(t.proposed_n, { n: items.filter((s) => s.status === "proposed").length });
    status.hidden = false;
    render(items);
  } catch (err) {
    // The API names the period; on this page it is the month or the year field, whichever is shown.
    const shown = form.kind.value === "service_star" ? "month" : "year";
    if (err.fields?.period) err.fields = { ...err.fields, [shown]: err.fields.period };
    delete err.fields?.period;
    showErrors(form, err);
  }
});
form.kind.addEventListener("change", () => { showKind(); load(); });
form.month.addEventListener("change", load);
form.year.addEventListener("change", load);

const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
const [y, m] = today.split("-").map(Number);
const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
form.month.value = last;
form.month.max = last;
form.year.value = y - 1;
form.year.max = y - 1;
if (session.role !== "supervisor") form.querySelector("button[type=submit]").hidden = true;
showKind();
load();
