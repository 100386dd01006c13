// Alert list with filters (source, level, department, state); the filters live in the query string.
import { api, el, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, departmentNames, fillSelect, label, pager, showProblem, table } from "./kit.js";

requireSession(["supervisor", "admin", "window", "reviewer", "lead"]);
const t = strings();
const form = document.getElementById("filters");
const FILTERS = ["source", "level", "department", "state"];

async function load(page = 1) {
  const q = new URLSearchParams({ page, per_page: 30 });
  for (const name of FILTERS) if (form[name].value) q.set(name, form[name].value);
  history.replaceState(null, "", `?${q}`);
  const list = document.getElementById("list");
  try {
    const names = await departmentNames();
    const result = await api("GET", `/api/supervision/alerts?${q}`);
    list.replaceChildren(table([
      ["#", (a) => el("a", { href: `/supervision/alerts/${a.id}` }, a.id)],
      [t.opened, (a) => when(a.opened_at)],
      [t.source_label, (a) => label("source", a.source)],
      [t.level_label, (a) => badge("warn", a.level, "level")],
      [t.department, (a) => names[a.department] || a.department || "—"],
      [t.subject, (a) => el("a", { href: `/supervision/alerts/${a.id}` }, a.title || a.kind)],
      [t.state_label, (a) => badge("alert-state", a.state, "alert_state")],
    ], result.items, (a) => ({ class: `warn-${a.level}`, dataset: { alertId: a.id } })), pager(result, load));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

async function start() {
  const names = await departmentNames();
  fillSelect(form.source, "source");
  fillSelect(form.level, "level");
  fillSelect(form.state, "alert_state");
  fillSelect(form.department, Object.entries(names));
  const given = new URLSearchParams(location.search);
  for (const name of FILTERS) form[name].value = given.get(name) || "";
  form.addEventListener("change", () => load(1));
  load(Number(given.get("page")) || 1);
}

start();
