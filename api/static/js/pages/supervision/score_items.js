// The items behind one figure of a department's score: the tasks late, their late days, the tasks of the
// on-time rate, the cards, orders and red alerts deducted, the complaints or video alerts found upheld. Their number is the figure on the scores page.
import { api, el, fmt, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, param, table } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
const status = document.getElementById("status");
const [period, department, measure] = ["period", "department", "measure"].map(param);

const project = (i) => el("a", { href: `/track/${encodeURIComponent(i.query_code)}` }, i.project_name);
const TASK_COLUMNS = [[t.project, project], [t.code, (i) => i.query_code], [t.step, (i) => i.task_name],
  [t.due_at, (i) => when(i.due_at)], [t.completed_at, (i) => (i.completed_at ? when(i.completed_at) : t.still_open)]];
const RECORD_LINKS = { card: () => "/supervision/orders", order: (i) => `/supervision/orders/${i.id}`,
  alert: (i) => `/supervision/alerts/${i.id}`, complaint: (i) => `/supervision/complaints/${i.id}` };

function what(i) {
  if (i.kind === "card") return `${t.colors[i.color] || i.color}：${i.reason}`;
  if (i.kind === "order") return [i.issued_in_period && t.order_issued, i.missed_in_period && t.order_missed]
    .filter(Boolean).join("，");
  if (i.kind === "complaint") return `${t.findings[i.finding] || i.finding}（${i.code}）`;
  if (i.decision) return `${i.title}：${t.decisions[i.decision] || i.decision}`;
  return i.video ? `${i.title}${t.video_alert}` : i.title;
}

function columns() {
  if (measure === "late_days") return [...TASK_COLUMNS, [t.late_days, (i) => el("strong", {}, i.late_days)]];
  if (measure === "on_time") return [...TASK_COLUMNS, [t.on_time, (i) => el("span",
    { class: `badge ${i.on_time ? "warn-green" : "warn-red"}` }, i.on_time ? t.yes : t.no)]];
  if (["supervision", "complaints", "video"].includes(measure)) return [[t.kind, (i) => t.kinds[i.kind]], [t.at, (i) => when(i.at)],
    [t.what, what], ["", (i) => el("a", { href: RECORD_LINKS[i.kind](i) }, t.open)]];
  return TASK_COLUMNS;
}

function total(items) {
  const n = measure === "late_days" ? items.reduce((sum, i) => sum + i.late_days, 0) : items.length;
  return fmt(t.total[measure] || "{n}", { n, on_time: items.filter((i) => i.on_time).length });
}

try {
  const names = await departmentNames();
  document.getElementById("heading").textContent = fmt(t.heading, {
    department: names[department] || department, period, measure: t.measures[measure] || measure });
  document.getElementById("back").href = `/supervision/scores?period=${encodeURIComponent(period)}`;
  const query = new URLSearchParams({ period, department, measure });
  const { items } = await api("GET", `/api/supervision/scores/items?${query}`);
  document.getElementById("total").textContent = total(items);
  document.getElementById("items").replaceChildren(table(columns(), items, (i) => ({
    dataset: { kind: i.kind, instance: i.instance_id ?? "" } })));
} catch (err) {
  showProblem(status, err);
}
