// The window's registrations: find an application registered days ago and do what is left at the
// window — record that the 容缺 documents arrived, send the one-time correction notice (the departments'
// clocks stop), and lift it when the documents are corrected.
import { api, clearErrors, el, fieldValue, fmt, onSubmit, showProblem, strings, when } from "../api.js";
import { fillSelect, pagedList } from "../lists.js";
import { complaintIntake } from "../complaint_intake.js";
import { requireSession } from "../session.js";

requireSession(["window", "admin"]);
const t = strings();
const filters = document.getElementById("filters");
const status = document.getElementById("status");
const done = document.getElementById("done");
const correctionForm = document.getElementById("correction-form");
let correcting = null;  // the registration the correction form is for

fillSelect(filters.status, Object.entries(t.statuses));
filters.q.addEventListener("input", () => {
  clearTimeout(filters.q.timer);
  filters.q.timer = setTimeout(() => load(1), 300);
});

function announce(text) {
  status.hidden = true;
  done.textContent = text;
  done.hidden = false;
}

function pending(r) {
  const lines = [];
  const s = r.shortfall;
  if (s && s.status === "open") lines.push(fmt(t.shortfall_open, { documents: s.documents.join("、"), due: when(s.due_at) }));
  if (s && s.status === "missed") lines.push(fmt(t.shortfall_missed, { documents: s.documents.join("、") }));
  if (s && s.status === "supplied") lines.push(t.shortfall_supplied);
  if (r.correction) lines.push(fmt(t.correction_open, { reason: r.correction.reason, since: when(r.correction.since) }));
  return lines.length ? el("div", {}, ...lines.map((line) => el("div", {}, line))) : "—";
}

async function act(r, path, question, message) {
  if (question && !window.confirm(question)) return;
  try {
    await api("POST", `/api/instances/${r.id}/${path}`);
    await load();  // the message comes with the list that shows its effect
    announce(fmt(message, { project: r.project_name }));
  } catch (err) {
    done.hidden = true;
    showProblem(status, err);
  }
}

function openCorrection(r) {
  correcting = r;
  clearErrors(correctionForm);
  correctionForm.reset();
  document.getElementById("correction-heading").textContent = fmt(t.correction_heading, { project: r.project_name });
  correctionForm.hidden = false;
  correctionForm.reason.focus();
}

function actions(r) {
  const running = r.status === "running";
  const buttons = [
    el("a", { href: `/window/receipt/${r.id}` }, t.receipt),
    el("a", { href: `/track/${encodeURIComponent(r.query_code)}` }, t.track),
  ];
  if (r.shortfall && r.shortfall.status !== "supplied") {
    buttons.push(el("button", { type: "button", class: "nowrap", dataset: { action: "supply" }, onclick: () => act(r, "shortfall/supplied",
      fmt(t.supply_confirm, { documents: r.shortfall.documents.join("、") }), t.supplied) }, t.supply));
  }
  if (running && r.correction) {
    buttons.push(el("button", { type: "button", class: "nowrap", dataset: { action: "resume" },
      onclick: () => act(r, "resume", t.resume_confirm, t.resumed) }, t.resume));
  } else if (running && r.definition_key !== "one_window_acceptance") {
    buttons.push(el("button", { type: "button", class: "nowrap", dataset: { action: "correct" }, onclick: () => openCorrection(r) }, t.correct));
  }
  return el("div", { class: "actions" }, ...buttons);
}

const load = pagedList({
  form: filters, filters: ["q", "status", "mine"], path: "/api/instances", box: document.getElementById("list"),
  columns: [
    [t.registered_at, (r) => el("span", { class: "nowrap" }, when(r.created_at))],
    [t.code, (r) => el("span", { class: "nowrap" }, r.query_code)],
    [t.project, (r) => el("div", {}, el("strong", {}, r.project_name), el("div", { class: "muted" }, r.project_code))],
    [t.applicant, (r) => r.applicant_name],
    [t.item, (r) => r.item_name || "—"],
    [t.state_heading, (r) => el("span", { class: "nowrap" }, r.outcome_name || t.statuses[r.status] || r.status)],
    [t.pending, pending],
    [t.registrar, (r) => el("span", { class: "nowrap" }, r.created_by || "—")],
    [t.actions, actions],
  ],
  rowAttrs: (r) => ({ dataset: { instance: r.id } }),
});

onSubmit(correctionForm, ["reason", "missing_documents"], async (form) => {
  const documents = form.missing_documents.value.split("\n").map((line) => line.trim()).filter(Boolean);
  await api("POST", `/api/instances/${correcting.id}/pause`, { body: {
    reason: fieldValue(form, "reason"), missing_documents: documents } });
  form.hidden = true;
  await load();
  announce(fmt(t.corrected, { project: correcting.project_name }));
});
filters.addEventListener("submit", (event) => { event.preventDefault(); load(1); });
document.getElementById("correction-cancel").addEventListener("click", () => { correctionForm.hidden = true; });

load(1);
document.getElementById("list").after(complaintIntake());
