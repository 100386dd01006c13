// One alert: facts and evidence, the instance's timeline, the department's explanation, the bureau's decision.
// A decision that takes a measure creates that measure's record (order, card, accountability record),
// which marks the alert decided on the server; "dismiss" is the alert's own decision.
import { actorName, api, apiRaw, checkRequired, clearErrors, countdown, el, fmt, readable, showErrors, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { badge, departmentNames, label, recordId, table } from "./kit.js";

const session = requireSession(["supervisor", "admin", "window", "reviewer", "lead", "head"]);
const t = strings();
const id = recordId();
const status = document.getElementById("status");
const explainForm = document.getElementById("explain-form");
const decideForm = document.getElementById("decide-form");
let names = {};
let alert = null;
let proposal = null;

function facts(pairs) {
  document.getElementById("facts").replaceChildren(
    ...pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

/**
 * What the alert is about: the text it carries, else for a deadline alert the task's name from its details
 * (older alerts lack it: the timeline then names the task from the instance), else its title.
 */
function subjectText() {
  const details = alert.details || {};
  if (details.text) return details.text;
  if (alert.source !== "deadline") return alert.title;
  if (!details.task_name) return alert.subject;
  return details.due_at ? `${details.task_name}（${when(details.due_at)} ${t.task_due}）` : details.task_name;
}

/** The video snapshot is served to bearer-token holders only, so fetch it and show it as a blob. */
async function snapshotFigure(evidence) {
  const event = alert.details?.video_event_id;
  const url = evidence.snapshot_url
    || (evidence.snapshot && event ? `/api/cameras/${evidence.camera_id}/events/${event}/snapshot` : null);
  if (alert.source !== "video" || !url) return null;
  let response;
  try {
    response = await apiRaw("GET", url, { accept: "image/*" });
  } catch (err) {
    return el("p", { class: "muted" }, readable(err.message, err.code));
  }
  const src = URL.createObjectURL(await response.blob());
  return el("figure", {}, el("img", { class: "snapshot", id: "snapshot", alt: t.snapshot, src }),
    el("figcaption", { class: "muted" }, `${t.snapshot} · ${when(evidence.taken_at)} · SHA-256 ${evidence.sha256 || "—"}`));
}

async function evidenceView(evidence) {
  const card = document.getElementById("evidence-card");
  if (!evidence || !Object.keys(evidence).length) { card.hidden = true; return; }
  card.hidden = false;
  const merged = { ...(alert.details || {}), ...evidence };
  const facts = Object.entries(t.evidence_fields || {}).filter(([k]) => merged[k] !== null && merged[k] !== undefined)
    .map(([k, heading]) => [heading, /_(at|since)$/.test(k) ? when(merged[k]) : String(merged[k])]);
  const box = document.getElementById("evidence");
  box.replaceChildren(el("dl", { class: "facts" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
  const figure = await snapshotFigure(evidence).catch(() => null);
  if (figure) box.prepend(figure);
}

/** A department's daily digest of low-level rule hits: each step, project, time and person. */
function digestView() {
  document.getElementById("evidence-card").hidden = false;
  document.getElementById("evidence").replaceChildren(table([
    [t.digest_rule, (h) => h.title],
    [t.task_name, (h) => h.task_name || "—"],
    [t.instance, (h) => h.project_name || `#${h.instance_id}`],
    [t.digest_at, (h) => when(h.at)],
    [t.actor, (h) => actorName(h.by)],
  ], alert.details?.hits || []));
}

async function timelineView() {
  const box = document.getElementById("timeline");
  if (!alert.instance_id) { box.replaceChildren(el("p", { class: "muted" }, t.no_timeline)); return; }
  try {
    const inst = await api("GET", `/api/instances/${alert.instance_id}`);
    const tasks = inst.tasks.filter((task) => task.status !== "cancelled");
    const concerned = tasks.find((task) => task.id === alert.task_id);
    if (concerned && !alert.details?.text && !alert.details?.task_name) {
      document.getElementById("alert-subject").textContent = `${concerned.name}（${when(concerned.due_at)} ${t.task_due}）`;
    }
    box.replaceChildren(
      el("p", {}, `${t.instance}：${inst.project?.name || ""}（${inst.query_code}）`),
      table([
        [t.task_name, (k) => k.name],
        [t.department, (k) => names[k.department] || k.department],
        [t.task_state, (k) => el("span", {}, badge("state", k.overdue && !k.completed_at ? "overdue" : k.status, "state"),
          k.warning_level && k.warning_level !== "green" && !k.completed_at ? badge("warn", k.warning_level, "warning") : "")],
        [t.task_due, (k) => (k.completed_at ? when(k.due_at) : `${when(k.due_at)}（${countdown(k.working_days_left)}）`)],
        [t.task_done, (k) => (k.completed_at ? fmt(t.done_by, { who: k.completed_by || "—", at: when(k.completed_at) }) : "—")],
      ], tasks, (k) => ({ class: k.id === alert.task_id ? `warn-${alert.level}` : null })));
  } catch (err) {
    box.replaceChildren(el("p", { class: "muted" }, t.no_timeline));
  }
}

function measureLink() {
  if (!alert.decision || alert.decision === "dismiss") return null;
  const path = { order: "orders", card: "orders", accountability: "accountability" }[alert.decision];
  return el("a", { href: `/supervision/${path}`, id: "measure-link" }, label("alert_decision", alert.decision));
}

function draw() {
  document.getElementById("alert-title").textContent = `${t.title} #${alert.id} · ${alert.title || ""}`;
  facts([
    [t.source_label, label("source", alert.source)],
    [t.level_label, badge("warn", alert.level, "level")],
    [t.state_label, el("span", { id: "alert-state" }, badge("alert-state", alert.state, "alert_state"))],
    [t.department, names[alert.department] || alert.department],
    [t.opened, when(alert.opened_at)],
    [t.subject, el("span", { id: "alert-subject" }, subjectText())],
  ]);
  if (alert.kind === "rule_digest") digestView(); else evidenceView(alert.evidence);
  const explanation = document.getElementById("explanation");
  explanation.replaceChildren(alert.explanation
    ? el("blockquote", { id: "explanation-text" }, alert.explanation,
      el("footer", { class: "muted" }, fmt(t.done_by, { who: alert.explained_by, at: when(alert.explained_at) })))
    : el("p", { class: "muted" }, t.no_explanation));
  const departmentUser = ["window", "reviewer", "lead"].includes(session.role) && session.department === alert.department;
  explainForm.hidden = !(departmentUser && ["open", "acknowledged"].includes(alert.state));
  const supervisor = session.role === "supervisor";
  document.getElementById("acknowledge").hidden = !(supervisor && alert.state === "open");
  document.getElementById("close-alert").hidden = !(supervisor && alert.state === "decided");
  decideForm.hidden = !(supervisor && !["decided", "closed"].includes(alert.state));
  const decided = document.getElementById("decision");
  decided.replaceChildren(alert.decision
    ? el("div", { id: "decision-result", class: "notice ok" }, label("alert_decision", alert.decision), "：",
      alert.decision_reason || "", " ", measureLink() || "", el("br"),
      el("small", {}, fmt(t.done_by, { who: alert.decided_by, at: when(alert.decided_at) })))
    : "");
  document.getElementById("decision-card").hidden = !supervisor && !alert.decision && session.role !== "admin";
}

async function load() {
  try {
    alert = await api("GET", `/api/supervision/alerts/${id}`);
    draw();
    document.body.dataset.loaded = "true";
    timelineView();
  } catch (err) {
    showProblem(status, err);
  }
}

explainForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(explainForm, ["explanation"])) return;
  try {
    alert = await api("POST", `/api/supervision/alerts/${id}/explanation`,
      { body: { explanation: explainForm.explanation.value.trim() } });
    explainForm.reset();
    draw();
  } catch (err) {
    showErrors(explainForm, err);
  }
});

document.getElementById("acknowledge").addEventListener("click", async () => {
  try {
    alert = await api("POST", `/api/supervision/alerts/${id}/acknowledge`);
    draw();
  } catch (err) {
    showProblem(status, err);
  }
});

document.getElementById("close-alert").addEventListener("click", async () => {
  try {
    alert = await api("POST", `/api/supervision/alerts/${id}/close`);
    draw();
  } catch (err) {
    showProblem(status, err);
  }
});

async function loadProposal() {
  const box = document.getElementById("proposal");
  const select = decideForm.rung;
  try {
    const [ladder, proposed] = await Promise.all([
      api("GET", "/api/supervision/accountability/ladder"),
      api("GET", `/api/supervision/accountability/proposal?department=${encodeURIComponent(alert.department || "")}`),
    ]);
    proposal = proposed;
    box.textContent = fmt(t.proposed, { rung: proposed.rung, measure: proposed.measure, n: proposed.previous_count });
    select.replaceChildren(...ladder.rungs.map((r) => el("option", { value: r.rung, selected: r.rung === proposed.rung },
      `${r.rung} · ${r.measure}`)));
  } catch (err) {
    showProblem(box, err);
  }
}

decideForm.addEventListener("change", (event) => {
  if (event.target.name !== "decision") return;
  const chosen = decideForm.decision.value;
  decideForm.querySelectorAll(".decision-extra").forEach((node) => { node.hidden = node.dataset.for !== chosen; });
  if (chosen === "accountability" && !proposal) loadProposal();
});

/** Each decision is recorded by the endpoint that creates its measure (which also decides the alert). */
function decisionRequest(decision, reason) {
  const f = decideForm;
  if (decision === "order") {
    return ["/api/supervision/orders", { kind: f.kind.value, department: alert.department, alert_id: alert.id,
      content: f.content.value.trim() || reason, instance_id: alert.instance_id || null,
      reply_working_days: Number(f.reply_working_days.value) }];
  }
  if (decision === "card") {
    return ["/api/supervision/cards", { department: alert.department, color: f.color.value, reason, alert_id: alert.id }];
  }
  if (decision === "accountability") {
    return ["/api/supervision/accountability", { department: alert.department, person: f.person.value.trim() || null,
      rung: Number(f.rung.value), reason, links: { alerts: [alert.id] } }];
  }
  return [`/api/supervision/alerts/${id}/decision`, { decision, reason }];
}

decideForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(decideForm);
  const decision = decideForm.querySelector("input[name=decision]:checked")?.value;
  const fields = {};
  if (!decision) fields.decision = [t.errors.required];
  if (!decideForm.reason.value.trim()) fields.reason = [t.errors.required];
  if (Object.keys(fields).length) {
    showErrors(decideForm, { code: "invalid", message: "", fields });
    return;
  }
  const button = decideForm.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const [path, body] = decisionRequest(decision, decideForm.reason.value.trim());
    const created = await api("POST", path, { body });
    alert = await api("GET", `/api/supervision/alerts/${id}`);
    draw();
    if (["accountability", "order"].includes(decision)) document.getElementById("measure-link")?.remove();
    if (decision === "accountability") {
      document.getElementById("decision-result")?.append(" ",
        el("a", { href: `/supervision/accountability/${created.id}`, id: "record-link" }, fmt(t.record, { id: created.id })));
    } else if (decision === "order") {
      document.getElementById("decision-result")?.append(" ",
        el("a", { href: `/supervision/orders/${created.id}` }, fmt(t.order_link, { id: created.id })));
    }
  } catch (err) {
    showErrors(decideForm, err);
  } finally {
    button.disabled = false;
  }
});

names = await departmentNames();
load();
