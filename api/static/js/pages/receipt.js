// The receipt (受理回执) or notice for one registration, with the query code as text and as a QR code,
// printable on A4 paper or on an 80 mm receipt printer.
import { api, clearErrors, el, fmt, groupedCode, showErrors, showProblem, strings, when } from "../api.js";
import { requireSession } from "../session.js";

const t = strings();
const session = requireSession(["window", "admin"]);
const root = document.getElementById("receipt");
const id = root.dataset.instance;

const PAGE_SIZES = { a4: "@page { size: A4; margin: 18mm; }", slip: "@page { size: 80mm auto; margin: 3mm; }" };

function printAs(kind) {
  document.body.dataset.print = kind;
  let style = document.getElementById("page-size");
  if (!style) {
    style = el("style", { id: "page-size" });
    document.head.append(style);
  }
  style.textContent = PAGE_SIZES[kind];
  window.print();
}

/** What kind of paper this is: an acceptance receipt, or the acceptance process's refusal/correction. */
function paper(instance) {
  if (instance.definition_key !== "one_window_acceptance") return { kind: "receipt" };
  const check = [...instance.tasks].reverse().find((x) => x.bpmn_id === "check_completeness" && x.submission);
  const decision = check?.submission?.decision;
  return { kind: decision === "refuse" ? "refusal" : "correction", opinion: check?.submission?.opinion };
}

function facts(rows) {
  return rows.filter(([, value]) => value !== null && value !== undefined && value !== "")
    .flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]);
}

function render(instance) {
  if (instance.status === "incident") {
    // No acceptance notice for an application an error in its diagram stopped: it is issued after the retry.
    const problem = document.getElementById("problem");
    problem.className = "notice incident no-print";
    problem.textContent = fmt(t.incident, { step: instance.incident?.task || "—" });
    problem.hidden = false;
    document.getElementById("print-a4").hidden = true;
    document.getElementById("print-slip").hidden = true;
    document.getElementById("status-line").hidden = true;
    return;
  }
  const what = paper(instance);
  const title = { receipt: t.receipt_a4, refusal: t.refusal_title, correction: t.correction_title }[what.kind];
  const code = groupedCode(instance.query_code);
  const trackUrl = `${location.origin}/track/${instance.query_code}`;
  const submitted = instance.data.documents_submitted || [];
  const rows = [
    [t.project_name, instance.project.name], [t.project_code, instance.project.code],
    [t.investment, Number(instance.project.investment).toLocaleString("zh-CN")],
    [t.applicant, instance.applicant.name],
    [what.kind === "receipt" ? t.accepted_at : t.received_at, when(instance.created_at)],
    [t.documents, submitted.join("、")],
  ];
  const item = instance.service_item;
  if (item) {
    rows.splice(4, 0, [t.item, item.name]);
    rows.push([t.fee, !item.charged ? t.fee_free
      : item.fee ? fmt(t.fee_line, { amount: item.fee.amount, receipt: item.fee.receipt_no }) : null]);
  }
  document.getElementById("fee-form").hidden = !(what.kind === "receipt" && item?.charged && !item.fee);
  if (instance.shortfall) {
    rows.push([fmt(t.shortfall, { due: when(instance.shortfall.due_at) }), instance.shortfall.documents.join("、")]);
  }
  document.getElementById("a4-title").textContent = title;
  document.getElementById("slip-title").textContent = what.kind === "receipt" ? t.receipt_slip : title;
  document.getElementById("a4-facts").replaceChildren(...facts(rows));
  const extra = [];
  if (what.kind === "correction") {
    const missing = instance.data.missing_documents || [];
    const note = what.opinion && what.opinion !== missing.join("、") ? what.opinion : null;
    extra.push(el("p", {}, t.correction_text),
      el("ol", { id: "missing-list" }, ...missing.map((d) => el("li", {}, d))),
      note ? el("p", {}, `${t.note}：${note}`) : null);
  } else if (what.kind === "refusal") {
    extra.push(el("p", {}, t.refusal_text), el("p", { id: "refusal-reason" }, `${t.reason}：${what.opinion}`));
  }
  document.getElementById("a4-extra").replaceChildren(...extra);
  document.getElementById("a4-code").textContent = code;
  document.getElementById("a4-url").textContent = `${t.track_url}：${trackUrl}`;
  document.getElementById("a4-handler").textContent = `${t.handler}：${session.username}`;
  document.getElementById("slip-code").textContent = code;
  document.getElementById("slip-facts").replaceChildren(
    el("div", {}, `${t.project_name}：${instance.project.name}`),
    el("div", {}, `${t.applicant}：${instance.applicant.name}`),
    el("div", {}, `${what.kind === "receipt" ? t.accepted_at : t.received_at}：${when(instance.created_at)}`),
    // The 容缺 promise travels with the applicant: what to bring, and by when.
    instance.shortfall && instance.shortfall.status !== "supplied" ? el("div", { id: "slip-shortfall" },
      `${fmt(t.shortfall, { due: when(instance.shortfall.due_at) })}：${instance.shortfall.documents.join("、")}`) : null);
  for (const img of [document.getElementById("a4-qr"), document.getElementById("slip-qr")]) {
    img.src = `/track/${instance.query_code}/qr.svg`;
  }
  root.dataset.kind = what.kind;
  root.hidden = false;
  document.getElementById("status-line").hidden = true;
}

const feeForm = document.getElementById("fee-form");
feeForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(feeForm);
  try {
    await api("POST", `/api/instances/${id}/fee`, { body: {
      amount: feeForm.elements.amount.value.trim(), receipt_no: feeForm.elements.receipt_no.value.trim() } });
    render(await api("GET", `/api/instances/${id}`));
  } catch (err) {
    showErrors(feeForm, err);
  }
});

document.getElementById("print-a4").addEventListener("click", () => printAs("a4"));
document.getElementById("print-slip").addEventListener("click", () => printAs("slip"));

api("GET", `/api/instances/${id}`).then(render).catch((err) => {
  showProblem(document.getElementById("problem"), err);
  document.getElementById("status-line").hidden = true;
});
