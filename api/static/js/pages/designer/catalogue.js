// The catalogue editor (事项清单维护): pick or create an item, edit it as a draft, publish it as the next
// version, or import a whole catalogue (Excel workbook or JSON) and download it as a workbook. The
// server checks everything and names each problem.
import {
  api, apiRaw, clearErrors, el, fmt, limits, saveBlob, showErrors, showProblem, showProblemList, strings, when,
} from "../../api.js";
import { requireSession } from "../../session.js";

requireSession(["designer", "admin"]);
const t = strings();
const form = document.getElementById("item-form");
const list = document.getElementById("item-list");
const status = document.getElementById("status");
// Processes no item may run (the server refuses them too): filings start complaints and inquiries, and the
// window's acceptance process records refusals and correction notices.
const NOT_SERVICE_PROCESSES = new Set(["complaint_handling", "public_inquiry", "one_window_acceptance"]);
let current = null;  // {code, draft_revision} of the item in the form; code null for a new one
let departments = [];
let definitions = [];

function option(value, label, selected) {
  return el("option", { value, selected: value === selected }, label);
}

function materialRow(m = {}) {
  const row = el("div", { class: "row material-row" },
    el("label", { class: "field" }, el("span", {}, t.material_name),
      el("input", { "data-part": "name", value: m.name || "", maxlength: limits().material_name })),
    el("label", { class: "field" }, el("span", {}, t.material_form), el("select", { "data-part": "form" },
      ...Object.entries(t.forms).map(([value, label]) => option(value, label, m.form || "original")))),
    el("label", { class: "field" }, el("span", {}, t.material_copies),
      el("input", { "data-part": "copies", type: "number", min: 1, max: 20, value: m.copies || 1 })),
    el("label", { class: "field inline" }, el("input", { "data-part": "required", type: "checkbox",
      checked: m.required !== false }), t.material_required),
    el("label", { class: "field inline" }, el("input", { "data-part": "shortfall_allowed", type: "checkbox",
      checked: !!m.shortfall_allowed }), t.material_shortfall),
    el("label", { class: "field" }, el("span", {}, t.material_template),
      el("input", { "data-part": "template", value: m.template || "", maxlength: limits().item_reference })),
    el("div", { class: "actions" }, el("button", { type: "button", class: "link", onclick: () => {
      row.remove();
      nameMaterials();
    } }, t.remove)));
  return row;
}

/** Each material input is named after its place, so the server's `materials[i].field` lands on it. */
function nameMaterials() {
  document.querySelectorAll("#materials .material-row").forEach((row, i) => {
    row.querySelectorAll("[data-part]").forEach((input) => {
      input.name = `materials[${i}].${input.dataset.part}`;
    });
  });
}

function fill(content, code) {
  const value = (name, v) => { form.elements[name].value = v ?? ""; };
  value("code", code || "");
  form.elements.code.readOnly = !!code;
  form.elements.department.replaceChildren(...departments.map((d) => option(d.code, d.name, content.department)));
  form.elements.definition_key.replaceChildren(...definitions.map((d) => option(d.key, d.name || d.key,
    content.definition_key)));
  for (const name of ["name", "kind", "result", "legal_days", "promised_days", "legal_basis", "basis_reference",
    "conditions", "procedure", "supervision_phone", "supervision_note"]) {
    value(name, content[name]);
  }
  if (!content.kind) form.elements.kind.value = "promised";
  form.elements["fees.charged"].checked = !!content.fees?.charged;
  value("fees.basis", content.fees?.basis);
  value("fees.standard", content.fees?.standard);
  document.getElementById("materials").replaceChildren(...(content.materials || [{}]).map(materialRow));
  nameMaterials();
  form.hidden = false;
  document.getElementById("choose").hidden = true;
  document.getElementById("saved").hidden = true;
  clearErrors(form);
}

function content() {
  const text = (name) => form.elements[name].value.trim();
  const number = (name) => (text(name) === "" ? null : Number(text(name)));
  const materials = [...document.querySelectorAll("#materials .material-row")].map((row) => {
    const part = (p) => row.querySelector(`[data-part=${p}]`);
    return { name: part("name").value.trim(), form: part("form").value, copies: Number(part("copies").value),
      required: part("required").checked, shortfall_allowed: part("shortfall_allowed").checked,
      template: part("template").value.trim() || null };
  });
  return { name: text("name"), department: form.elements.department.value,
    definition_key: form.elements.definition_key.value, kind: form.elements.kind.value, result: text("result"),
    legal_days: number("legal_days"), promised_days: number("promised_days"), legal_basis: text("legal_basis"),
    basis_reference: text("basis_reference"), conditions: text("conditions"), procedure: text("procedure"),
    supervision_phone: text("supervision_phone"), supervision_note: text("supervision_note"),
    fees: { charged: form.elements["fees.charged"].checked, basis: text("fees.basis") || null,
      standard: text("fees.standard") || null }, materials };
}

function showVersions(item) {
  document.getElementById("versions").replaceChildren(...item.versions.map((v) => el("li", {},
    el("a", { href: `/catalogue/${encodeURIComponent(item.code)}?version=${v.version}`, target: "_blank" },
      fmt(t.version_line, { version: v.version, at: when(v.published_at), by: v.published_by })))));
  document.getElementById("versions-card").hidden = !item.versions.length;
  const guide = document.getElementById("guide-link");
  guide.hidden = !item.latest_version;
  guide.href = `/catalogue/${encodeURIComponent(item.code)}`;
  const note = document.getElementById("draft-note");
  note.hidden = !item.draft;
  if (item.draft) note.textContent = fmt(t.draft_from, { at: when(item.draft_saved_at), by: item.draft_saved_by });
}

async function open(code) {
  try {
    const item = await api("GET", `/api/catalogue/${encodeURIComponent(code)}`);
    let shown = item.draft;
    if (!shown && item.latest_version) {
      const guide = await api("GET", `/api/public/catalogue/${encodeURIComponent(code)}`, { auth: false });
      shown = { ...guide.content, department: guide.department, definition_key: guide.definition_key,
        kind: guide.kind, legal_days: guide.legal_days, promised_days: guide.promised_days };
    }
    current = { code, draft_revision: item.draft_revision };
    fill(shown || {}, code);
    showVersions(item);
    history.replaceState(null, "", `?item=${encodeURIComponent(code)}`);
  } catch (err) {
    showProblem(status, err);
  }
}

async function loadList() {
  const { items } = await api("GET", "/api/catalogue");
  list.replaceChildren(...items.map((i) => el("li", { dataset: { code: i.code } },
    el("button", { type: "button", class: "link", onclick: () => open(i.code) }, `${i.code} ${i.name}`), " ",
    el("span", { class: "badge" }, i.latest_version ? fmt(t.version_badge, { n: i.latest_version }) : t.unpublished),
    i.has_draft ? el("span", { class: "badge warn-yellow" }, t.draft_badge) : null)));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const publish = event.submitter?.value === "publish";
  const code = current?.code || form.elements.code.value.trim();
  const buttons = form.querySelectorAll("button[type=submit]");
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const saved = await api("PUT", `/api/catalogue/${encodeURIComponent(code)}/draft`, { body: {
      content: content(), expected_revision: current?.code ? current.draft_revision : null } });
    current = { code, draft_revision: saved.draft_revision };
    const done = document.getElementById("saved");
    done.textContent = fmt(t.saved, { n: saved.draft_revision });
    if (publish) {
      const version = await api("POST", `/api/catalogue/${encodeURIComponent(code)}/publish`);
      done.textContent = fmt(t.published, { n: version.version });
    }
    await loadList();
    const item = await api("GET", `/api/catalogue/${encodeURIComponent(code)}`);
    current.draft_revision = item.draft_revision;
    form.elements.code.readOnly = true;
    showVersions(item);
    done.hidden = false;
  } catch (err) {
    showErrors(form, err);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
});

document.getElementById("add-material").addEventListener("click", () => {
  document.getElementById("materials").append(materialRow());
  nameMaterials();
});

document.getElementById("new-item").addEventListener("click", () => {
  current = null;
  fill({}, null);
  document.getElementById("versions-card").hidden = true;
  document.getElementById("guide-link").hidden = true;
  document.getElementById("draft-note").hidden = true;
  form.elements.code.focus();
});

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

document.getElementById("import-file").addEventListener("change", async (event) => {
  const importForm = document.getElementById("import-form");
  clearErrors(importForm);
  status.hidden = true;  // the last import's result is not this one's
  const file = event.target.files[0];
  if (!file) return;
  try {
    let result;
    if (/\.xlsx$/i.test(file.name)) {
      const response = await apiRaw("POST", "/api/catalogue/import/workbook",
                                    { body: file, contentType: XLSX, accept: "application/json" });
      result = await response.json();
    } else {
      let parsed;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw { message: t.not_json, fields: {} };
      }
      result = await api("POST", "/api/catalogue/import", { body: { items: parsed.items } });
    }
    status.className = "notice ok";
    status.textContent = fmt(t.imported, { n: result.published.length });
    status.hidden = false;
    await loadList();
  } catch (err) {
    showProblemList(importForm, err);
  } finally {
    event.target.value = "";
  }
});

document.getElementById("export-workbook").addEventListener("click", async () => {
  try {
    const response = await apiRaw("GET", "/api/catalogue/workbook", { accept: XLSX });
    saveBlob(await response.blob(), "catalogue.xlsx");
  } catch (err) {
    showProblem(status, err);
  }
});

try {
  [departments, definitions] = await Promise.all([
    api("GET", "/api/admin/departments").then((r) => r.items),
    api("GET", "/api/definitions").then((r) => r.items.filter((d) => !NOT_SERVICE_PROCESSES.has(d.key)))]);
  await loadList();
  const wanted = new URLSearchParams(location.search).get("item");
  if (wanted) await open(wanted);
} catch (err) {
  showProblem(status, err);
}
