// Moving a version's unfinished applications to another version, from the version comparison:
// where they wait, how removed or renamed steps map, a dry run, then the migration itself.
import { api, el, fmt, groupedCode, showProblem, strings, when } from "../../api.js";
import { table } from "../supervision/kit.js";

const t = strings();
const CANCEL = "__cancel__";
const MAX_BATCHES = 40;  // 40 × 50 applications per run of the button; the page says when more remain

/** The plan the designer chose: renamed elements and the removed steps whose open tasks may end. */
function chosenPlan(box) {
  const mapping = {};
  const cancel = [];
  for (const select of box.querySelectorAll("select[data-old]")) {
    if (select.value === CANCEL) cancel.push(select.dataset.old);
    else if (select.value) mapping[select.dataset.old] = select.value;
  }
  return { mapping, cancel };
}

function elementName(e) {
  return e.name ? `${e.name}（${e.id}）` : e.id;
}

function planTable(preview) {
  const unmatched = preview.old.filter((e) => e.default === null);
  if (!unmatched.length) return el("p", { class: "muted" }, t.migration_all_same);
  return el("div", {},
    el("p", { class: "muted" }, fmt(t.migration_plan_hint, { n: preview.old.length - unmatched.length }),
      unmatched.some((e) => e.suggested) ? t.migration_suggested : ""),
    table([
      [t.migration_old_element, (e) => elementName(e)],
      [t.migration_new_element, (e) => el("select", { dataset: { old: e.id }, "aria-label": elementName(e) },
        el("option", { value: "" }, t.migration_removed),
        e.human ? el("option", { value: CANCEL }, t.migration_cancel) : null,
        ...preview.new.filter((n) => n.kind === e.kind).map((n) => el("option",
          { value: n.id, selected: n.id === e.suggested }, elementName(n))))],
    ], unmatched, (e) => ({ dataset: { elementId: e.id } })));
}

function waitingSummary(preview) {
  const counts = preview.by_status || {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = Object.entries(counts).map(([status, n]) => `${t.instance_statuses?.[status] || status} ${n}`);
  return el("div", { id: "migration-waiting" },
    el("p", {}, fmt(t.migration_waiting, { version: preview.from_version, n: total }),
      parts.length ? `（${parts.join("，")}）` : ""),
    preview.open_steps.length ? table([
      [t.migration_step, (s) => `${s.name}（${s.bpmn_id}）`], [t.migration_open, (s) => s.count],
    ], preview.open_steps) : "");
}

function deadlineWords(d) {
  if (d.change === "removed") return fmt(t.migration_deadline_removed, { name: d.name });
  return fmt(t.migration_deadline_moved, { name: d.name, old_days: d.old_days, new_days: d.new_days,
    old: when(d.old), new: when(d.new) }) + (d.paused ? t.migration_paused : "");
}

/** What happened to one application, in sentences. */
function resultWords(r) {
  if (r.outcome === "refused") return el("p", { class: "error" }, r.reason);
  const lines = [
    ...r.moved.filter((m) => m.from !== m.to).map((m) => fmt(t.migration_renamed, m)),
    ...r.started.map((s) => fmt(t.migration_started, s)),
    ...r.not_started.map((s) => fmt(t.migration_not_started, s)),
    ...r.cancelled.map((c) => fmt(t.migration_cancelled, c)),
    ...r.deadlines.map(deadlineWords),
    ...r.notes,
  ];
  return lines.length ? el("ul", { class: "change-words" }, ...lines.map((line) => el("li", {}, line)))
    : el("span", { class: "muted" }, t.migration_no_change);
}

function resultTable(results) {
  return table([
    [t.migration_case, (r) => [el("code", {}, groupedCode(r.query_code)), el("br"), r.project_name]],
    [t.migration_outcome, (r) => el("span", { class: `outcome-${r.outcome}` }, t.migration_outcomes[r.outcome])],
    [t.migration_details, resultWords],
  ], results, (r) => ({ dataset: { instanceId: r.instance_id, outcome: r.outcome } }));
}

async function run(key, preview, box, dryRun) {
  const out = box.querySelector("#migration-results");
  const status = box.querySelector("#migration-status");
  status.hidden = true;
  const plan = chosenPlan(box);
  const results = [];
  let after = 0;
  let more = false;
  out.replaceChildren(el("p", { class: "muted" }, t.loading));
  try {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const answer = await api("POST", `/api/definitions/${encodeURIComponent(key)}/migration`, { body: {
        from_version: preview.from_version, to_version: preview.to_version, ...plan, dry_run: dryRun, after,
      } });
      results.push(...answer.results);
      more = answer.next_after !== null;
      if (!more) break;
      after = answer.next_after;
    }
  } catch (err) {
    out.replaceChildren();
    showProblem(status, err);
    return;
  }
  const counts = Object.fromEntries(Object.keys(t.migration_outcomes).map((k) => [k,
    results.filter((r) => r.outcome === k).length]));
  out.replaceChildren(
    el("p", { id: "migration-summary" }, fmt(dryRun ? t.migration_dry_summary : t.migration_summary, counts),
      more ? t.migration_more : ""),
    resultTable(results));
  if (!dryRun) {  // what is left on the old version now
    const fresh = await api("GET", previewPath(key, preview.from_version, preview.to_version));
    box.querySelector("#migration-waiting").replaceWith(waitingSummary(fresh));
  }
}

function previewPath(key, from, to) {
  return `/api/definitions/${encodeURIComponent(key)}/migration?from_version=${from}&to_version=${to}`;
}

/** Fill `box` with the migration of version `from`'s applications to version `to`. */
export async function showMigration(box, key, from, to) {
  if (String(from) === String(to)) {
    box.replaceChildren();
    return;
  }
  const preview = await api("GET", previewPath(key, from, to));
  const dry = el("button", { type: "button", id: "migration-dry-run" }, t.migration_dry_run);
  const go = el("button", { type: "button", id: "migration-run", class: "danger" }, t.migration_run);
  box.replaceChildren(
    el("h2", {}, fmt(t.migration_title, { from: preview.from_version, to: preview.to_version })),
    waitingSummary(preview),
    el("h3", {}, t.migration_plan),
    planTable(preview),
    el("div", { class: "actions" }, dry, go),
    el("div", { id: "migration-status", role: "status", hidden: true }),
    el("div", { id: "migration-results" }));
  dry.addEventListener("click", () => run(key, preview, box, true));
  go.addEventListener("click", () => {
    if (window.confirm(fmt(t.migration_confirm, { from: preview.from_version, to: preview.to_version }))) {
      run(key, preview, box, false);
    }
  });
}
