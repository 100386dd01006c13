// The pages' one way to talk to the server: the JSON API with the bearer token kept in sessionStorage.
// API errors become readable Chinese messages placed next to the field the 4xx body names.

const TOKEN_KEY = "onewindow.token";
const SESSION_KEY = "onewindow.session";

let cachedStrings = null;

/** The page's strings dict (common + page), rendered by the server into #strings. */
export function strings() {
  if (!cachedStrings) {
    const node = document.getElementById("strings");
    cachedStrings = node ? JSON.parse(node.textContent) : {};
  }
  return cachedStrings;
}

let cachedLimits = null;

/** The server's field lengths by name (api/field_limits.py), rendered into #limits. */
export function limits() {
  if (!cachedLimits) {
    const node = document.getElementById("limits");
    cachedLimits = node ? JSON.parse(node.textContent) : {};
  }
  return cachedLimits;
}

/** Replace {name} placeholders in a string. */
export function fmt(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : `{${k}}`));
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function currentSession() {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw ? JSON.parse(raw) : null;
}

export function saveSession(accessToken, session) {
  sessionStorage.setItem(TOKEN_KEY, accessToken);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
}

/** An API failure with its status, stable code, message, per-field messages ("project.name" → [..]) and raw details. */
export class ApiError extends Error {
  constructor(status, code, message, fields, retryAfter, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
    this.details = details;
  }
}

/** Flatten the API's nested field messages ({project: {name: [..]}}) into dotted names. */
function flattenFields(node, prefix, out) {
  if (Array.isArray(node)) {
    const texts = node.filter((m) => typeof m === "string");
    if (texts.length) out[prefix] = (out[prefix] || []).concat(texts);
    node.filter((m) => m && typeof m === "object").forEach((m) => flattenFields(m, prefix, out));
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      flattenFields(value, prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (typeof node === "string") {
    out[prefix] = (out[prefix] || []).concat([node]);
  }
  return out;
}

/** Turn a 4xx/5xx body ({"error": {code, message, details}}) into an ApiError; `headers` gives Retry-After. */
export function errorFromBody(status, body, headers = null) {
  const error = (body && body.error) || {};
  const details = error.details || {};
  const fields = flattenFields(details.fields || {}, "", {});
  for (const problem of details.problems || []) {
    const name = problem.field || "";
    fields[name] = (fields[name] || []).concat([problem.message]);
  }
  const retry = headers?.get("Retry-After");
  return new ApiError(status, error.code || "error", error.message || `HTTP ${status}`, fields,
                      retry ? Number(retry) : null, details);
}

/** A response body as the server typed it: parsed JSON, else text. */
async function bodyOf(response) {
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json().catch(() => null) : response.text();
}

/**
 * Send one request with the bearer token; resolves to the ok Response, rejects with ApiError.
 * A 401 on a staff page drops the session and sends the user to the login page.
 */
async function send(method, path, { body, headers, auth }) {
  const all = { ...headers };
  if (auth && token()) all.Authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch(path, { method, headers: all, body });
  } catch (exc) {
    throw new ApiError(0, "network", strings().errors?.network || String(exc), {}, null);
  }
  if (!response.ok) {
    const err = errorFromBody(response.status, await bodyOf(response), response.headers);
    if (response.status === 401 && auth && token()) {
      clearSession();
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    throw err;
  }
  return response;
}

/** Call the JSON API; resolves to the parsed JSON (or text for XML), rejects with ApiError. */
export async function api(method, path, { body, auth = true, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await send(method, path,
    { body: body === undefined ? undefined : JSON.stringify(body), headers, auth });
  return bodyOf(response);
}

/**
 * Call the API with a body sent as is (XML, CSV, a file's text) or for a body read as is (an image, an export);
 * resolves to the ok Response (read it with .text(), .json() or .blob(); its headers carry ETag and the like),
 * rejects with ApiError like api(). `headers` adds request headers such as If-Match.
 */
export async function apiRaw(method, path, { body, contentType, accept = "*/*", headers = {} } = {}) {
  const all = { Accept: accept, ...headers };
  if (contentType) all["Content-Type"] = contentType;
  return send(method, path, { body, headers: all, auth: true });
}

/** Hand the browser a blob as a file download named `filename`. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * A readable message: the API's own Chinese text as it is; otherwise the Chinese text for the error
 * code with the API's own words in brackets (staff can quote them to support).
 */
export function readable(message, code) {
  const t = strings();
  if (message && /[\u4e00-\u9fff]/.test(message)) return message;  // the server's own Chinese text
  const general = code ? t.errors?.[code] : null;
  if (general && message && message !== general) return `${general}（${message}）`;
  return general || message || t.errors?.error || "error";
}

/** Show a message in a status box (a .notice): kind "ok", "error" or "" (neutral); content is text or elements. */
export function notice(box, kind, ...content) {
  box.classList.remove("ok", "error");
  box.classList.add("notice");
  if (kind) box.classList.add(kind);
  box.replaceChildren(...content);
  box.hidden = false;
}

/** Show an error (ApiError or other) readably in a status box. */
export function showProblem(box, err) {
  notice(box, "error", readable(err.message, err.code));
}

/**
 * Why a public code lookup found nothing: unknown code (the page's `not_found`), too many guesses
 * (`throttled`, with the seconds to wait), or anything else in the API's words. Hides the loading line.
 */
export function showLookupProblem(err) {
  const t = strings();
  document.getElementById("status-line").hidden = true;
  const box = document.getElementById("problem");
  box.textContent = err.status === 404 ? t.not_found
    : err.status === 429 ? fmt(t.throttled, { seconds: err.retryAfter || 60 }) : readable(err.message, err.code);
  box.hidden = false;
}

/** Remove the messages a previous showErrors placed in a form. */
export function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  const general = form.querySelector(".form-error");
  if (general) {
    general.textContent = "";
    general.hidden = true;
  }
}

/** Find the input a field name points at: name="project.name", or an element with data-field. */
function fieldElement(form, name) {
  if (!name) return null;
  const candidates = [name, name.split(".").pop(), name.replace(/\.\d+$/, "")];
  for (const candidate of candidates) {
    const node = form.querySelector(`[name="${CSS.escape(candidate)}"], [data-field="${CSS.escape(candidate)}"]`);
    if (node) return node;
  }
  return null;
}

/**
 * Show a file import's problems in the form's error box, one line each with the place it names
 * (`事项 第5行 法定办结时限（工作日）`, `第3行 score`, `items[2].kind`): an imported file has no fields
 * on the page to put them under.
 */
export function showProblemList(form, err) {
  const box = form.querySelector(".form-error");
  const lines = Object.entries(err.fields || {}).map(([where, messages]) =>
    el("li", {}, `${where}：${messages.map((m) => readable(m)).join(" ")}`));
  box.replaceChildren(readable(err.message, lines.length ? undefined : err.code),
                      ...(lines.length ? [el("ul", {}, ...lines)] : []));
  box.hidden = false;
}

/** Put each field's message right after its input, and anything unplaced at the top of the form. */
export function showErrors(form, err) {
  clearErrors(form);
  const t = strings();
  const unplaced = [];
  let first = null;
  for (const [name, messages] of Object.entries(err.fields || {})) {
    const target = fieldElement(form, name);
    const text = messages.map((m) => readable(m)).join(" ");
    if (!target) {
      unplaced.push(text);
      continue;
    }
    const note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.dataset.for = name;
    note.textContent = text;
    // Inside the field's label (so grids keep the message under its input), else right after the element.
    const field = target.closest(".field");
    if (field) field.append(note);
    else target.after(note);
    target.setAttribute("aria-invalid", "true");
    first = first || target;
  }
  const general = form.querySelector(".form-error");
  const head = readable(err.message, err.code);
  const summary = [first ? (t.errors?.[err.code] || head) : head, ...unplaced].filter(Boolean).join(" ");
  if (general) {
    general.textContent = summary;
    general.hidden = false;
  }
  if (first) first.focus();
}

/** Mark required fields the browser would otherwise let through, before calling the API. */
export function checkRequired(form, names) {
  const fields = {};
  for (const name of names) {
    const node = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (node && !String(node.value || "").trim()) fields[name] = [strings().errors.required];
  }
  if (Object.keys(fields).length) {
    showErrors(form, new ApiError(0, "invalid", "", fields, null));
    return false;
  }
  return true;
}

/** Submit a form through `send` after its required fields are filled; show field errors where the API names them. */
export function onSubmit(form, required, send) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!checkRequired(form, required)) return;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await send(form);
    } catch (err) {
      showErrors(form, err);
    } finally {
      button.disabled = false;
    }
  });
}

/** A form field's trimmed text, or null when empty. */
export function fieldValue(form, name) {
  return form.elements[name]?.value.trim() || null;
}

/** Make a DOM element: el("td", {class: "x"}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An account name as people read it: the system's own accounts in words, staff by their name. */
export function actorName(name) {
  if (!name) return "—";
  return strings().actors?.[name] || name;
}

/** A query code as people read and type it: groups of four, "SE62-VE9X-DJWJ"; "—" when there is none. */
export function groupedCode(code) {
  return String(code || "").match(/.{1,4}/g)?.join("-") || "—";
}

/** An ISO time as Beijing "2026-11-23 17:30" (the one format of every page); a date stays a date. */
export function when(iso) {
  if (!iso) return "—";
  if (/^\d{4}-\d\d-\d\d(T\d\d:\d\d.*\+08:00)?$/.test(iso)) return iso.slice(0, 16).replace("T", " ");
  const d = new Date(iso);  // another offset (video evidence is in UTC): shown as Beijing time too
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false }).slice(0, 16);
}

/** "剩余 3 个工作日" / "今日到期" / "已超期 2 个工作日" from the API's working_days_left. */
export function countdown(daysLeft) {
  const t = strings();
  if (daysLeft === null || daysLeft === undefined) return "—";
  if (daysLeft > 0) return fmt(t.days_left, { n: daysLeft });
  if (daysLeft === 0) return t.due_today;
  return fmt(t.days_over, { n: -daysLeft });
}

/** Format any ISO instant (UTC or with an offset) in Beijing time as "2026-11-23 17:30". */
export function beijingTime(iso) {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return when(iso);
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/** The year of a provisional due time, for "2027年节假日安排尚未发布，按法定节假日暂算". */
export function provisionalNote(dueAt) {
  const year = String(dueAt || "").slice(0, 4);
  return fmt(strings().provisional_note, { year });
}

/**
 * A small "暂定" badge after a due date reckoned over a year whose holiday notice is not out yet
 * (the API's `provisional`), its explanation in the tooltip; null for an ordinary due date.
 */
export function provisionalBadge(item) {
  if (!item?.provisional || !item.due_at) return null;
  const t = strings();
  const note = provisionalNote(item.due_at);
  return el("span", { class: "badge provisional", title: note, "aria-label": `${t.provisional}：${note}` },
    t.provisional);
}

/** The page-level line that explains the 暂定 badges, from the latest provisional due date shown. */
export function provisionalNotice(items) {
  const due = items.filter((i) => i?.provisional && i.due_at).map((i) => i.due_at).sort().pop();
  if (!due) return null;
  return el("p", { class: "notice provisional-notice" },
    fmt(strings().provisional_notice, { note: provisionalNote(due) }));
}

/**
 * An incident's reason in words staff understand ("条件“score > 3”无法计算：缺少数据“score”"); the
 * engine's own message stays available as the technical detail.
 */
export function incidentReason(reason) {
  const words = strings().incident_reason || {};
  const text = String(reason || "");
  const parts = [];
  const expression = text.match(/Error evaluating expression '([^']*)'/);
  if (expression) parts.push(fmt(words.expression, { expr: expression[1] }));
  else if (/Error executing script/i.test(text)) parts.push(words.script);
  const missing = text.match(/name '(\w+)' is not defined/);
  if (missing) parts.push(fmt(words.missing, { name: missing[1] }));
  else if (/TypeError/.test(text)) parts.push(words.type);
  if (!parts.length) parts.push(words.unknown);
  return parts.join("：");
}
