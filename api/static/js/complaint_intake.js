// A complaint typed in by staff for someone who phoned, walked up to a window or came to the bureau
// (代为登记投诉). The window's registrations page and the bureau's complaints page both offer it.
import { api, checkRequired, clearErrors, el, fmt, limits, showErrors, strings } from "./api.js";
import { departmentNames } from "./pages/supervision/kit.js";

/** A folded form; `openHref(filed)` is where staff follow the complaint (null: the public page). */
export function complaintIntake(openHref = null) {
  const t = strings().complaint_intake;
  const department = el("select", { name: "department" }, el("option", { value: "" }, t.department_guess));
  departmentNames().then((names) => department.append(
    ...Object.entries(names).map(([code, name]) => el("option", { value: code }, name))));
  const result = el("div", { class: "notice ok", role: "status", hidden: true });
  const form = el("form", { class: "form", id: "complaint-intake-form", novalidate: true },
    el("div", { class: "form-error", role: "alert", hidden: true }),
    el("p", { class: "hint" }, t.hint),
    el("label", { class: "field" }, el("span", {}, t.query_code),
      el("input", { name: "query_code", maxlength: limits().query_code, autocomplete: "off" })),
    el("label", { class: "field" }, el("span", {}, t.text), el("textarea", { name: "text", maxlength: limits().complaint_text })),
    el("div", { class: "row three" },
      el("label", { class: "field" }, el("span", {}, t.name), el("input", { name: "name", maxlength: limits().applicant_field })),
      el("label", { class: "field" }, el("span", {}, t.contact), el("input", { name: "contact", maxlength: limits().applicant_field })),
      el("label", { class: "field" }, el("span", {}, t.department), department)),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, t.submit)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    result.hidden = true;
    if (!checkRequired(form, ["query_code", "text"])) return;
    const value = (name) => form.elements[name].value.trim() || null;
    try {
      const filed = await api("POST", "/api/supervision/complaints", { body: {
        query_code: value("query_code"), text: value("text"), name: value("name"), contact: value("contact"),
        department: value("department") } });
      const href = openHref ? openHref(filed) : `/complaint/${encodeURIComponent(filed.complaint_code)}`;
      result.replaceChildren(fmt(t.filed, { code: filed.complaint_code }), " ",
        el("a", { href, id: "complaint-intake-link" }, t.open));
      result.hidden = false;
      form.reset();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return el("details", { class: "card", id: "complaint-intake" }, el("summary", {}, t.title), result, form);
}
