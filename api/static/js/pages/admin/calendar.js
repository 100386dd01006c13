// The working-day calendar as a year grid: pick a day to toggle it (with a note), or load a whole year.
import { api, apiRaw, clearErrors, el, fmt, notice, readable, showErrors, strings } from "../../api.js";
import { requireSession } from "../../session.js";

requireSession(["admin"]);
const t = strings();
const status = document.getElementById("status");
const yearForm = document.getElementById("year-form");
const dayForm = document.getElementById("day-form");
let year = null;
let days = new Map();  // "YYYY-MM-DD" -> {date, is_workday, note}
let chosen = null;

function say(text, kind = "ok", ...extra) {
  notice(status, kind, text, ...extra);
}

function iso(y, m, d) {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function dayButton(date) {
  const day = days.get(date);
  const kind = day?.is_workday ? "workday" : "holiday";
  const label = `${date} ${day?.is_workday ? t.workday : t.holiday}${day?.note ? ` · ${day.note}` : ""}`;
  return el("button", {
    type: "button", class: `day ${kind}${day?.note ? " noted" : ""}`, dataset: { date },
    title: label, "aria-label": label, "aria-pressed": chosen === date ? "true" : "false",
    onclick: () => choose(date),
  }, Number(date.slice(8)));
}

function monthGrid(month) {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offset = (first.getUTCDay() + 6) % 7;  // weeks start on Monday
  const cells = [...Array(offset).fill(null), ...Array.from({ length }, (_, i) => iso(year, month, i + 1))];
  const rows = [];
  for (let i = 0; i < cells.length; i += 7) {
    rows.push(el("tr", {}, cells.slice(i, i + 7).map((date) => el("td", {}, date ? dayButton(date) : ""))));
  }
  return el("section", { class: "month card" }, el("h3", {}, fmt(t.month, { m: month })),
    el("table", {}, el("thead", {}, el("tr", {}, t.weekdays.map((w) => el("th", { scope: "col" }, w)))),
      el("tbody", {}, rows)));
}

function drawYear() {
  document.getElementById("year").replaceChildren(...Array.from({ length: 12 }, (_, i) => monthGrid(i + 1)));
  const workdays = [...days.values()].filter((d) => d.is_workday).length;
  document.getElementById("workdays").textContent = days.size ? fmt(t.workdays, { n: workdays }) : "";
}

async function load(y) {
  year = Number(y);
  yearForm.year.value = year;
  history.replaceState(null, "", `?year=${year}`);
  chosen = null;
  dayForm.hidden = true;
  try {
    const result = await api("GET", `/api/admin/calendar/${year}`);
    days = new Map(result.days.map((d) => [d.date, d]));
    status.hidden = true;
  } catch (err) {
    days = new Map();
    if (err.status === 404) say(fmt(t.no_year, { year }), "");
    else say(readable(err.message, err.code), "error");
  }
  drawYear();
  document.body.dataset.year = String(year);
}

function choose(date) {
  chosen = date;
  const day = days.get(date);
  if (!day) return;
  clearErrors(dayForm);
  dayForm.hidden = false;
  document.getElementById("day-title").textContent =
    fmt(t.day_title, { date, kind: day.is_workday ? t.workday : t.holiday });
  dayForm.note.value = day.note || "";
  document.getElementById("toggle-day").textContent = day.is_workday ? t.toggle_to_holiday : t.toggle_to_workday;
  document.querySelectorAll(".day[aria-pressed=true]").forEach((b) => b.setAttribute("aria-pressed", "false"));
  document.querySelector(`.day[data-date="${date}"]`)?.setAttribute("aria-pressed", "true");
  dayForm.note.focus();
}

async function saveDay(isWorkday) {
  const date = chosen;
  try {
    const saved = await api("PATCH", `/api/admin/calendar/${year}/days/${date}`,
      { body: { is_workday: isWorkday, note: dayForm.note.value.trim() || null } });
    days.set(date, saved);
    document.querySelector(`.day[data-date="${date}"]`).replaceWith(dayButton(date));
    say(t.saved);
    choose(date);
    drawYearCount();
  } catch (err) {
    showErrors(dayForm, err);
  }
}

function drawYearCount() {
  const workdays = [...days.values()].filter((d) => d.is_workday).length;
  document.getElementById("workdays").textContent = fmt(t.workdays, { n: workdays });
}

dayForm.addEventListener("submit", (event) => {
  event.preventDefault();
  saveDay(!days.get(chosen).is_workday);
});
document.getElementById("save-note").addEventListener("click", () => saveDay(days.get(chosen).is_workday));
document.getElementById("close-day").addEventListener("click", () => {
  dayForm.hidden = true;
  chosen = null;
  document.querySelectorAll(".day[aria-pressed=true]").forEach((b) => b.setAttribute("aria-pressed", "false"));
});

yearForm.addEventListener("submit", (event) => {
  event.preventDefault();
  load(yearForm.year.value);
});

/** Upload a whole year: CSV goes as text/csv, anything else as JSON ({"days": [...]}). */
document.getElementById("upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const csv = /\.csv$/i.test(file.name) || file.type === "text/csv";
  const body = await file.text();
  event.target.value = "";
  try {
    await apiRaw("PUT", `/api/admin/calendar/${year}`,
      { body, contentType: csv ? "text/csv" : "application/json", accept: "application/json" });
  } catch (err) {
    const details = (err.details?.problems || []).map((p) => p.message).slice(0, 5).join("；");
    say(`${readable(err.message, err.code)}${details ? ` ${details}` : ""}`, "error");
    return;
  }
  await load(year);
  say(fmt(t.uploaded, { year }));
});

load(new URLSearchParams(location.search).get("year") || new Date().getFullYear());
