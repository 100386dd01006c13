// Window intake: register an application (accept, with 容缺 documents if any), or record a one-time
// correction notice or a refusal through the acceptance process; then open the printable receipt.
import { api, ApiError, clearErrors, el, fmt, groupedCode, limits, showErrors, strings } from "../api.js";
import { requireSession } from "../session.js";

const INTAKE_PROCESS = "one_window_acceptance";  // records refusals and correction notices
const NOT_AT_WINDOW = new Set([INTAKE_PROCESS, "complaint_handling"]);
const t = strings();
requireSession(["window", "admin"]);

const form = document.getElementById("intake");
const docs = document.getElementById("documents");
const extraRows = document.getElementById("extra-rows");

const BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
// Words of the expression language, and names the process writes itself (decisions, overdue flags).
const NOT_ASKED = new Set(["and", "or", "not", "in", "is", "if", "else", "True", "False", "None", "decision"]);
const versions = {};
let materials = null;  // the chosen item's materials, or null: the standard checklist of the page

/**
 * The data the process reads but never writes: names in its conditions, timers and script right-hand
 * sides that no script assigns (function calls, string contents and attributes left out). These are
 * what the window must ask the applicant for.
 */
export function askedFields(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const texts = ["conditionExpression", "timeDate", "timeDuration", "timeCycle"]
    .flatMap((tag) => [...doc.getElementsByTagNameNS(BPMN, tag)].map((n) => n.textContent));
  const assigned = new Set();
  for (const script of doc.getElementsByTagNameNS(BPMN, "script")) {
    for (const line of script.textContent.split("\n")) {
      const m = line.match(/^\s*([A-Za-z_]\w*)\s*=(?!=)(.*)$/);
      if (m) assigned.add(m[1]);
      texts.push(m ? m[2] : line);
    }
  }
  const names = new Set();
  for (const text of texts) {
    const code = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ");
    for (const m of code.matchAll(/(?<![.\w])([A-Za-z_]\w*)\b(?!\s*\()/g)) {
      const name = m[1];
      if (!NOT_ASKED.has(name) && !assigned.has(name) && !name.endsWith("_decision") && !name.startsWith("overdue_")) {
        names.add(name);
      }
    }
  }
  return [...names];
}

/** The labels a process gives the names it asks for (`<ow:field name="…" label="…"/>`). */
export function fieldLabels(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  return Object.fromEntries([...doc.getElementsByTagNameNS("urn:onewindow:bpmn", "field")]
    .map((f) => [f.getAttribute("name"), f.getAttribute("label")]).filter(([name, label]) => name && label));
}

/** Offer one row per field the chosen process reads, keeping whatever the clerk already typed. */
async function askForProcessFields() {
  const key = chosenProcess();
  if (!versions[key]) return;
  try {
    const xml = await api("GET", `/api/definitions/${encodeURIComponent(key)}/versions/${versions[key]}/xml`,
                          { accept: "application/xml" });
    extraRows.querySelectorAll(".extra-row[data-asked]").forEach((row) => {
      if (!row.querySelector("[name=extra-value]").value.trim()) row.remove();
    });
    const present = new Set([...extraRows.querySelectorAll("[name=extra-key]")].map((i) => i.value.trim()));
    const labels = fieldLabels(xml);
    for (const name of askedFields(xml)) {
      if (!present.has(name)) addAskedRow(name, labels[name] || fmt(t.asked_unnamed, { name }));
    }
    document.getElementById("asked-none").hidden = !!extraRows.querySelector(".extra-row[data-asked]");
  } catch (err) {
    showErrors(form, err);
  }
}

/** The process the chosen option runs: a catalogue item's, or the process itself when there is no catalogue. */
function chosenProcess() {
  const option = form.elements.definition_key.selectedOptions[0];
  return option?.dataset.definition || form.elements.definition_key.value;
}

function chosenItem() {
  return form.elements.definition_key.selectedOptions[0]?.dataset.item || null;
}

const ITEMS_SHOWN = 200;
let usable = [];  // the deployed processes the window may start

/** The catalogue items matching `q` (all when empty), at most ITEMS_SHOWN of them, and how many match. */
async function findItems(q = "") {
  const query = new URLSearchParams({ per_page: ITEMS_SHOWN, ...(q ? { q } : {}) });
  return api("GET", `/api/public/catalogue?${query}`, { auth: false });
}

/** Offer the found items first; a deployed process no item names yet stays offered (a designer trying it). */
function drawOptions(catalogue, q = "") {
  const select = form.elements.definition_key;
  const named = new Set(catalogue.items.map((i) => i.definition_key));
  const itemOptions = catalogue.items.map((i, n) => el("option", { value: i.code, selected: n === 0,
    dataset: { item: i.code, definition: i.definition_key } }, `${i.name}（${i.department_name}）`));
  const processOptions = usable.filter((d) => !named.has(d.key)).map((d) => el("option", {
    value: d.key, selected: !itemOptions.length && d.key === "investment_joint_approval" }, d.name || d.key));
  const groups = [itemOptions.length ? el("optgroup", { label: t.items_group }, ...itemOptions) : null,
    processOptions.length && itemOptions.length ? el("optgroup", { label: t.processes_group }, ...processOptions) : null]
    .filter(Boolean);
  if (groups.length) select.replaceChildren(...groups);
  else if (processOptions.length) select.replaceChildren(...processOptions);
  const more = document.getElementById("item-more");
  more.hidden = !(catalogue.total > catalogue.items.length || (q && !catalogue.items.length));
  more.textContent = q && !catalogue.items.length ? fmt(t.item_none, { q })
    : fmt(t.item_more, { total: catalogue.total, shown: catalogue.items.length });
}

/** The items of the catalogue (each names its process), or, without a catalogue, the deployed processes. */
async function loadProcesses() {
  try {
    const [{ items: definitions }, catalogue] = await Promise.all([api("GET", "/api/definitions"), findItems()]);
    usable = definitions.filter((d) => !NOT_AT_WINDOW.has(d.key));
    usable.forEach((d) => { versions[d.key] = d.version; });
    drawOptions(catalogue);
    await chooseItem();
  } catch (err) {
    showErrors(form, err);
  }
}

let searching = null;
// Enter in the search box finds items; it must not register an application.
form.elements.item_search.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
form.elements.item_search.addEventListener("input", () => {
  clearTimeout(searching);
  searching = setTimeout(async () => {
    const q = form.elements.item_search.value.trim();
    try {
      drawOptions(await findItems(q), q);
      await chooseItem();
    } catch (err) {
      showErrors(form, err);
    }
  }, 250);
});

/** A catalogue item chosen: its process's fields to ask for, and its own materials as the checklist. */
async function chooseItem() {
  const code = chosenItem();
  materials = null;
  document.getElementById("item-info").hidden = !code;
  if (code) {
    try {
      const guide = await api("GET", `/api/public/catalogue/${encodeURIComponent(code)}`, { auth: false });
      document.getElementById("item-info").replaceChildren(fmt(t.item_info, {
        kind: t.item_kind[guide.kind] || guide.kind, legal: guide.legal_days, promised: guide.promised_days }),
        el("a", { href: `/catalogue/${encodeURIComponent(code)}`, target: "_blank" }, t.guide_link));
      materials = guide.content.materials.map((m) => ({
        name: m.name, secondary: m.shortfall_allowed, optional: !m.required,
        note: `${t.forms[m.form] || m.form} ${m.copies} ${t.copies}` }));
    } catch (err) {
      showErrors(form, err);
    }
  }
  drawChecklist();
  await askForProcessFields();
}

function drawChecklist() {
  docs.replaceChildren(...(materials || t.documents).map((doc, i) => {
    const name = `doc-${i}`;
    const choice = (value, label, disabled = false) => el("label", { class: "field inline" },
      el("input", { type: "radio", name, value, checked: value === "submitted", disabled }), label);
    return el("li", { dataset: { document: doc.name } },
      el("div", {}, el("strong", {}, doc.name), " ",
        doc.secondary ? el("span", { class: "badge warn-yellow" }, t.may_shortfall) : null,
        doc.optional ? el("span", { class: "badge" }, t.optional_doc) : null,
        doc.note ? el("span", { class: "muted" }, ` ${doc.note}`) : null),
      el("div", { class: "actions" }, choice("submitted", t.doc_submitted),
        choice("shortfall", t.doc_shortfall, !doc.secondary), choice("missing", t.doc_missing)));
  }));
}

/** A name the process reads, asked by its label; the clerk types only the value. */
function addAskedRow(key, label) {
  const row = el("div", { class: "extra-row", dataset: { asked: "true", key } },
    el("input", { type: "hidden", name: "extra-key", value: key }),
    el("label", { class: "field" }, el("span", {}, `${label}（${t.asked_by_process}）`),
      el("input", { name: "extra-value", maxlength: limits().data_text, required: true })));
  extraRows.append(row);
}

/** A free-form name and value (the 高级 part: a field the diagram does not ask for). */
function addExtraRow(key = "", value = "") {
  const row = el("div", { class: "row two extra-row" },
    el("label", { class: "field" }, el("span", {}, t.extra_key),
      el("input", { name: "extra-key", value, maxlength: limits().data_key, pattern: "[A-Za-z][A-Za-z0-9_]*" })),
    el("label", { class: "field" }, el("span", {}, t.extra_value),
      el("input", { name: "extra-value", maxlength: limits().data_text })),
    el("div", { class: "actions" }, el("button", { type: "button", class: "link", onclick: () => row.remove() },
      t.extra_remove)));
  row.querySelector("[name=extra-key]").value = key;
  row.querySelector("[name=extra-value]").value = value;
  document.getElementById("extra-free-rows").append(row);
}

/** The checklist as three lists of document names; a missing optional document blocks nothing. */
function checklist() {
  const result = { submitted: [], shortfall: [], missing: [], optional_missing: [] };
  docs.querySelectorAll("li").forEach((li, i) => {
    const picked = form.querySelector(`input[name="doc-${i}"]:checked`)?.value || "missing";
    const optional = (materials || t.documents)[i]?.optional;
    result[picked === "missing" && optional ? "optional_missing" : picked].push(li.dataset.document);
  });
  return result;
}

/** Free-form fields; a number-looking value is sent as a number so the process can compare it. */
function extraData() {
  const data = {};
  form.querySelectorAll(".extra-row").forEach((row) => {
    const key = row.querySelector("[name=extra-key]").value.trim();
    const raw = row.querySelector("[name=extra-value]").value.trim();
    if (!key) return;
    row.querySelector(row.dataset.asked ? "[name=extra-value]" : "[name=extra-key]").dataset.field = `data.${key}`;
    data[key] = raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  });
  return data;
}

function application(definitionKey, data) {
  const value = (name) => form.elements[name].value.trim();
  const investment = value("project.investment");
  return {
    definition_key: definitionKey,
    project: { name: value("project.name"), code: value("project.code"),
               investment: investment === "" || Number.isNaN(Number(investment)) ? investment : Number(investment) },
    applicant: { name: value("applicant.name"), contact: value("applicant.contact") },
    data,
  };
}

function localError(fields) {
  return new ApiError(422, "invalid", "", fields, null);
}

async function accept(docsState) {
  if (docsState.missing.length) throw localError({ "shortfall.documents": [t.missing_block] });
  const body = application(chosenProcess(), { ...extraData(), documents_submitted: docsState.submitted });
  if (chosenItem()) body.item_code = chosenItem();
  if (docsState.shortfall.length) {
    body.shortfall = { documents: docsState.shortfall,
                       deadline_working_days: Number(form.elements["shortfall.deadline_working_days"].value),
                       commitment: form.elements["shortfall.commitment"].value.trim() };
  }
  return api("POST", "/api/instances", { body });
}

/** Refusal or correction: the server registers it through the acceptance process in one transaction. */
async function notAccepted(outcome, docsState) {
  const reason = form.elements.reason.value.trim();
  if (outcome === "refuse" && !reason) throw localError({ reason: [t.reason_required] });
  if (outcome === "correct" && !docsState.missing.length) throw localError({ "shortfall.documents": [t.nothing_missing] });
  const { project, applicant, data } = application(INTAKE_PROCESS,
                                                   { ...extraData(), documents_submitted: docsState.submitted });
  return api("POST", "/api/instances/not-accepted", { body: {
    intended_process: chosenProcess(), outcome, project, applicant, reason,
    missing_documents: docsState.missing, data } });
}

form.addEventListener("change", () => {
  document.getElementById("shortfall").hidden = !checklist().shortfall.length;
});

/**
 * Registered, but an error in the diagram stopped it at once: no 受理通知书 is printed until the
 * administrator has retried it. The buttons stay disabled so the same application is not registered twice.
 */
function showIncident(started) {
  const box = document.getElementById("incident");
  const stopped = started.incident || {};
  const code = groupedCode(started.query_code);
  box.replaceChildren(
    el("div", {}, fmt(t.incident, { step: stopped.task || "—" })),
    el("div", { class: "muted" }, fmt(t.incident_code, { code })),
    el("div", { class: "actions" }, el("a", { class: "button", href: "/window" }, t.next_application)));
  box.hidden = false;
  box.scrollIntoView({ block: "center" });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const outcome = event.submitter ? event.submitter.value : "accept";
  const buttons = form.querySelectorAll("button[type=submit]");
  buttons.forEach((b) => { b.disabled = true; });
  let registered = false;
  try {
    const docsState = checklist();
    const started = outcome === "accept" ? await accept(docsState) : await notAccepted(outcome, docsState);
    registered = true;
    if (started.status === "incident") {
      showIncident(started);
      return;
    }
    document.getElementById("done").hidden = false;
    location.assign(`/window/receipt/${started.id}`);
  } catch (err) {
    showErrors(form, err);
  } finally {
    if (!registered) buttons.forEach((b) => { b.disabled = false; });
  }
});

document.getElementById("extra-add").addEventListener("click", () => addExtraRow());
form.elements.definition_key.addEventListener("change", chooseItem);
drawChecklist();
loadProcesses();
