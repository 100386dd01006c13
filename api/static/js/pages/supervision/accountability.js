// The accountability chain, newest first, the ladder of measures, and the verify-chain button.
import { api, el, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, fillSelect, pager, showProblem, table, wireChainCheck } from "./kit.js";

requireSession(["supervisor", "admin", "window", "reviewer", "lead"]);
const t = strings();
const form = document.getElementById("filters");
let names = {};

async function load(page = 1) {
  const q = new URLSearchParams({ page, per_page: 30 });
  if (form.department.value) q.set("department", form.department.value);
  if (form.person.value.trim()) q.set("person", form.person.value.trim());
  try {
    const result = await api("GET", `/api/supervision/accountability?${q}`);
    document.getElementById("list").replaceChildren(table([
      [t.seq, (r) => el("a", { href: `/supervision/accountability/${r.id}` }, r.seq)],
      [t.decided, (r) => when(r.decided_at)],
      [t.department, (r) => names[r.department] || r.department || "—"],
      [t.person, (r) => r.person || "—"],
      [t.measure, (r) => `${r.rung} · ${r.measure}`],
      [t.reason, (r) => el("span", {}, r.reason, r.corrected_by ? el("small", { class: "muted" }, ` （${t.corrected}）`) : "")],
    ], result.items, (r) => ({ dataset: { recordId: r.id } })), pager(result, load));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

names = await departmentNames();
fillSelect(form.department, Object.entries(names));
form.addEventListener("change", () => load(1));
wireChainCheck(document.getElementById("chain-check"), document.getElementById("chain-result"));
api("GET", "/api/supervision/accountability/ladder").then((ladder) => {
  document.getElementById("ladder").replaceChildren(...ladder.rungs.map((r) => el("li", {}, r.measure)));
}).catch(() => {});
load();
