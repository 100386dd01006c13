// One complaint: who filed it, what it says, and the steps of its handling process.
import { api, countdown, el, fmt, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, departmentNames, label, recordId, table } from "./kit.js";

const session = requireSession(["supervisor", "admin"]);
const t = strings();

try {
  const names = await departmentNames();
  const c = await api("GET", `/api/supervision/complaints/${recordId()}`);
  const satisfied = c.satisfied === null || c.satisfied === undefined ? t.pending : (c.satisfied ? t.yes : t.no);
  document.getElementById("facts").replaceChildren(...[
    [t.code, c.complaint_code], [t.filed, when(c.filed_at)], [t.channel_label, label("channel", c.channel)],
    [t.department, names[c.department] || c.department || "—"],
    [t.project, c.project_name ? `${c.project_name}（${c.approval_query_code}）` : "—"],
    [t.complainant, c.complainant?.name || "—"], [t.contact, c.complainant?.contact || "—"],
    [t.text, c.text], [t.satisfied, satisfied],
    ...(c.alert_id ? [["", el("a", { href: `/supervision/alerts/${c.alert_id}` }, fmt(t.alert, { id: c.alert_id }))]] : []),
  ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  document.getElementById("tasks").replaceChildren(table([
    [t.task_name, (k) => k.name], [t.department, (k) => names[k.department] || k.department],
    [t.task_state, (k) => badge("state", k.status, "state")],
    [t.task_due, (k) => (k.completed_at || k.working_days_left === null || k.working_days_left === undefined
      ? when(k.completed_at || k.due_at) : `${when(k.due_at)}（${countdown(k.working_days_left)}）`)],
    // The bureau's own open steps are handled on the work page, like every department's.
    [t.handle, (k) => (["ready", "claimed"].includes(k.status) && k.department === session.department
      ? el("a", { href: `/worklist/${c.handling_instance_id}?task=${k.id}`, class: "open" }, t.handle_link) : "")],
  ], c.tasks || []));
} catch (err) {
  showProblem(document.getElementById("status"), err);
}
