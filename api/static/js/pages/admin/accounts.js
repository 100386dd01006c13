// Departments (add, rename) and user accounts (add, role, department, disable/enable, reset password).
import { api, checkRequired, el, fmt, notice, readable, showErrors, showProblem, strings } from "../../api.js";
import { requireSession } from "../../session.js";
import { table } from "../supervision/kit.js";

requireSession(["admin"]);
const t = strings();
const status = document.getElementById("status");
const departmentForm = document.getElementById("department-form");
const userForm = document.getElementById("user-form");
let departments = [];

function say(text) {
  notice(status, "ok", text);
}

function fail(err) {
  showProblem(status, err);
}

function departmentOptions(selected) {
  return [el("option", { value: "" }, t.no_department),
    ...departments.map((d) => el("option", { value: d.code, selected: d.code === selected }, `${d.code} · ${d.name}`))];
}

/** Replace a cell's text with an input and a save button; `save(value)` returns a promise. */
function inlineEdit(cell, current, save, { type = "text", placeholder = "" } = {}) {
  const input = el("input", { value: type === "password" ? "" : current, type, placeholder, "aria-label": placeholder });
  const ok = el("button", { type: "button", class: "primary", onclick: async () => {
    try {
      await save(input.value.trim());
    } catch (err) {
      fail(err);
    }
  } }, t.save);
  cell.replaceChildren(el("span", { class: "actions" }, input, ok));
  input.focus();
}

async function loadDepartments() {
  departments = (await api("GET", "/api/admin/departments")).items;
  document.getElementById("departments").replaceChildren(table([
    [t.code, (d) => el("code", {}, d.code)],
    [t.name, (d) => el("span", { class: "name" }, d.name)],
    ["", (d) => el("button", { type: "button", class: "link", onclick: (event) => {
      const cell = event.target.closest("tr").querySelector(".name").parentElement;
      inlineEdit(cell, d.name, async (name) => {
        await api("PATCH", `/api/admin/departments/${d.id}`, { body: { name } });
        say(t.saved);
        await loadDepartments();
      }, { placeholder: t.new_name });
    } }, t.rename)],
  ], departments, (d) => ({ dataset: { code: d.code } })));
  userForm.department_code.replaceChildren(...departmentOptions(""));
}

async function patchUser(user, body) {
  try {
    await api("PATCH", `/api/admin/users/${user.id}`, { body });
    say(t.saved);
  } catch (err) {
    fail(err);
  }
  await loadUsers();
}

/** A role or department change takes effect at once, so it is asked first; "no" puts the select back. */
function confirmed(select, previous, question, body, user) {
  if (!confirm(question)) {
    select.value = previous;
    return;
  }
  patchUser(user, body);
}

async function loadUsers() {
  const users = (await api("GET", "/api/admin/users")).items;
  const roles = Object.entries(t.roles);
  document.getElementById("users").replaceChildren(table([
    [t.username, (u) => u.username],
    [t.role, (u) => el("select", { "aria-label": t.role, name: "role", onchange: (e) => confirmed(e.target, u.role,
      fmt(t.confirm_role, { user: u.username, role: t.roles[e.target.value] }), { role: e.target.value }, u) },
      roles.map(([code, text]) => el("option", { value: code, selected: code === u.role }, text)))],
    [t.department, (u) => el("select", { "aria-label": t.department, name: "department_code",
      onchange: (e) => confirmed(e.target, u.department_code || "", fmt(t.confirm_department, {
        user: u.username, department: e.target.selectedOptions[0]?.textContent || t.no_department }),
      { department_code: e.target.value || null }, u) }, departmentOptions(u.department_code))],
    [t.active, (u) => el("span", { class: `badge ${u.active ? "warn-green" : "warn-red"}` }, u.active ? t.enabled : t.disabled)],
    ["", (u) => el("span", { class: "actions" },
      el("button", { type: "button", class: u.active ? "danger" : "", name: "toggle-active", onclick: () => {
        if (u.active && !confirm(fmt(t.confirm_disable, { user: u.username }))) return;
        patchUser(u, { active: !u.active });
      } }, u.active ? t.disable : t.enable),
      el("button", { type: "button", name: "reset-password", onclick: (event) => {
        inlineEdit(event.target.closest("td"), "", async (password) => {
          await api("POST", `/api/admin/users/${u.id}/password`, { body: { password } });
          say(fmt(t.password_reset, { user: u.username }));
          await loadUsers();
        }, { type: "password", placeholder: t.new_password });
      } }, t.reset_password))],
  ], users, (u) => ({ dataset: { username: u.username } })));
}

departmentForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(departmentForm, ["code", "name"])) return;
  try {
    await api("POST", "/api/admin/departments",
      { body: { code: departmentForm.code.value.trim(), name: departmentForm.name.value.trim() } });
    departmentForm.reset();
    say(t.saved);
    await loadDepartments();
  } catch (err) {
    showErrors(departmentForm, err);
  }
});

userForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(userForm, ["username", "password", "role"])) return;
  try {
    await api("POST", "/api/admin/users", { body: { username: userForm.username.value.trim(),
      password: userForm.password.value, role: userForm.role.value,
      department_code: userForm.department_code.value || null } });
    userForm.reset();
    say(t.saved);
    await loadUsers();
  } catch (err) {
    showErrors(userForm, err);
  }
});

// No role is chosen for the clerk: an account must not become an administrator by a missed select.
userForm.role.replaceChildren(el("option", { value: "" }, t.choose_role),
  ...Object.entries(t.roles).map(([code, text]) => el("option", { value: code }, text)));
try {
  await loadDepartments();
  await loadUsers();
  document.body.dataset.loaded = "true";
} catch (err) {
  status.className = "notice error";
  status.textContent = readable(err.message, err.code);
  status.hidden = false;
}
