// Lists the staff pages share: a table of items, previous/next paging, a paged table behind a filter
// form, and filter selects. Texts (none, all, prev, next, page_of) come from the page's strings.
import { api, el, fmt, showProblem, strings } from "./api.js";

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
  let latest = 0;  // a slow answer to an older request must not overwrite a newer one
  async function load(page = 1) {
    const mine = ++latest;
    const q = new URLSearchParams({ page, per_page: 30, ...fixed });
    for (const name of filters) {
      const field = form[name];
      const value = field.type === "checkbox" ? (field.checked ? field.value : "") : String(field.value || "").trim();
      if (value) q.set(name, value);
    }
    if (inUrl) history.replaceState(null, "", `?${q}`);
    try {
      const result = await api("GET", `${path}?${q}`);
      if (mine !== latest) return;
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
