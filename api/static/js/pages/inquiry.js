// Public inquiries: search the knowledge base, ask a question (or, at the desk, type one in for someone),
// follow it by its query code, rate the answer and complain about it.
import {
  api, el, fieldValue, fmt, onSubmit, provisionalBadge, provisionalNotice, showLookupProblem, strings, when,
} from "../api.js";
import { drawHeader, requireSession } from "../session.js";

const t = strings();
const root = document.getElementById("inquiry-page");
const code = root.dataset.code;
const desk = root.dataset.desk === "true";
if (desk) requireSession(["window", "admin"]);
else drawHeader();

const value = fieldValue;

function askPage() {
  onSubmit(document.getElementById("ask-form"), ["question"], async (form) => {
    const body = { question: value(form, "question"), category: value(form, "category"),
      department: value(form, "department"), name: value(form, "name"), contact: value(form, "contact") };
    const asked = desk
      ? await api("POST", "/api/inquiries", { body: { ...body, channel: value(form, "channel"),
        complexity: value(form, "complexity") } })
      : await api("POST", "/api/public/inquiries", { body, auth: false });
    const box = document.getElementById("asked");
    box.replaceChildren(desk ? fmt(t.desk_asked, { code: asked.query_code })
      : el("span", {}, t.asked, el("strong", { id: "asked-code" }, asked.query_code), el("br"), t.asked_hint, " ",
        el("a", { href: `/inquiry/${asked.query_code}` }, t.follow)));
    box.hidden = false;
    form.reset();
  });
  const search = document.getElementById("search-form");
  if (!search) return;
  onSubmit(search, ["q"], async (form) => {
    const data = await api("GET", `/api/public/knowledge?q=${encodeURIComponent(value(form, "q"))}`, { auth: false });
    const total = document.getElementById("search-total");
    total.textContent = data.total ? fmt(t.search_total, { n: data.total }) : t.search_empty;
    total.hidden = false;
    document.getElementById("results").replaceChildren(...data.items.map((entry) => el("li", { class: "card" },
      el("strong", {}, entry.question),
      el("p", { class: "answer" }, entry.answer),
      el("div", { class: "muted" }, fmt(t.answered_by, { names: entry.department_names.join("、"),
        at: when(entry.published_at) })))));
  });
}

function partItem(part) {
  const done = part.state === "completed";
  return el("li", { class: done ? "warn-green" : "", dataset: { step: part.step, state: part.state } },
    el("div", { class: "actions" }, el("strong", {}, part.department_name), part.name,
      el("span", { class: `badge state-${part.state}` }, t.part_state[part.state] || part.state)),
    done
      ? el("div", {}, `${t.part_action[part.action] || part.action || ""}${part.text ? `：${part.text}` : ""}`)
      : el("div", { class: "muted" }, `${t.due}：${when(part.due_at)}`, provisionalBadge(part)),
    done ? el("div", { class: "muted" }, `${t.completed}：${when(part.completed_at)}`) : null,
    part.explanation ? el("div", { class: "notice explanation" },
      fmt(t.explanation, { at: when(part.explained_at), text: part.explanation })) : null);
}

async function progressPage() {
  const url = `/api/public/inquiries/${encodeURIComponent(code)}`;
  const show = (data) => {
    document.getElementById("status-line").hidden = true;
    const facts = document.getElementById("facts");
    facts.replaceChildren(el("dt", {}, t.code_label), el("dd", { id: "query-code" }, data.query_code),
      el("dt", {}, t.status), el("dd", { id: "status" }, data.answered ? t.state_answered : t.state_open),
      el("dt", {}, t.asked_at), el("dd", {}, when(data.asked_at)),
      el("dt", {}, t.category), el("dd", {}, data.category));
    facts.hidden = false;
    const question = document.getElementById("question");
    question.textContent = data.question;
    question.hidden = false;
    document.getElementById("parts").replaceChildren(...data.parts.map(partItem));
    document.getElementById("provisional-note").replaceChildren(provisionalNotice(data.parts) || "");
    document.getElementById("parts-card").hidden = false;
    document.getElementById("published").hidden = !data.published;
    document.getElementById("rate-card").hidden = !data.answered;
    document.getElementById("rate-form").hidden = data.satisfaction !== null;
    const rated = document.getElementById("rated");
    rated.hidden = data.satisfaction === null;
    if (data.satisfaction !== null) rated.textContent = fmt(t.rated, { grade: t.grades[String(data.satisfaction)] });
    document.getElementById("complain-card").hidden = !data.answered;
  };
  try {
    show(await api("GET", url, { auth: false }));
  } catch (err) {
    showLookupProblem(err);
    return;
  }
  onSubmit(document.getElementById("rate-form"), [], async (form) => {
    const grade = Number(form.querySelector("input[name=grade]:checked").value);
    show(await api("POST", `${url}/rating`, { body: { grade, comment: value(form, "comment") }, auth: false }));
  });
  onSubmit(document.getElementById("complain-form"), ["text"], async (form) => {
    const filed = await api("POST", "/api/public/complaints", { auth: false,
      body: { query_code: code, text: value(form, "text") } });
    const box = document.getElementById("complained");
    box.replaceChildren(t.complained, el("strong", { id: "complaint-code" }, filed.complaint_code), " ",
      el("a", { href: `/complaint/${filed.complaint_code}` }, t.complained_follow));
    box.hidden = false;
    form.hidden = true;
  });
}

if (code) progressPage();
else askPage();
