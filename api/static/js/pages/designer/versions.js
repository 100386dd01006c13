// A definition's versions, and what changed between two of them (elements added, removed, changed).
import { actorName, api, el, fmt, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { table } from "../supervision/kit.js";
import { showMigration } from "./migration.js";

requireSession(["designer", "admin"]);
const t = strings();
const key = document.getElementById("versions-page").dataset.key;
const form = document.getElementById("compare-form");
const status = document.getElementById("status");

function show(value) {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** An aspect's name in Chinese, the BPMN name kept beside it for those who read the XML. */
function aspectName(aspect) {
  const word = t.aspect_words?.[aspect];
  return word ? `${word}（${aspect}）` : aspect;
}

/** The raw attribute values behind the sentences, folded away: reviewers read the sentences. */
function rawChange(c) {
  return el("details", { class: "raw-change" }, el("summary", {}, t.raw),
    el("dl", {}, ...c.aspects.flatMap((a) => [
      el("dt", {}, aspectName(a)),
      el("dd", {}, el("span", { class: "before" }, `${t.before}：${show(c.before?.[a])}`), el("br"),
        el("span", { class: "after" }, `${t.after}：${show(c.after?.[a])}`)),
    ])));
}

function changeTable(kind, items) {
  return el("section", { dataset: { kind } },
    el("h3", { class: `diff-${kind}` }, `${t[kind]}（${items.length}）`),
    items.length ? table([
      [t.element_name, (c) => [c.name || "—", el("br"), el("code", { class: "muted" }, c.id)]],
      [t.element_type, (c) => t.kind_words?.[c.type.replace("bpmn:", "")] || c.type.replace("bpmn:", "")],
      [t.words, (c) => c.words?.length ? el("ul", { class: "change-words" }, ...c.words.map((w) => el("li", {}, w))) : "—"],
      ...(kind === "changed" ? [[t.raw_title, rawChange]] : []),
    ], items, (c) => ({ dataset: { elementId: c.id } })) : "");
}

async function compare() {
  const box = document.getElementById("diff");
  const from = form.from.value;
  const to = form.to.value;
  if (!from || !to) return;
  history.replaceState(null, "", `?from=${from}&to=${to}`);
  try {
    const diff = await api("GET", `/api/definitions/${encodeURIComponent(key)}/diff?from=${from}&to=${to}`);
    const total = diff.added.length + diff.removed.length + diff.changed.length;
    box.replaceChildren(el("h2", {}, fmt(t.diff_title, { from: diff.from, to: diff.to })),
      total ? "" : el("p", { class: "muted" }, t.no_change),
      changeTable("added", diff.added), changeTable("removed", diff.removed), changeTable("changed", diff.changed));
    await showMigration(document.getElementById("migration"), key, diff.from, diff.to);
  } catch (err) {
    showProblem(status, err);
  }
}

try {
  const detail = await api("GET", `/api/definitions/${encodeURIComponent(key)}`);
  document.getElementById("definition-name").textContent = `${detail.name || key}（${key}）`;
  document.getElementById("versions").replaceChildren(table([
    [t.version, (v) => el("strong", {}, `v${v.version}`)], [t.deployed, (v) => when(v.deployed_at)],
    [t.deployed_by, (v) => actorName(v.deployed_by)], ["SHA-256", (v) => el("code", {}, v.sha256.slice(0, 12))],
  ], detail.versions, (v) => ({ dataset: { version: v.version } })));
  const options = detail.versions.map((v) => [v.version, `v${v.version}`]);
  for (const select of [form.from, form.to]) {
    select.replaceChildren(...options.map(([value, text]) => el("option", { value }, text)));
  }
  const given = new URLSearchParams(location.search);
  const latest = detail.versions[0].version;
  form.to.value = given.get("to") || latest;
  form.from.value = given.get("from") || Math.max(1, Number(form.to.value) - 1);
  form.addEventListener("submit", (event) => { event.preventDefault(); compare(); });
  if (detail.versions.length > 1 || given.get("from")) await compare();
  document.body.dataset.loaded = "true";
} catch (err) {
  showProblem(status, err);
}
