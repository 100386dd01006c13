// The accountability chain, newest first, the ladder of measures, and the verify-chain button.
import { api, el, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, fillSelect, pagedList, wireChainCheck } from "./kit.js";

requireSession(["supervisor", "admin", "window", "reviewer", "lead", "head"]);
const t = strings();
const form = document.getElementById("filters");

const names = await departmentNames();
fillSelect(form.department, Object.entries(names));
const load = pagedList({
  form, filters: ["department", "person"], path: "/api/supervision/accountability", box: document.getElementById("list"),
  columns: [
    [t.seq, (r) => el("a", { href: `/supervision/accountability/${r.id}` }, r.seq)],
    [t.decided, (r) => when(r.decided_at)],
    [t.department, (r) => names[r.department] || r.department || "—"],
    [t.person, (r) => r.person || "—"],
    [t.measure, (r) => `${r.rung} · ${r.measure}`],
    [t.reason, (r) => el("span", {}, r.reason, r.corrected_by ? el("small", { class: "muted" }, ` （${t.corrected}）`) : "")],
  ],
  rowAttrs: (r) => ({ dataset: { recordId: r.id } }),
});
wireChainCheck(document.getElementById("chain-check"), document.getElementById("chain-result"));
api("GET", "/api/supervision/accountability/ladder").then((ladder) => {
  document.getElementById("ladder").replaceChildren(...ladder.rungs.map((r) => el("li", {}, r.measure)));
}).catch(() => {});
load();
