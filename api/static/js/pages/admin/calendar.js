// The working-day calendar as a year grid: pick a day to toggle it (with a note), or load a whole year.
// A year whose official notice is not loaded is provisional (weekends and statutory holidays only): it is
// shown as 暂定 and its days cannot be toggled. Every change is first asked for as a dry run, so the admin
// sees how many open deadlines it moves before confirming it.
import { api, apiRaw, beijingTime, clearErrors, el, fmt, notice, readable, showErrors, strings } from "../../api.js";
import { requireSession } from "../../session.js";

requireSession(["admin"]);
const t = strings();
const status = document.getElementById("status");
const yearForm = document.getElementById("year-form");
const dayForm = document.getElementById("day-form");
const confirmBox = document.getElementById("confirm");
const SHOWN_MOVES = 5;
let year = null;
let provisional = false;
let days = new Map();  // "YYYY-MM-DD" -> {date, is_workday, note, provisional}
let chosen = null;
let pendingAnswer = null;  // resolves the confirmation on screen

function say(text, kind = "ok", ...extra) {
  notice(status, kind, text, ...extra);
}

function iso(y, m, d) {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The banner while next year's official calendar is missing (from 1 November on, says the server). */
async function drawBanner() {
  const banner = document.getElementById("calendar-banner");
  try {
    const result = await api("GET", "/api/admin/calendar/status");
    banner.textContent = result.warning || "";
    banner.hidden = !result.warning;
    return result;
  } catch {
    banner.hidden = true;
    return null;
  }
}

function dayButton(date) {
  const day = days.get(date);
  const kind = day?.is_workday ? "workday" : "holiday";
  const label = `${date} ${day?.is_workday ? t.workday : t.holiday}${day?.note ? ` · ${day.note}` : ""}`
    + `${day?.provisional ? `（${t.legend_provisional}）` : ""}`;
  return el("button", {
    type: "button", class: `day ${kind}${day?.note ? " noted" : ""}${day?.provisional ? " provisional" : ""}`,
    dataset: { date }, title: label, "aria-label": label, "aria-pressed": chosen === date ? "true" : "false",
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
  return el("section", { class: "month card" },
    el("h3", { dataset: provisional ? { provisional: t.legend_provisional } : {} }, fmt(t.month, { m: month })),
    el("table", {}, el("thead", {}, el("tr", {}, t.weekdays.map((w) => el("th", { scope: "col" }, w)))),
      el("tbody", {}, rows)));
}

function drawYearCount() {
  const workdays = [...days.values()].filter((d) => d.is_workday).length;
  document.getElementById("workdays").textContent =
    days.size ? fmt(provisional ? t.provisional_workdays : t.workdays, { n: workdays }) : "";
}

function drawYear() {
  const grid = document.getElementById("year");
  grid.classList.toggle("provisional", provisional);
  grid.replaceChildren(...Array.from({ length: 12 }, (_, i) => monthGrid(i + 1)));
  const note = document.getElementById("provisional-year");
  note.textContent = provisional ? fmt(t.provisional_year, { year }) : "";
  note.hidden = !provisional;
  drawYearCount();
}

async function load(y) {
  year = Number(y);
  yearForm.year.value = year;
  history.replaceState(null, "", `?year=${year}`);
  chosen = null;
  dayForm.hidden = true;
  answer(false);
  try {
    const result = await api("GET", `/api/admin/calendar/${year}`);
    days = new Map(result.days.map((d) => [d.date, d]));
    provisional = !!result.provisional;
    status.hidden = true;
  } catch (err) {
    days = new Map();
    provisional = false;
    if (err.status === 404) say(fmt(t.no_year, { year }), "");
    else say(readable(err.message, err.code), "error");
  }
  drawYear();
  document.body.dataset.year = String(year);
  document.body.dataset.provisional = String(provisional);
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
  // A provisional year has no stored days to change (the server answers 404): say why instead.
  const locked = !!day.provisional;
  document.getElementById("day-locked").hidden = !locked;
  dayForm.note.disabled = locked;
  document.getElementById("toggle-day").disabled = locked;
  document.getElementById("save-note").disabled = locked;
  document.getElementById("toggle-day").textContent = day.is_workday ? t.toggle_to_holiday : t.toggle_to_workday;
  document.querySelectorAll(".day[aria-pressed=true]").forEach((b) => b.setAttribute("aria-pressed", "false"));
  document.querySelector(`.day[data-date="${date}"]`)?.setAttribute("aria-pressed", "true");
  if (!locked) dayForm.note.focus();
}

/** Settle the confirmation on screen (true: go ahead), if one is waiting. */
function answer(yes) {
  confirmBox.hidden = true;
  const resolve = pendingAnswer;
  pendingAnswer = null;
  if (resolve) resolve(yes);
}

function movedLine(move) {
  return el("li", {}, fmt(t.moved, { subject: t.subjects[move.subject] || move.subject,
    instance: move.instance_id ?? "—", old: beijingTime(move.old), new: beijingTime(move.new) }));
}

/** Show what a change would recompute ("将重算 N 个办理期限" and the first few old → new); resolve to the choice. */
function confirmRecompute(title, recomputed) {
  answer(false);
  const count = recomputed?.count ?? 0;
  const moves = recomputed?.deadlines || [];
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-count").textContent =
    count ? fmt(t.will_recompute, { n: count }) : `${fmt(t.will_recompute, { n: 0 })}${t.none_affected}`;
  document.getElementById("confirm-list").replaceChildren(...moves.slice(0, SHOWN_MOVES).map(movedLine),
    ...(count > SHOWN_MOVES ? [el("li", { class: "muted" }, fmt(t.more, { n: count - SHOWN_MOVES }))] : []));
  confirmBox.dataset.count = String(count);
  confirmBox.hidden = false;
  confirmBox.scrollIntoView({ block: "nearest" });
  document.getElementById("confirm-yes").focus();
  return new Promise((resolve) => { pendingAnswer = resolve; });
}

document.getElementById("confirm-yes").addEventListener("click", () => answer(true));
document.getElementById("confirm-no").addEventListener("click", () => {
  answer(false);
  say(t.cancelled, "");
});

function setDayButtons(disabled) {
  for (const id of ["toggle-day", "save-note"]) document.getElementById(id).disabled = disabled;
}

async function saveDay(isWorkday) {
  const date = chosen;
  const day = days.get(date);
  if (!day || day.provisional) return;
  const path = `/api/admin/calendar/${year}/days/${date}`;
  const body = { is_workday: isWorkday, note: dayForm.note.value.trim() || null };
  const toggled = isWorkday !== day.is_workday;
  setDayButtons(true);
  try {
    if (toggled) {  // only a changed working-day flag can move deadlines: preview it and ask first
      say(t.checking, "");
      const preview = await api("PATCH", `${path}?dry_run=true`, { body });
      status.hidden = true;
      const go = await confirmRecompute(fmt(t.confirm_day, { date, kind: isWorkday ? t.workday : t.holiday }),
        preview.recomputed);
      if (!go) return;
    }
    const saved = await api("PATCH", path, { body });
    days.set(date, saved);
    document.querySelector(`.day[data-date="${date}"]`).replaceWith(dayButton(date));
    say(toggled ? `${t.saved}${fmt(t.recomputed, { n: saved.recomputed?.count ?? 0 })}` : t.saved);
    choose(date);
    drawYearCount();
  } catch (err) {
    status.hidden = true;
    showErrors(dayForm, err);
  } finally {
    if (!days.get(date)?.provisional) setDayButtons(false);
  }
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

function uploadProblem(err) {
  const details = (err.details?.problems || []).map((p) => p.message).slice(0, 5).join("；");
  say(`${readable(err.message, err.code)}${details ? ` ${details}` : ""}`, "error");
}

/**
 * Upload a whole year: CSV goes as text/csv, anything else as JSON ({"days": [...]}). The file is first sent
 * as a dry run (checked, nothing stored), the admin confirms the deadlines it moves, then it is loaded.
 */
document.getElementById("upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const csv = /\.csv$/i.test(file.name) || file.type === "text/csv";
  const body = await file.text();
  event.target.value = "";
  const target = year;
  const send = (query) => apiRaw("PUT", `/api/admin/calendar/${target}${query}`,
    { body, contentType: csv ? "text/csv" : "application/json", accept: "application/json" })
    .then((response) => response.json());
  let loaded;
  try {
    say(t.checking, "");
    const preview = await send("?dry_run=true");
    status.hidden = true;
    if (!(await confirmRecompute(fmt(t.confirm_upload, { year: target, file: file.name }), preview.recomputed))) return;
    loaded = await send("");
  } catch (err) {
    uploadProblem(err);
    return;
  }
  await load(target);
  await drawBanner();
  say(`${fmt(t.uploaded, { year: target })}${fmt(t.recomputed, { n: loaded.recomputed?.count ?? 0 })}`);
});

const asked = new URLSearchParams(location.search).get("year");
const calendarStatus = await drawBanner();
// The server's today (its clock may be pinned in development), not the browser's.
load(asked || (calendarStatus ? calendarStatus.next_year - 1 : new Date().getFullYear()));
