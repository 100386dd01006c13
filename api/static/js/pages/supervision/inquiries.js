// Public inquiries from every channel, newest first, with the bureau's figures and each asker's contact.
import { el, fmt, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, fillSelect, label, pagedList } from "./kit.js";

requireSession(["supervisor", "admin"]);
const t = strings();
const form = document.getElementById("filters");

const names = await departmentNames();
fillSelect(form.channel, "inquiry_channel");
fillSelect(form.department, Object.entries(names));
fillSelect(form.state, "inquiry_state");
pagedList({
  form, filters: ["channel", "department", "state"], path: "/api/supervision/inquiries",
  box: document.getElementById("list"),
  onResult: (result) => { document.getElementById("figures").textContent = fmt(t.figures, result.figures); },
  rowAttrs: (i) => ({ class: i.overdue ? "warn-red" : "", dataset: { inquiryId: i.id } }),
  columns: [
    [t.code, (i) => i.instance_id ? el("a", { href: `/worklist/${i.instance_id}` }, i.query_code) : i.query_code],
    [t.asked, (i) => when(i.asked_at)],
    [t.channel_label, (i) => label("inquiry_channel", i.channel)],
    [t.category, (i) => i.category],
    [t.question, (i) => i.question.slice(0, 60)],
    [t.waiting, (i) => i.status === "completed" ? t.answered_label
      : el("span", {}, ...i.open_steps.map((s) => el("div", {}, `${s.department_name} · ${s.name} · ${when(s.due_at)}`)),
        i.overdue ? el("span", { class: "badge warn-red" }, t.overdue_badge) : null)],
    [t.asker, (i) => [i.asker.name, i.asker.contact].filter(Boolean).join(" ") || "—"],
    [t.satisfaction, (i) => i.satisfaction ?? "—"],
  ],
})();
