// One application's work page for a department: claim, decide with an opinion, pause/resume the clock,
// ask for more time; read-only progress of the other departments, the history and the diagram.
import {
  actorName, api, beijingTime, clearErrors, countdown, el, fmt, incidentReason, provisionalBadge, provisionalNotice, showErrors,
  limits, showProblem, strings, when,
} from "../api.js";
import { legend, overdueBadge, showDiagram, statesById } from "../diagram.js";
import { departmentNames as allDepartmentNames } from "./supervision/kit.js";
import { requireSession } from "../session.js";

const t = strings();
const session = requireSession(["reviewer", "lead", "head", "window", "supervisor"]);
const root = document.getElementById("work");
const id = root.dataset.instance;
let diagram = null;
let incident = null;  // {reason, task, at} while an error in the diagram stops this application
let inquiry = null;  // the question and its chain when this instance handles a public inquiry
let complaint = null;  // the complaint, its complainant and what it is about, when this instance handles one
let taskForms = {};  // per open step: the decisions and the opinion its diagram declares (ow:choice, ow:opinion)

const OPEN = new Set(["ready", "claimed"]);

function field(label, control) {
  return el("label", { class: "field" }, el("span", {}, label), control);
}

/** A form that calls the API on submit and reloads the page's data when it worked. */
function actionForm(name, children, submit) {
  const form = el("form", { class: "form", novalidate: true, dataset: { action: name } },
    el("div", { class: "form-error", role: "alert", hidden: true }), ...children);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await submit(form);
      await load();
      const saved = document.getElementById("saved");
      if (result?.instance_status === "incident") {
        // The step was recorded, but what the diagram does next failed: say so, not just "saved".
        const stopped = result.incident || {};
        saved.className = "notice incident";
        saved.textContent = fmt(t.completed_incident, { step: stopped.task || "—", reason: incidentReason(stopped.reason) });
      } else {
        saved.className = "notice ok";
        saved.textContent = t.saved;
      }
      saved.hidden = false;
    } catch (err) {
      showErrors(form, err);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return form;
}

function taskPanel(task) {
  const level = incident ? "incident" : task.warning_level;
  const panel = el("section", { class: `card task-panel warn-${level}`, dataset: { taskId: task.id } },
    el("h2", {}, task.name),
    el("p", {}, el("span", { class: `badge warn-${level}` }, t.warning[level]), " ",
      `${t.due}：${when(task.due_at)}`, provisionalBadge(task), " · ",
      el("span", { class: "countdown" }, countdown(task.working_days_left))));
  if (incident) return panel;  // nothing can be claimed, decided or paused until the administrator retries
  if (task.pause) {
    panel.append(el("p", { class: "notice", id: "pause-notice" }, fmt(t.paused_since, {
      since: when(task.pause.since), kind: t.pause_kind[task.pause.kind] || task.pause.kind, reason: task.pause.reason })));
    panel.append(actionForm("resume", [el("button", { type: "submit", class: "primary" }, t.resume)],
      () => api("POST", `/api/tasks/${task.id}/resume`)));
    return panel;
  }
  if (task.status === "ready") {
    panel.append(actionForm("claim", [el("button", { type: "submit", class: "primary" }, t.claim)],
      () => api("POST", `/api/tasks/${task.id}/claim`)));
    return panel;
  }
  if (task.assignee && task.assignee !== session.username) {
    panel.append(el("p", { class: "muted" }, fmt(t.claimed_by, { user: task.assignee })));
    return panel;
  }
  if (inquiry && (task.bpmn_id === "answer" || task.bpmn_id === "route")) {
    if (task.bpmn_id === "answer" && !answeredYet()) panel.append(classifyForm(task));
    panel.append(inquiryForm(task));
    if (task.bpmn_id === "answer") panel.append(delayForm(task));
  } else {
    panel.append(decisionForm(task));
  }
  pauseAndExtension(panel, task);
  return panel;
}

/** The step's decision and opinion: what its diagram declares, else the approval pair 同意 / 不同意. */
function decisionForm(task) {
  const declared = taskForms[task.bpmn_id] || null;
  const choices = declared?.choices?.length ? declared.choices
    : declared ? [] : [{ value: "approve", label: t.approve }, { value: "refuse", label: t.refuse, needs_opinion: true }];
  const opinionLabel = declared?.opinion?.label || t.opinion;
  const needsOpinion = choices.filter((c) => c.needs_opinion).map((c) => c.label);
  const hint = declared?.opinion?.required ? t.opinion_must
    : needsOpinion.length ? fmt(t.opinion_needed_when, { choices: needsOpinion.join("、") }) : "";
  const decision = (choice, checked) => el("label", { class: "field inline" },
    el("input", { type: "radio", name: "decision", value: choice.value, checked }), choice.label);
  return actionForm("complete", [
    ...(choices.length ? [el("fieldset", { "data-field": "decision" },
      el("legend", {}, declared ? t.decision_choice : t.decision_label),
      el("div", { class: "actions" }, ...choices.map((c, i) => decision(c, i === 0))))] : []),
    field(opinionLabel, el("textarea", { name: "opinion", maxlength: limits().opinion, placeholder: hint })),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.complete)),
  ], (form) => api("POST", `/api/tasks/${task.id}/complete`, { body: {
    decision: form.querySelector("input[name=decision]:checked")?.value || null,
    opinion: form.elements.opinion.value.trim() || null } }));
}

/** Whether any department has answered a part yet: until then the first one classifies the question. */
function answeredYet() {
  return inquiry.parts.some((p) => p.step === "answer" && p.state === "completed" && ["answer", "pass_on"].includes(p.action));
}

/** The first answering department corrects the category and may raise the question to complex (10 days). */
function classifyForm(task) {
  const categories = [...new Set([inquiry.category, ...t.inquiry_categories])];
  const category = el("select", { name: "category" },
    ...categories.map((c) => el("option", { value: c, selected: c === inquiry.category }, c)));
  const levels = inquiry.complexity === "complex" ? ["complex"] : ["general", "complex"];
  const complexity = el("select", { name: "complexity" },
    ...levels.map((v) => el("option", { value: v, selected: v === inquiry.complexity }, t.complexity[v])));
  return el("details", {}, el("summary", {}, t.classify_section), actionForm("classify", [
    el("p", { class: "muted" }, t.classify_hint),
    field(t.inquiry_category, category), field(t.inquiry_complexity, complexity),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t.classify_submit)),
  ], (f) => api("POST", `/api/inquiries/steps/${task.id}/classification`, { body: {
    category: f.elements.category.value, complexity: f.elements.complexity.value } })));
}

/** The step of a public inquiry: a department answers, passes on or forwards; the 政府办 routes or refuses. */
function inquiryForm(task) {
  const actions = task.bpmn_id === "answer" ? ["answer", "pass_on", "forward"] : ["route", "refuse"];
  const others = Object.entries(inquiry.departments).filter(([code]) => code !== task.department);
  const options = (first) => [first, ...others.map(([code, name]) => el("option", { value: code }, name))];
  const next = el("select", { name: "next_department" },
    ...options(task.bpmn_id === "answer" ? el("option", { value: "" }, t.inquiry_next_unknown) : el("option", { value: "" }, "—")));
  const nextField = field(task.bpmn_id === "answer" ? t.inquiry_next : t.inquiry_route_to, next);
  const textLabel = el("span", {}, t.inquiry_text[actions[0]]);
  const text = el("textarea", { name: "text", maxlength: limits().inquiry_text, rows: 6 });
  const publish = el("label", { class: "field inline" }, el("input", { type: "checkbox", name: "publish" }), t.inquiry_publish);
  const choice = (value, checked) => el("label", { class: "field inline" },
    el("input", { type: "radio", name: "action", value, checked }), t.inquiry_action[value]);
  const form = actionForm("inquiry", [
    el("fieldset", { "data-field": "action" }, el("legend", {}, t.inquiry_action_label),
      el("div", { class: "actions" }, ...actions.map((a, i) => choice(a, i === 0)))),
    el("label", { class: "field" }, textLabel, text), nextField, task.bpmn_id === "answer" ? publish : null,
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.inquiry_submit)),
  ], (f) => {
    const action = f.querySelector("input[name=action]:checked").value;
    return api("POST", `/api/inquiries/steps/${task.id}`, { body: {
      action, text: f.elements.text.value.trim() || null,
      next_department: (action === "pass_on" || action === "route") ? f.elements.next_department.value || null : null,
      publish: action === "answer" && !!f.elements.publish?.checked } });
  });
  // Show only the fields the chosen action uses.
  const sync = () => {
    const action = form.querySelector("input[name=action]:checked").value;
    textLabel.textContent = t.inquiry_text[action];
    nextField.hidden = !(action === "pass_on" || action === "route");
    publish.hidden = action !== "answer";
  };
  form.addEventListener("change", sync);
  sync();
  return form;
}

function delayForm(task) {
  const given = inquiry.parts.find((p) => p.explanation && p.step === "answer" && p.state !== "completed"
    && p.department === task.department);
  if (given) return el("p", { class: "notice", id: "delay-given" }, fmt(t.delay_given, { text: given.explanation }));
  return el("details", {}, el("summary", {}, t.delay_section), actionForm("delay", [
    field(t.delay_text, el("textarea", { name: "text", maxlength: limits().inquiry_text })),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t.delay_submit)),
  ], (f) => api("POST", `/api/inquiries/steps/${task.id}/delay`, { body: { text: f.elements.text.value.trim() } })));
}

function inquiryCard() {
  if (!inquiry) return [];
  const names = inquiry.departments;
  const done = inquiry.parts.filter((p) => p.state === "completed");
  return [el("section", { class: "card", id: "inquiry-card" }, el("h2", {}, t.inquiry_title),
    el("dl", { class: "facts" },
      el("dt", {}, t.inquiry_code), el("dd", {}, inquiry.query_code),
      el("dt", {}, t.inquiry_category), el("dd", {}, inquiry.category),
      el("dt", {}, t.inquiry_complexity), el("dd", {}, t.complexity[inquiry.complexity] || inquiry.complexity),
      el("dt", {}, t.inquiry_channel), el("dd", {}, t.channel[inquiry.channel] || inquiry.channel)),
    el("p", { class: "question" }, el("strong", {}, `${t.inquiry_question}：`), inquiry.question),
    done.length ? el("h3", {}, t.inquiry_parts) : null,
    el("ol", { class: "history" }, ...done.map((p) => el("li", {},
      `${when(p.completed_at)} ${p.department_name} · ${t.inquiry_action[p.action] || p.action || ""}`,
      p.text ? `：${p.text}` : "", p.next_department ? ` → ${names[p.next_department] || p.next_department}` : ""))))];
}

/** What the bureau decides on: the complaint's text, who filed it, and the approval or question it is about. */
function complaintCard() {
  if (!complaint) return [];
  const who = [complaint.complainant?.name, complaint.complainant?.contact].filter(Boolean).join("，") || "—";
  const about = complaint.approval_query_code
    ? `${t.complaint_about_kind[complaint.subject_kind] || ""}：${complaint.project_name}（${complaint.approval_query_code}）`
    : "—";
  return [el("section", { class: "card", id: "complaint-card" }, el("h2", {}, t.complaint_title),
    el("dl", { class: "facts" },
      el("dt", {}, t.complaint_code), el("dd", {}, complaint.complaint_code),
      el("dt", {}, t.complaint_about), el("dd", {}, about),
      el("dt", {}, t.complaint_department), el("dd", {}, complaint.department_name || "—"),
      el("dt", {}, t.complainant), el("dd", {}, `${who}（${t.complaint_channel[complaint.channel] || complaint.channel}）`)),
    el("p", { class: "question" }, complaint.text),
    el("a", { href: `/supervision/complaints/${complaint.id}` }, t.complaint_detail))];
}

function pauseAndExtension(panel, task) {
  const kinds = Object.entries(t.pause_kind).map(([value, label]) => el("option", { value }, label));
  panel.append(el("details", {}, el("summary", {}, t.pause_section), actionForm("pause", [
    field(t.pause_kind_label, el("select", { name: "kind" }, ...kinds)),
    field(t.pause_reason, el("textarea", { name: "reason", maxlength: limits().pause_reason })),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t.pause)),
  ], (form) => api("POST", `/api/tasks/${task.id}/pause`, { body: {
    kind: form.elements.kind.value, reason: form.elements.reason.value.trim() } }))));
  panel.append(el("details", {}, el("summary", {}, t.extension_section), actionForm("extension", [
    field(t.extension_days, el("input", { name: "working_days", type: "number", min: 1, max: 60, value: 5 })),
    field(t.extension_reason, el("textarea", { name: "reason", maxlength: limits().extension_reason })),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t.extension)),
  ], (form) => api("POST", `/api/tasks/${task.id}/extensions`, { body: {
    working_days: Number(form.elements.working_days.value), reason: form.elements.reason.value.trim() } }))));
  const target = el("select", { name: "to_department" });
  allDepartmentNames().then((names) => target.replaceChildren(...Object.entries(names)
    .filter(([code]) => code !== task.department).map(([code, name]) => el("option", { value: code }, name))));
  panel.append(el("details", {}, el("summary", {}, t.transfer_section), actionForm("transfer", [
    field(t.transfer_to, target),
    field(t.transfer_reason, el("textarea", { name: "reason", maxlength: limits().transfer_reason })),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t.transfer)),
  ], (form) => api("POST", `/api/tasks/${task.id}/transfers`, { body: {
    to_department: form.elements.to_department.value, reason: form.elements.reason.value.trim() } }))));
}

let departmentNames = {};

function progressItem(task) {
  const stopped = incident && OPEN.has(task.status);
  const state = stopped ? "incident" : statesById([task])[task.bpmn_id] || task.status;
  return el("li", { class: `warn-${stopped ? "incident" : task.warning_level}`, dataset: { department: task.department } },
    el("div", { class: "actions" }, el("strong", {}, departmentNames[task.department] || task.department), task.name,
      el("span", { class: `badge state-${state}` }, t.state[state] || state)),
    OPEN.has(task.status)
      ? el("div", { class: "muted" }, `${t.due}：${when(task.due_at)}`, provisionalBadge(task),
        ` · ${countdown(task.working_days_left)}`)
      : el("div", { class: "muted" },
        `${when(task.completed_at)} ${decisionLabel(task.bpmn_id, task.submission?.decision)}`),
    // Each department's opinion in full: a reviewer decides knowing what the others found.
    task.submission?.opinion ? el("div", { class: "opinion" }, fmt(t.opinion_of, { text: task.submission.opinion }))
      : null);
}

/** What was applied for: project, item and its limits, the materials handed in and those still owed. */
function applicationFacts(instance) {
  const facts = [];
  const add = (label, value) => { if (value) facts.push(el("dt", {}, label), el("dd", {}, value)); };
  add(t.project_code, instance.project.code);
  const yuan = Number(instance.project.investment);
  add(t.investment, fmt(t.investment_value, { yuan: yuan.toLocaleString("zh-CN"),
    wan: (yuan / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) }));
  const item = instance.service_item;
  if (item) add(t.item_facts, fmt(t.item_line, { name: item.name, version: item.version, promised: item.promised_days,
    legal: item.legal_days }));
  add(t.submitted, (instance.data?.documents_submitted || []).join("、"));
  const s = instance.shortfall;
  if (s) add(t.shortfall_facts, fmt(t.shortfall_line, { documents: s.documents.join("、"),
    status: t.shortfall_states[s.status] || s.status, due: when(s.due_at) }));
  return facts;
}

/** Clock stops (the window's correction, a department's special procedure) and extensions, in words. */
function stopsList(instance) {
  const stops = (instance.pauses || []).map((p) => el("li", { dataset: { pause: p.id } }, fmt(t.stop_line, {
    kind: t.pause_kind[p.kind] || p.kind, reason: p.reason, from: when(p.started_at),
    to: p.ended_at ? fmt(t.stop_until, { at: when(p.ended_at) }) : t.stop_running,
    days: p.paused_working_days !== null && p.paused_working_days !== undefined
      ? fmt(t.stop_days, { n: p.paused_working_days }) : "" }).replace("，）", "）")));
  const owner = Object.fromEntries(instance.tasks.map((x) => [x.id, x.department]));
  const extensions = (instance.extensions || []).map((x) => el("li", { dataset: { extension: x.id } },
    fmt(t.extension_line, { department: departmentNames[owner[x.task_id]] || "", days: x.working_days, reason: x.reason,
      status: t.extension_status[x.status] || x.status, decision: x.decision_reason ? `：${x.decision_reason}` : "" })));
  const items = [...stops, ...extensions];
  return items.length ? items : [el("li", { class: "muted" }, t.no_stops)];
}

/** A recorded decision in words: the label its step declares, else the page's own word for it. */
function decisionLabel(bpmnId, decision) {
  if (!decision) return "";
  const declared = (taskForms[bpmnId]?.choices || []).find((c) => c.value === decision);
  return declared?.label || t.decision[decision] || decision;
}

function historyItem(event) {
  const d = event.details || {};
  let extra = [departmentNames[d.department] || d.department, decisionLabel(d.bpmn_id, d.decision), d.opinion, d.reason, d.note,
    d.category, d.complexity && t.complexity[d.complexity]]
    .filter(Boolean).join(" · ");
  if (event.action === "instance.incident") extra = `${d.task_name || d.task || "—"} · ${incidentReason(d.message)}`;
  if (event.action === "deadline.recomputed") extra = `${beijingTime(d.old)} → ${beijingTime(d.new)}`;
  if (event.action === "instance.migrated") extra = fmt(t.migrated_versions, { from: d.from_version, to: d.to_version });
  return el("li", { dataset: { action: event.action } },
    `${when(event.at)} ${event.actor ? actorName(event.actor) : ""} ${t.actions[event.action] || event.action}${extra ? `：${extra}` : ""}`);
}

function drawIncident(instance) {
  incident = instance.incident || null;
  const box = document.getElementById("incident-notice");
  box.hidden = !incident;
  if (!incident) return;
  box.replaceChildren(el("div", {}, t.incident_title),
    el("div", { class: "muted" }, fmt(t.incident_notice, { step: incident.task || "—", reason: incidentReason(incident.reason) })),
    el("small", { title: incident.reason || "" }, fmt(t.incident_since, { at: beijingTime(incident.at) })));
}

function render(instance) {
  departmentNames = instance.departments || {};
  taskForms = instance.task_forms || {};
  drawIncident(instance);
  document.getElementById("project-name").textContent = instance.project.name;
  // An inquiry's asker and a complainant are known by their own codes (in the card), not the handling
  // instance's internal one.
  document.getElementById("facts").replaceChildren(...(inquiry || complaint ? [] : [
    el("dt", {}, t.query_code), el("dd", {}, instance.query_code),
    el("dt", {}, t.applicant), el("dd", {}, `${instance.applicant.name}（${instance.applicant.contact}）`),
    ...applicationFacts(instance)]),
    el("dt", {}, t.status), el("dd", {}, incident ? t.state.incident : instance.blzt_name || t.state[instance.status] || instance.status,
      ...(incident ? [] : overdueBadge(instance.tasks, t, (d) => departmentNames[d] || d))));
  const mine = instance.tasks.filter((x) => x.department === session.department && OPEN.has(x.status));
  const others = instance.tasks.filter((x) => !mine.includes(x) && x.status !== "cancelled");
  document.getElementById("inquiry").replaceChildren(...inquiryCard(), ...complaintCard());
  document.getElementById("my-tasks").replaceChildren(...mine.map(taskPanel));
  document.getElementById("provisional-note").replaceChildren(
    ...[provisionalNotice(instance.tasks.filter((x) => OPEN.has(x.status)))].filter(Boolean));
  document.getElementById("progress").replaceChildren(...others.map(progressItem));
  document.getElementById("stops").replaceChildren(...stopsList(instance));
  document.getElementById("history").replaceChildren(...instance.history.map(historyItem));
  root.hidden = false;
  document.getElementById("status-line").hidden = true;
}

async function load() {
  try {
    const instance = await api("GET", `/api/instances/${id}`);
    inquiry = instance.definition_key === "public_inquiry"
      ? await api("GET", `/api/inquiries/instance/${id}`) : null;
    complaint = instance.definition_key === "complaint_handling"
      ? await api("GET", `/api/supervision/complaints/instance/${id}`) : null;
    render(instance);
    const states = statesById(instance.tasks);
    if (!diagram) {
      const xml = await api("GET", `/api/definitions/${instance.definition_key}/versions/${instance.definition_version}/xml`,
                            { accept: "application/xml" });
      diagram = await showDiagram(document.getElementById("diagram"), xml, states,
                                  { departments: { ...(await allDepartmentNames()), ...departmentNames }, t });
      document.getElementById("legend").replaceChildren(legend(t));
      document.getElementById("diagram").dataset.ready = "true";
    } else {
      diagram.colour(states);
    }
  } catch (err) {
    showProblem(document.getElementById("problem"), err);
  }
}

load();
