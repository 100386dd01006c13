// Public commitments, the working side: a department head publishes the year's commitments and reports
// progress on them; the supervision bureau assesses each one. The public page (/commitments) shows the result.
import { api, checkRequired, clearErrors, el, fmt, limits, showErrors, showProblem, strings } from "../api.js";
import { requireSession } from "../session.js";

const session = requireSession(["head", "supervisor"]);
const t = strings();
const isHead = session.role === "head";
const status = document.getElementById("status");
const yearSelect = document.getElementById("year");
const thisYear = Number(new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 4));

function ok(text) {
  status.className = "notice ok";
  status.textContent = text;
  status.hidden = false;
}

/** The head's form to report progress on one commitment. */
function progressForm(c) {
  const form = el("form", { class: "form progress-form", novalidate: true },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("div", { class: "row two" },
      el("label", { class: "field" }, el("span", {}, t.percent),
        el("input", { name: "percent", type: "number", min: 0, max: 100, step: 1, value: c.progress_percent, required: true })),
      el("label", { class: "field" }, el("span", {}, t.note),
        el("input", { name: "note", maxlength: limits().commitment_note, required: true }))),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t.report)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!checkRequired(form, ["percent", "note"])) return;
    try {
      const percent = Number(form.elements.percent.value);
      const saved = await api("POST", `/api/commitments/${c.id}/progress`,
                              { body: { percent, note: form.elements.note.value.trim() } });
      ok(fmt(t.reported, { title: saved.title, percent: saved.progress_percent }));
      await load();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

/** The bureau's form to assess one commitment. */
function assessForm(c) {
  const form = el("form", { class: "form assess-form", novalidate: true },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("div", { class: "row two" },
      el("label", { class: "field" }, el("span", {}, t.assessment),
        el("select", { name: "assessment" },
          ...Object.entries(t.assessments).map(([value, label]) => el("option", { value }, label)))),
      el("label", { class: "field" }, el("span", {}, t.assessment_note),
        el("input", { name: "note", maxlength: limits().commitment_note, required: true }))),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.assess)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!checkRequired(form, ["note"])) return;
    try {
      const saved = await api("POST", `/api/commitments/${c.id}/assessment`, { body: {
        assessment: form.elements.assessment.value, note: form.elements.note.value.trim() } });
      ok(fmt(t.assessed, { title: saved.title, result: t.assessments[saved.assessment] }));
      await load();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

function article(c) {
  const verdict = c.assessment
    ? el("span", { class: `badge assessment-${c.assessment}` }, `${t.assessment}：${t.assessments[c.assessment]}`)
    : el("span", { class: "badge" }, t.not_assessed);
  const open = !c.assessment;
  return el("article", { class: "commitment", dataset: { id: c.id } },
    el("h3", {}, isHead ? c.title : `${c.department_name} · ${c.title}`, verdict),
    el("dl", { class: "facts" },
      el("dt", {}, t.target), el("dd", {}, c.target),
      el("dt", {}, t.due_on), el("dd", {}, c.due_on),
      el("dt", {}, t.pledged_by_short), el("dd", {}, c.pledged_by),
      el("dt", {}, t.progress),
      el("dd", {}, el("progress", { max: 100, value: c.progress_percent }), ` ${c.progress_percent}%`,
         c.progress_note ? ` · ${c.progress_note}` : ` · ${t.no_progress}`),
      ...(c.assessment ? [el("dt", {}, t.assessment_note), el("dd", {}, c.assessment_note)] : [])),
    open && isHead ? progressForm(c) : null,
    open && !isHead ? assessForm(c) : null);
}

async function load() {
  const box = document.getElementById("commitments");
  const year = yearSelect.value;
  const department = isHead ? `&department=${encodeURIComponent(session.department)}` : "";
  document.getElementById("public-link").href = `/commitments?year=${year}`;
  try {
    const { items } = await api("GET", `/api/public/commitments?year=${year}${department}`, { auth: false });
    box.replaceChildren(...(items.length ? items.map(article) : [el("p", { class: "muted" }, t.none)]));
  } catch (err) {
    showProblem(status, err);
  }
}

document.getElementById("intro").textContent = isHead ? t.intro_head : t.intro_bureau;
yearSelect.replaceChildren(...[thisYear - 1, thisYear, thisYear + 1].map((y) =>
  el("option", { value: y, selected: y === thisYear }, String(y))));
yearSelect.addEventListener("change", load);

if (isHead) {
  const form = document.getElementById("publish-form");
  document.getElementById("publish-card").hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!checkRequired(form, ["title", "target", "due_on", "pledged_by"])) return;
    try {
      const body = Object.fromEntries(["title", "target", "due_on", "pledged_by"].map((k) => [k, form.elements[k].value.trim()]));
      const saved = await api("POST", "/api/commitments", { body });
      ok(fmt(t.published, { title: saved.title }));
      form.reset();
      yearSelect.value = String(saved.year);
      await load();
    } catch (err) {
      showErrors(form, err);
    }
  });
}
load();
