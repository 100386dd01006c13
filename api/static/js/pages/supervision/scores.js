// Monthly department scores: the weighted score and its parts; CSV/XLSX exports fetched with the token.
import { api, apiRaw, el, saveBlob, showProblem, strings } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, table } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
const form = document.getElementById("period-form");
const status = document.getElementById("status");
const pct = (r) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);
const RATES = ["on_time_rate", "early_rate", "satisfaction_rate", "inquiry_on_time_rate", "forward_accuracy",
  "inquiry_satisfaction_rate"];

/** "2026-11" for a month, "2026-Q4" for a quarter (the year of the month field). */
function period() {
  return form.kind.value === "quarter" ? `${form.period.value.slice(0, 4)}-${form.quarter.value}` : form.period.value;
}

function showKind() {
  form.querySelector("[data-for=quarter]").hidden = form.kind.value !== "quarter";
}

/** The list behind each part's marks (the nine-part table's unmeasured parts have none). */
const PART_MEASURES = { on_time: "on_time", deadlines: "late_days", warnings: "supervision",
  supervision: "supervision", complaints: "complaints", video: "video" };

/** A figure as a link to the items behind it (/supervision/scores/items): they add up to it. */
function figure(chosen, d, measure, text, part = undefined) {
  const query = new URLSearchParams({ period: chosen, department: d.department, measure });
  const dataset = part ? { measure, part } : { measure };
  return el("a", { href: `/supervision/scores/items?${query}`, class: "figure", dataset }, String(text));
}

async function load() {
  const chosen = period();
  history.replaceState(null, "", `?period=${chosen}`);
  try {
    const names = await departmentNames();
    const report = await api("GET", `/api/supervision/scores?period=${encodeURIComponent(chosen)}`);
    const parts = report.departments[0]?.parts || [];
    const rows = [...report.departments].sort((a, b) => b.score - a.score);
    document.getElementById("scores").replaceChildren(table([
      [t.department, (d) => d.name || names[d.department] || d.department],
      [t.score, (d) => el("strong", {}, d.score)],
      ...parts.map((p, i) => [`${p.name}（${p.weight}）`, (d) => (PART_MEASURES[p.part] && d.parts[i]
        ? figure(chosen, d, PART_MEASURES[p.part], d.parts[i].marks, p.part) : (d.parts[i]?.marks ?? "—"))]),
      [t.deductions, (d) => figure(chosen, d, "supervision", d.deductions)],
      [t.late_items, (d) => figure(chosen, d, "late", d.counts.overdue)],
      [t.late_days, (d) => figure(chosen, d, "late_days", d.counts.late_days)],
      ...["daily", "report", "questioning", "survey", "total"].map((key) => [t.composite_parts[key],
        (d) => (d.composite?.[key] ?? "—")]),
      ...RATES.map((key) => [t.rates[key],
        (d) => (key === "on_time_rate" && d[key] !== null ? figure(chosen, d, "on_time", pct(d[key])) : pct(d[key]))]),
    ], rows, (d) => ({ dataset: { department: d.department } })));
    const measures = await api("GET", `/api/supervision/service-measures?period=${encodeURIComponent(chosen)}`);
    document.getElementById("measures").replaceChildren(table([
      [t.department, (d) => names[d.department] || d.department], [t.applications, (d) => d.applications],
      [t.on_the_spot_rate, (d) => pct(d.on_the_spot_rate)], [t.one_trip_rate, (d) => pct(d.one_trip_rate)],
      [t.average_trips, (d) => d.average_trips ?? "—"],
    ], measures.departments));
    document.getElementById("windows").replaceChildren(table([
      [t.user, (w) => w.user], [t.department, (w) => names[w.department] || w.department],
      ...["acceptance_rate", "on_time_rate", "satisfaction_rate"].map((key) => [t.rates[key], (w) => pct(w[key])]),
    ], report.windows || []));
    status.hidden = true;
  } catch (err) {
    showProblem(status, err);
  }
}

/** Download an export: the API needs the bearer header, so fetch it and hand the browser a blob. */
async function download(format) {
  const chosen = period();
  try {
    const response = await apiRaw("GET", `/api/supervision/scores?period=${encodeURIComponent(chosen)}&format=${format}`);
    saveBlob(await response.blob(), `scores-${chosen}.${format}`);
  } catch (err) {
    showProblem(status, err);
  }
}

const now = new Date();
const given = new URLSearchParams(location.search).get("period") || "";
const quarter = /^(\d{4})-(Q[1-4])$/.exec(given);
form.period.value = quarter ? `${quarter[1]}-01` : given || `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
if (quarter) {
  form.kind.value = "quarter";
  form.quarter.value = quarter[2];
}
showKind();
form.kind.addEventListener("change", showKind);
form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
document.getElementById("export-csv").addEventListener("click", () => download("csv"));
document.getElementById("export-xlsx").addEventListener("click", () => download("xlsx"));
load();
