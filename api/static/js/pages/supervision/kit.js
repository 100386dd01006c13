// Helpers the back-office pages share: department names, code labels, paged tables, the chain check.
import { api, currentSession, el, fmt, showProblem, strings, when } from "../../api.js";

// A department's staff reach alerts, orders and accountability records that concern them; the
// bureau-only sections are not offered to them.
const BUREAU_ONLY = ["index", "complaints", "inquiries", "scores", "evaluations", "selections"];
// Complainants' names and contacts are the bureau's alone: the administrator does not get the list.
const SUPERVISOR_ONLY = ["complaints"];
const role = currentSession()?.role;
document.querySelectorAll("#area-tabs a").forEach((a) => {
  const section = a.dataset.section;
  a.hidden = (!["supervisor", "admin"].includes(role) && BUREAU_ONLY.includes(section))
    || (role !== "supervisor" && SUPERVISOR_ONLY.includes(section));
});

// The list helpers every back-office list uses, kept where the pages of this area import them from.
export { fillSelect, pagedList, pager, table } from "../../lists.js";

let departmentsPromise = null;

/** {code: name} of every department (any staff member may read the list); empty on failure. */
export function departmentNames() {
  if (!departmentsPromise) {
    departmentsPromise = api("GET", "/api/admin/departments")
      .then((r) => Object.fromEntries(r.items.map((d) => [d.code, d.name])))
      .catch(() => ({}));
  }
  return departmentsPromise;
}

/** The label for an API code from one of the page's strings tables, else the code itself. */
export function label(table, code) {
  if (code === null || code === undefined || code === "") return "—";
  return strings()[table]?.[code] ?? code;
}

/** A coloured badge for a level or state code ("warn-red", "state-open", …). */
export function badge(kind, code, table) {
  return el("span", { class: `badge ${kind}-${code}` }, label(table, code));
}

/** The verify-chain button: ask the server to re-hash every chain and say whether all are intact. */
export function wireChainCheck(button, box) {
  const t = strings();
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const result = await api("GET", "/api/supervision/chain");
      box.hidden = false;
      if (result.intact) {
        box.className = "notice ok";
        box.textContent = fmt(t.chain_ok, { at: when(result.checked_at) });
      } else {
        box.className = "notice error";
        box.replaceChildren(fmt(t.chain_broken, { n: result.broken.length }),
          el("ul", {}, result.broken.map((b) => el("li", {}, b.text))));
      }
    } catch (err) {
      showProblem(box, err);
    } finally {
      button.disabled = false;
    }
  });
}

/** The record id the server rendered into the page (detail pages). */
export function recordId() {
  return Number(document.getElementById("main").dataset.id || document.querySelector("[data-id]")?.dataset.id);
}

/** Query-string value helper. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}
