// Transfer requests (转办) awaiting a decision. A reviewing department that finds a step is not its
// business asks to hand it over; a lead department or the bureau decides. Both the lead's board and
// the bureau's orders page list them with this module.
import { api, clearErrors, el, fmt, limits, showErrors, strings, when } from "./api.js";
import { departmentNames } from "./pages/supervision/kit.js";

function transferForm(transfer, names, t, reload) {
  const from = names[transfer.from_department] || transfer.from_department;
  const to = names[transfer.to_department] || transfer.to_department;
  const form = el("form", { class: "form transfer", novalidate: true, dataset: { transferId: transfer.id } },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("div", {}, el("strong", {}, transfer.project_name), " · ", transfer.task_name),
    el("div", {}, fmt(t.line, { from, to, by: transfer.requested_by, at: when(transfer.requested_at) })),
    el("div", { class: "muted" }, fmt(t.reason, { reason: transfer.reason })),
    el("label", { class: "field" }, el("span", {}, t.refuse_reason),
      el("input", { name: "reason", maxlength: limits().transfer_reason })),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "primary", value: "approve" }, fmt(t.approve, { to })),
      el("button", { type: "submit", value: "refuse" }, t.refuse)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const approve = event.submitter?.value === "approve";
    try {
      await api("POST", `/api/transfers/${transfer.id}/decision`, { body: {
        approve, reason: form.elements.reason.value.trim() || null } });
      await reload();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return el("li", {}, form);
}

/** Fill `box` with the pending transfers the caller may decide; hidden when there are none. */
export async function drawTransfers(box) {
  const t = strings().transfers;
  const [{ items }, names] = await Promise.all([api("GET", "/api/transfers"), departmentNames()]);
  const reload = () => drawTransfers(box);
  box.replaceChildren(el("h2", {}, t.title), el("ul", { class: "plain" },
    ...items.map((transfer) => transferForm(transfer, names, t, reload))));
  box.hidden = items.length === 0;
}
