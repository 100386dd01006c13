// Alert list with filters (source, level, department, state); the filters live in the query string.
// A `since` parameter (the board's "today's new alerts" tile) narrows the list to alerts opened from then on.
import { el, fmt, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, departmentNames, fillSelect, label, pagedList, param } from "./kit.js";

requireSession(["supervisor", "admin", "window", "reviewer", "lead", "head"]);
const t = strings();
const form = document.getElementById("filters");
const FILTERS = ["source", "level", "department", "state"];
const since = param("since");

const names = await departmentNames();
fillSelect(form.source, "source");
fillSelect(form.level, "level");
fillSelect(form.state, "alert_state");
fillSelect(form.department, Object.entries(names));
for (const name of FILTERS) form[name].value = param(name) || "";
if (since) {
  const note = document.getElementById("since-note");
  note.replaceChildren(fmt(t.since_note, { at: when(since) }), " ",
    el("a", { href: "/supervision/alerts", id: "all-alerts" }, t.all_alerts));
  note.hidden = false;
}
const load = pagedList({
  form, filters: FILTERS, path: "/api/supervision/alerts", box: document.getElementById("list"),
  fixed: since ? { since } : {}, inUrl: true,
  columns: [
    ["#", (a) => el("a", { href: `/supervision/alerts/${a.id}` }, a.id)],
    [t.opened, (a) => when(a.opened_at)],
    [t.source_label, (a) => label("source", a.source)],
    [t.level_label, (a) => badge("warn", a.level, "level")],
    [t.department, (a) => names[a.department] || a.department || "—"],
    [t.subject, (a) => el("a", { href: `/supervision/alerts/${a.id}` }, a.title || a.kind)],
    [t.state_label, (a) => badge("alert-state", a.state, "alert_state")],
  ],
  rowAttrs: (a) => ({ class: `warn-${a.level}`, dataset: { alertId: a.id } }),
});
load(Number(param("page")) || 1);
