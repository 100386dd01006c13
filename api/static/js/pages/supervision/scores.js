// Monthly department scores: the weighted score and its parts; CSV/XLSX exports fetched with the token.
import { api, el, strings, token } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, showProblem, table } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
const form = document.getElementById("period-form");
const status = document.getElementById("status");
const pct = (r) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);
const RATES = [["on_time_rate", "按时率"], ["early_rate", "提前率"], ["satisfaction_rate", "满意率"]];

async function load() {
  const period = form.period.value;
  history.replaceState(null, "", `?period=${period}`);
  try {
    const names = await departmentNames();
    const report = await api("GET", `/api/supervision/scores?period=${encodeURIComponent(period)}`);
    const parts = report.departments[0]?.parts || [];
    const rows = [...report.departments].sort((a, b) => b.score - a.score);
    document.getElementById("scores").replaceChildren(table([
      [t.department, (d) => d.name || names[d.department] || d.department],
      [t.score, (d) => el("strong", {}, d.score)],
      ...parts.map((p, i) => [`${p.name}（${p.weight}）`, (d) => d.parts[i]?.marks ?? "—"]),
      [t.deductions, (d) => d.deductions],
      ...RATES.map(([key, heading]) => [heading, (d) => pct(d[key])]),
    ], rows, (d) => ({ dataset: { department: d.department } })));
    document.getElementById("windows").replaceChildren(table([
      [t.user, (w) => w.user], [t.department, (w) => names[w.department] || w.department],
      ["受理率", (w) => pct(w.acceptance_rate)], ["按时率", (w) => pct(w.on_time_rate)],
      ["满意率", (w) => pct(w.satisfaction_rate)],
    ], report.windows || []));
    status.hidden = true;
  } catch (err) {
    showProblem(status, err);
  }
}

/** Download an export: the API needs the bearer header, so fetch it and hand the browser a blob. */
async function download(format) {
  const period = form.period.value;
  try {
    const response = await fetch(`/api/supervision/scores?period=${encodeURIComponent(period)}&format=${format}`,
      { headers: { Authorization: `Bearer ${token()}` } });
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: "error" });
    const url = URL.createObjectURL(await response.blob());
    const a = el("a", { href: url, download: `scores-${period}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    showProblem(status, err);
  }
}

const now = new Date();
form.period.value = new URLSearchParams(location.search).get("period")
  || `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
document.getElementById("export-csv").addEventListener("click", () => download("csv"));
document.getElementById("export-xlsx").addEventListener("click", () => download("xlsx"));
load();
