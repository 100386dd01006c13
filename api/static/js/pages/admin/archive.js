// Archive lookup (归档查询): applications archived after their retention, found by query or project code and
// read back from their archive file. Read-only: nothing here changes an archived application.
import { api, el, fmt, groupedCode, notice, showProblem, strings, when } from "../../api.js";
import { table } from "../../lists.js";
import { requireSession } from "../../session.js";
import { departmentNames } from "../supervision/kit.js";

requireSession(["admin"]);
const t = strings();
const status = document.getElementById("status");
const results = document.getElementById("archive-results");
const detail = document.getElementById("archive-detail");
const form = document.getElementById("archive-search");
let departments = {};

async function show(code) {
  try {
    const item = await api("GET", `/api/admin/archive/${encodeURIComponent(code)}`);
    const record = item.instance;
    detail.replaceChildren(
      el("h2", { id: "archive-detail-title" }, `${item.project_name}（${groupedCode(item.query_code)}）`),
      el("p", { class: item.file_intact ? "hint" : "notice error", id: "file-check" },
        item.file_intact ? t.file_intact : t.file_changed),
      el("p", {}, `${t.applicant}：${record.applicant_name}　${t.project_code}：${item.project_code}　`
        + `${t.completed_at}：${when(item.completed_at)}　${t.archive_file}：${item.archive_file}`),
      el("h3", {}, t.tasks),
      table([
        [t.task, (x) => x.name], [t.department, (x) => departments[x.department_code] || x.department_code],
        [t.task_state, (x) => t.task_states[x.status] || x.status],
        [t.created, (x) => when(x.created_at)], [t.done, (x) => when(x.completed_at)],
      ], item.tasks, (x) => ({ "data-task": x.bpmn_id })),
      el("h3", {}, t.history),
      table([
        [t.time, (x) => when(x.at)], [t.actor, (x) => x.actor || "—"],
        [t.action, (x) => t.actions[x.action] || x.action],
      ], item.history, (x) => ({ "data-seq": x.seq })),
    );
    detail.hidden = false;
  } catch (err) {
    showProblem(status, err);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = form.code.value.trim();
  detail.hidden = true;
  if (!code) return;
  try {
    const { items } = await api("GET", `/api/admin/archive?code=${encodeURIComponent(code)}`);
    status.hidden = true;
    if (!items.length) {
      results.replaceChildren();
      notice(status, "", fmt(t.not_found, { code }));
      return;
    }
    results.replaceChildren(table([
      [t.query_code, (x) => groupedCode(x.query_code)], [t.project, (x) => x.project_name],
      [t.project_code, (x) => x.project_code], [t.completed_at, (x) => when(x.completed_at)],
      [t.archived_at, (x) => when(x.archived_at)],
      ["", (x) => el("button", { type: "button", "data-code": x.query_code, onclick: () => show(x.query_code) },
        t.view)],
    ], items, (x) => ({ "data-code": x.query_code })));
  } catch (err) {
    showProblem(status, err);
  }
});

departments = await departmentNames();

