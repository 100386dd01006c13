// The live board: polls the board every few seconds without reloading, draws the ECharts trends.
import { api, countdown, el, fmt, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, label, table, wireChainCheck } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
// A wall display may choose its own rate (?refresh=5); never faster than every 2 seconds.
const REFRESH_SECONDS = Math.max(2, Number(new URLSearchParams(location.search).get("refresh")) || 15);
let refreshes = 0;
// Work an incident stopped (an error in its diagram) is counted in its own column, apart from the warnings.
const LEVELS = ["green", "yellow", "red", "escalated", "incident"];
const COLOURS = { green: "#15803d", yellow: "#ca8a04", red: "#b91c1c", escalated: "#7e22ce", incident: "#7f1d1d" };
let names = {};
let processNames = {};  // definition key -> its name, for diagrams without named stages
let lastBoard = null;
const charts = {};

/**
 * "超期 N 个工作日" (or the working days left) from the API's working_days_left; from calendar days to the
 * due time where a server does not send the field yet.
 */
function dueText(item) {
  const left = item.working_days_left;
  if (typeof left === "number") return left < 0 ? fmt(t.overdue_working_days, { n: -left }) : countdown(left);
  if (!item.due_at) return "—";
  const days = Math.ceil((new Date(item.due_at) - Date.now()) / 86400000);
  if (days < 0) return fmt(t.overdue_days, { n: -days });
  return days === 0 ? t.due_today : fmt(t.calendar_days_left, { n: days });
}

/** Today's new alerts, as the alert list filtered from the instant the board counts them. */
function alertsTodayUrl(today) {
  return today.since ? `/supervision/alerts?${new URLSearchParams({ since: today.since })}` : "/supervision/alerts";
}

function drawKpis(board) {
  const today = board.alerts_today || { total: 0, by_source: {} };
  const totals = Object.fromEntries(LEVELS.map((l) => [l, board.cells.reduce((s, c) => s + (c[l] || 0), 0)]));
  document.getElementById("kpis").replaceChildren(
    el("a", { class: "kpi kpi-alerts", href: alertsTodayUrl(today) },
      el("strong", {}, today.total), el("span", {}, t.alerts_today),
      el("small", {}, Object.entries(today.by_source).map(([s, n]) => `${label("source", s)} ${n}`).join(" · "))),
    ...LEVELS.filter((level) => level !== "incident").map((level) => el("div", { class: `kpi warn-${level}` },
      el("strong", {}, totals[level]), el("span", {}, t.warning[level]))),
    el("a", { class: "kpi warn-incident", href: "/supervision/alerts?source=incident", title: t.incident_hint },
      el("strong", {}, totals.incident), el("span", {}, t.incident_kpi), el("small", {}, t.incident_hint)));
}

function drawCells(board) {
  // Stages s1…s4 have names; other processes count as one stage named by their key.
  const stageName = (c) => (c.stage_name && c.stage_name !== c.stage ? c.stage_name
    : t.process_names?.[c.stage] || processNames[c.stage] || c.stage);
  const stages = [...new Map(board.cells.map((c) => [c.stage, stageName(c)])).entries()].sort();
  const departments = [...new Set(board.cells.map((c) => c.department))].sort();
  const byKey = new Map(board.cells.map((c) => [`${c.department}|${c.stage}`, c]));
  const head = el("tr", {}, el("th", { scope: "col" }, t.department),
    stages.map(([code, name]) => el("th", { scope: "col" }, name)));
  const rows = departments.map((dept) => el("tr", {},
    el("th", { scope: "row" }, names[dept] || dept),
    stages.map(([stage, stageName]) => {
      const cell = byKey.get(`${dept}|${stage}`);
      if (!cell) return el("td", { class: "empty-cell" }, "");
      return el("td", {}, el("div", { class: "counts" }, LEVELS.filter((l) => cell[l]).map((level) =>
        el("button", {
          type: "button", class: `count warn-${level}`, title: `${t.warning[level]} ${cell[level]}`,
          dataset: { department: dept, stage, level },
          onclick: () => showItems(dept, stage, stageName, level),
        }, cell[level]))));
    })));
  const grid = document.getElementById("cells");
  grid.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  if (!departments.length) grid.replaceChildren(el("tbody", {}, el("tr", {}, el("td", {}, t.none))));
}

async function showItems(department, stage, stageName, level) {
  const box = document.getElementById("cell-items");
  box.hidden = false;
  box.replaceChildren(el("p", {}, t.loading));
  try {
    const q = new URLSearchParams({ department, stage, level });
    const result = await api("GET", `/api/supervision/board/items?${q}`);
    box.replaceChildren(
      el("div", { class: "heading" },
        el("h3", {}, fmt(t.items_title, { department: names[department] || department, stage: stageName }),
          " ", el("span", { class: `badge warn-${level}` }, t.warning[level])),
        el("button", { type: "button", onclick: () => { box.hidden = true; } }, t.items_close)),
      table([[t.project, (i) => i.project_name], [t.query_code, (i) => i.query_code],
        [t.task, (i) => (i.instance_status === "incident"
          ? el("span", {}, i.name, " ", el("span", { class: "badge warn-incident" }, t.warning.incident)) : i.name)],
        [t.due, (i) => `${when(i.due_at)}（${dueText(i)}）`]], result.items,
      (i) => ({ class: `warn-${i.instance_status === "incident" ? "incident" : i.level}` })));
    box.scrollIntoView({ block: "nearest" });
  } catch (err) {
    showProblem(box, err);
  }
}

function drawRedList(board) {
  const shown = board.red_list.length;
  document.getElementById("red-total").textContent = board.red_total > shown
    ? fmt(t.red_total_shown, { n: board.red_total, shown }) : fmt(t.red_total, { n: board.red_total });
  document.getElementById("red-list").replaceChildren(table([
    [t.project, (i) => i.project_name],
    [t.department, (i) => names[i.department] || i.department],
    [t.task, (i) => i.name],
    [t.due, (i) => el("span", {}, when(i.due_at), el("br"), el("small", {}, dueText(i)))],
  ], board.red_list, (i) => ({ class: `warn-${i.level}` })));
}

function drawOnTime(board) {
  const rate = (r) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);
  document.getElementById("on-time").replaceChildren(table([
    [t.department, (i) => names[i.department] || i.department],
    [t.completed, (i) => i.completed], [t.open_late, (i) => i.open_late],
    [t.on_time_rate, (i) => rate(i.rate)],
  ], board.on_time), el("p", { class: "hint" }, t.on_time_note));
  drawOnTimeChart(board);
}

function chart(id) {
  if (!window.echarts) return null;
  if (!charts[id]) charts[id] = window.echarts.init(document.getElementById(id), null, { renderer: "canvas" });
  return charts[id];
}

function drawOnTimeChart(board) {
  const c = chart("chart-on-time");
  if (!c) return;
  const rows = board.on_time.filter((r) => r.rate !== null);
  c.setOption({
    animation: false, grid: { left: 40, right: 10, top: 20, bottom: 40 }, tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map((r) => names[r.department] || r.department), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "bar", name: t.on_time_rate, data: rows.map((r) => +(r.rate * 100).toFixed(1)),
      itemStyle: { color: COLOURS.green } }],
  });
}

async function drawTrendCharts() {
  const data = await api("GET", "/api/supervision/charts?days=30&months=12");
  const warnings = chart("chart-warnings");
  if (warnings) {
    warnings.setOption({
      animation: false, legend: { top: 0 }, grid: { left: 36, right: 10, top: 30, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.warnings_by_day.map((d) => d.day.slice(5)) },
      yAxis: { type: "value", minInterval: 1 },
      series: ["yellow", "red", "escalated"].map((level) => ({
        type: "bar", stack: "w", name: t.warning[level], itemStyle: { color: COLOURS[level] },
        data: data.warnings_by_day.map((d) => d[level]) })),
    });
  }
  const complaints = chart("chart-complaints");
  if (complaints) {
    complaints.setOption({
      animation: false, grid: { left: 36, right: 10, top: 20, bottom: 30 }, tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.complaints_by_month.map((d) => d.month) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", name: t.count, data: data.complaints_by_month.map((d) => d.count),
        itemStyle: { color: "#1d4ed8" }, areaStyle: { opacity: 0.15 } }],
    });
  }
}

async function refresh() {
  try {
    const board = await api("GET", "/api/supervision/board");
    lastBoard = board;
    drawKpis(board);
    drawCells(board);
    drawRedList(board);
    drawOnTime(board);
    const at = new Date().toLocaleTimeString("zh-CN", { hour12: false });
    document.getElementById("refreshed").textContent =
      `${fmt(t.refreshed, { at })} · ${fmt(t.auto_refresh, { n: REFRESH_SECONDS })}`;
    refreshes += 1;
    document.body.dataset.boardLoaded = "true";
    document.body.dataset.refreshes = String(refreshes);
  } catch (err) {
    showProblem(document.getElementById("chain-result"), err);
  }
}

/** {key: name} of the deployed processes; empty on failure (the keys are shown then). */
async function loadProcessNames() {
  try {
    const { items } = await api("GET", "/api/definitions");
    return Object.fromEntries(items.filter((d) => d.name).map((d) => [d.key, d.name]));
  } catch {
    return {};
  }
}

async function start() {
  [names, processNames] = await Promise.all([departmentNames(), loadProcessNames()]);
  await refresh();
  // ECharts is a classic deferred script: it has run before this module, but wait just in case.
  if (!window.echarts) await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  if (lastBoard) drawOnTimeChart(lastBoard);
  await drawTrendCharts().catch((err) => showProblem(document.getElementById("chain-result"), err));
  document.body.dataset.chartsDrawn = "true";
  setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_SECONDS * 1000);
  setInterval(() => { if (!document.hidden) drawTrendCharts().catch(() => {}); }, 300000);
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
}

wireChainCheck(document.getElementById("chain-check"), document.getElementById("chain-result"));
start();
