// Complaints from every channel, newest first.
import { el, strings, when } from "../../api.js";
import { complaintIntake } from "../../complaint_intake.js";
import { requireSession } from "../../session.js";
import { departmentNames, fillSelect, label, pagedList } from "./kit.js";

requireSession(["supervisor"]);  // the list carries complainants' contacts
const t = strings();
const form = document.getElementById("filters");
form.before(complaintIntake((filed) => `/supervision/complaints/${filed.id}`));

const names = await departmentNames();
fillSelect(form.channel, "channel");
fillSelect(form.department, Object.entries(names));
pagedList({
  form, filters: ["channel", "department"], path: "/api/supervision/complaints", box: document.getElementById("list"),
  columns: [
    [t.code, (c) => el("a", { href: `/supervision/complaints/${c.id}` }, c.complaint_code)],
    [t.filed, (c) => when(c.filed_at)],
    [t.channel_label, (c) => label("channel", c.channel)],
    [t.department, (c) => names[c.department] || c.department || "—"],
    [t.project, (c) => c.project_name || "—"],
    [t.text, (c) => c.text.slice(0, 80)],
    [t.status, (c) => label("state", c.status)],
  ],
})();
