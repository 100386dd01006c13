// Evaluation sessions (年中述职, 质询评议, 社会调查): record one with its raters' scores, or import a sheet (CSV or Excel).
import {
  api, apiRaw, ApiError, clearErrors, el, fmt, showErrors, showProblem, showProblemList, strings, when,
} from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, table } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
const form = document.getElementById("session-form");
const status = document.getElementById("status");
let names = {};

/** "评议人 得分" per line; a line that is not that is named before anything is sent. */
function raterScores(text) {
  const scores = [];
  const bad = [];
  text.split("\n").map((l) => l.trim()).forEach((line, i) => {
    if (!line) return;
    const m = line.match(/^(.+?)[\s,，:：]+(-?\d+(?:\.\d+)?)$/);
    if (m) scores.push({ rater: m[1].trim(), score: Number(m[2]) });
    else bad.push(fmt(t.bad_line, { n: i + 1 }));
  });
  return { scores, bad };
}

async function load() {
  try {
    const year = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }).slice(0, 4);
    const { items } = await api("GET", `/api/supervision/evaluations?year=${year}`);
    document.getElementById("sessions").replaceChildren(table([
      [t.held_on, (s) => s.held_on], [t.kind, (s) => t.kinds[s.kind] || s.kind],
      [t.department, (s) => names[s.department] || s.department], [t.title_label, (s) => s.title],
      [t.mean, (s) => s.mean], [t.raters, (s) => s.raters], [t.entered, (s) => `${when(s.entered_at)} ${s.entered_by}`],
    ], [...items].reverse()));
  } catch (err) {
    showProblem(status, err);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const { scores, bad } = raterScores(form.elements.scores.value);
  try {
    if (bad.length) throw new ApiError(422, "invalid", "", { scores: bad }, null);
    const saved = await api("POST", "/api/supervision/evaluations", { body: {
      kind: form.elements.kind.value, department: form.elements.department.value, title: form.elements.title.value.trim(),
      held_on: form.elements.held_on.value, scores } });
    const done = document.getElementById("recorded");
    done.textContent = fmt(t.recorded, { title: saved.title, mean: saved.mean });
    done.hidden = false;
    form.elements.scores.value = "";
    await load();
  } catch (err) {
    showErrors(form, err);
  }
});

document.querySelector("#import-form input[name=sheet]").addEventListener("change", async (event) => {
  const importForm = document.getElementById("import-form");
  clearErrors(importForm);
  const file = event.target.files[0];
  if (!file) return;
  try {
    const workbook = /\.xlsx$/i.test(file.name);
    const response = await apiRaw("POST", "/api/supervision/evaluations/import", {
      body: workbook ? file : await file.text(), accept: "application/json",
      contentType: workbook ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv" });
    const { items } = await response.json();
    status.className = "notice ok";
    status.textContent = fmt(t.imported, { n: items.length });
    status.hidden = false;
    await load();
  } catch (err) {
    showProblemList(importForm, err);
  } finally {
    event.target.value = "";
  }
});

names = await departmentNames();
form.elements.department.replaceChildren(...Object.entries(names).map(([code, name]) => el("option", { value: code }, name)));
form.elements.held_on.value = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
load();
