// Helpers the back-office pages share: department names, code labels, paged tables, the chain check.
import { api, currentSession, el, fmt, showProblem, strings, when } from "../../api.js";

// A department's staff reach alerts, orders and accountability records that concern them; the
// bureau-only sections are not offered to them.
const BUREAU_ONLY = ["index", "complaints", "scores"];
if (!["supervisor", "admin"].includes(currentSession()?.role)) {
  document.querySelectorAll("#area-tabs a").forEach((a) => { a.hidden = BUREAU_ONLY.includes(a.dataset.section); });
}

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

/** A table with a header row and one row per item; `columns` = [[heading, item => cell content]]. */
export function table(columns, items, rowAttrs = () => ({})) {
  const t = strings();
  if (!items.length) return el("p", { class: "muted empty" }, t.none);
  return el("table", { class: "list" },
    el("thead", {}, el("tr", {}, columns.map(([heading]) => el("th", { scope: "col" }, heading)))),
    el("tbody", {}, items.map((item) => el("tr", rowAttrs(item),
      columns.map(([heading, cell]) => el("td", { "data-label": heading }, cell(item)))))));
}

/** Previous/next buttons for a {page, per_page, total} answer; calls go(page). */
export function pager(result, go) {
  const t = strings();
  const pages = Math.max(1, Math.ceil((result.total || 0) / result.per_page));
  return el("div", { class: "actions pager" },
    el("button", { type: "button", disabled: result.page <= 1, onclick: () => go(result.page - 1) }, t.prev),
    el("span", { class: "muted" }, fmt(t.page_of, { page: result.page, total: result.total ?? 0 })),
    el("button", { type: "button", disabled: result.page >= pages, onclick: () => go(result.page + 1) }, t.next));
}

/**
 * A paged table behind a filter form, as the list pages show alerts, orders, complaints and records.
 * Every change of a filter reloads page 1; `fixed` adds query parameters the form does not show (since);
 * with `inUrl` the query lives in the address so a reload or a shared link shows the same list;
 * `onResult` sees each whole answer (e.g. the figures an inquiry list carries beside its page).
 * Returns load(page).
 */
export function pagedList({ form, filters, path, box, columns, rowAttrs, fixed = {}, inUrl = false, onResult = null }) {
  async function load(page = 1) {
    const q = new URLSearchParams({ page, per_page: 30, ...fixed });
    for (const name of filters) {
      const value = String(form[name].value || "").trim();
      if (value) q.set(name, value);
    }
    if (inUrl) history.replaceState(null, "", `?${q}`);
    try {
      const result = await api("GET", `${path}?${q}`);
      box.replaceChildren(table(columns, result.items, rowAttrs), pager(result, load));
      if (onResult) onResult(result);
    } catch (err) {
      showProblem(document.getElementById("status"), err);
    }
  }
  form.addEventListener("change", () => load(1));
  return load;
}

/** Fill a <select> with "all" plus the codes of a strings table (or given [value, text] pairs). */
export function fillSelect(select, options, { all = true } = {}) {
  const t = strings();
  const pairs = Array.isArray(options) ? options : Object.entries(t[options] || {});
  select.replaceChildren(...(all ? [el("option", { value: "" }, t.all)] : []),
    ...pairs.map(([value, text]) => el("option", { value }, text)));
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
