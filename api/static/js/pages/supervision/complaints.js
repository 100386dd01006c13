// Complaints from every channel, newest first.
import { api, el, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, fillSelect, label, pager, showProblem, table } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
const form = document.getElementById("filters");
let names = {};

async function load(page = 1) {
  const q = new URLSearchParams({ page, per_page: 30 });
  for (const name of ["channel", "department"]) if (form[name].value) q.set(name, form[name].value);
  try {
    const result = await api("GET", `/api/supervision/complaints?${q}`);
    document.getElementById("list").replaceChildren(table([
      [t.code, (c) => el("a", { href: `/supervision/complaints/${c.id}` }, c.complaint_code)],
      [t.filed, (c) => when(c.filed_at)],
      [t.channel_label, (c) => label("channel", c.channel)],
      [t.department, (c) => names[c.department] || c.department || "—"],
      [t.project, (c) => c.project_name || "—"],
      [t.text, (c) => c.text.slice(0, 80)],
      [t.status, (c) => label("state", c.status)],
    ], result.items), pager(result, load));
  } catch (err) {
    showProblem(document.getElementById("status"), err);
  }
}

names = await departmentNames();
fillSelect(form.channel, "channel");
fillSelect(form.department, Object.entries(names));
form.addEventListener("change", () => load(1));
load();
