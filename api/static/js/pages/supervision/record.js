// One accountability record: the measure, what caused it, and its hashes in the append-only chain.
import { api, el, fmt, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, recordId } from "./kit.js";

requireSession(["supervisor", "admin", "window", "reviewer", "lead", "head"]);
const t = strings();

function links(record) {
  const out = [];
  for (const [kind, path, text] of [["alerts", "alerts", t.alert_link], ["orders", "orders", t.order_link],
    ["complaints", "complaints", t.complaint_link]]) {
    for (const linked of record.links?.[kind] || []) {
      out.push(el("a", { href: `/supervision/${path}/${linked}` }, fmt(text, { id: linked })), " ");
    }
  }
  return out.length ? out : "—";
}

try {
  const names = await departmentNames();
  const r = await api("GET", `/api/supervision/accountability/${recordId()}`);
  document.getElementById("facts").replaceChildren(...[
    [t.seq, r.seq], [t.department, names[r.department] || r.department || "—"], [t.person, r.person || "—"],
    [t.measure, el("strong", { id: "measure" }, `${t.rung} ${r.rung} · ${r.measure}`)], [t.reason, r.reason],
    [t.decided, `${r.decided_by} · ${when(r.decided_at)}`], [t.links, el("span", { id: "links" }, links(r))],
    ...(r.corrects_id ? [["", el("a", { href: `/supervision/accountability/${r.corrects_id}` }, fmt(t.corrects, { id: r.corrects_id }))]] : []),
    ...(r.corrected_by ? [["", el("a", { href: `/supervision/accountability/${r.corrected_by}` }, fmt(t.corrected_by, { id: r.corrected_by }))]] : []),
    [t.prev_hash, el("pre", { class: "hash" }, r.prev_hash)], [t.hash, el("pre", { class: "hash" }, r.hash)],
  ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
} catch (err) {
  showProblem(document.getElementById("status"), err);
}
