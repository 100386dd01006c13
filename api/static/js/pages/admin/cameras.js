// Cameras and their zones: draw polygons over the camera's latest frame (coordinates relative to the
// frame, 0..1, as the camera schema wants), save them with the camera's configuration, and capture the
// empty-seat reference the video worker compares zones with.
import { api, apiRaw, checkRequired, clearErrors, el, fmt, notice, readable, showErrors, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { departmentNames, table } from "../supervision/kit.js";

requireSession(["admin"]);
const t = strings();
const SVG = "http://www.w3.org/2000/svg";
const status = document.getElementById("status");
const zoneForm = document.getElementById("zone-form");
const cameraForm = document.getElementById("camera-form");
const svg = document.getElementById("zones-svg");
let names = {};
let camera = null;    // the camera being edited (API form)
let zones = [];       // its zones, edited locally until saved
let drawing = [];     // points of the polygon being drawn
let frameUrl = null;

function say(text, kind = "ok", ...extra) {
  notice(status, kind, text, ...extra);
}

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

const pointsAttr = (points) => points.map(([x, y]) => `${x},${y}`).join(" ");

function drawZones() {
  svg.replaceChildren(
    ...zones.map((z) => {
      const polygon = svgEl("polygon", { points: pointsAttr(z.polygon), "data-zone": z.name, "vector-effect": "non-scaling-stroke" });
      polygon.append(svgEl("title", {}));
      polygon.firstChild.textContent = z.name;
      return polygon;
    }),
    ...(drawing.length ? [svgEl("polyline", { points: pointsAttr(drawing), "vector-effect": "non-scaling-stroke" })] : []),
    ...drawing.map(([x, y]) => svgEl("circle", { cx: x, cy: y, r: 0.008 })),
  );
  // Names as HTML labels at each polygon's top-left point (text inside the stretched SVG would distort).
  const stage = document.getElementById("stage");
  stage.querySelectorAll(".zone-label").forEach((n) => n.remove());
  for (const z of zones) {
    const x = Math.min(...z.polygon.map((p) => p[0]));
    const y = Math.min(...z.polygon.map((p) => p[1]));
    stage.append(el("span", { class: "zone-label", style: `left:${x * 100}%;top:${y * 100}%` }, z.name));
  }
  document.getElementById("zone-list").replaceChildren(...zones.map((z) => el("li", { dataset: { zone: z.name } },
    el("span", {}, `${z.name} · ${t.zone_types[z.type] || z.type} · ${fmt(t.points, { n: z.polygon.length })}`),
    el("button", { type: "button", class: "link", onclick: () => {
      zones = zones.filter((other) => other !== z);
      drawZones();
    } }, t.delete_zone))));
}

/** A click on the frame adds a point, in frame-relative coordinates rounded to 4 places. */
svg.addEventListener("click", (event) => {
  const box = svg.getBoundingClientRect();
  const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
  const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
  const round = (v) => Math.round(v * 10000) / 10000;
  if (drawing.length >= 3) {  // clicking near the first point closes the polygon
    const [fx, fy] = drawing[0];
    if (Math.hypot((fx - x) * box.width, (fy - y) * box.height) < 10) {
      finishZone();
      return;
    }
  }
  drawing.push([round(x), round(y)]);
  drawZones();
});

function finishZone() {
  clearErrors(zoneForm);
  const name = zoneForm.zone_name.value.trim();
  const fields = {};
  if (!name) fields.zone_name = [t.errors.required];
  else if (zones.some((z) => z.name === name)) fields.zone_name = [t.errors.invalid];
  if (drawing.length < 3) fields.zones = [t.draw_hint];
  if (Object.keys(fields).length) {
    showErrors(zoneForm, { code: "invalid", message: "", fields });
    return;
  }
  zones.push({ name, type: zoneForm.zone_type.value, polygon: drawing });
  drawing = [];
  zoneForm.zone_name.value = "";
  drawZones();
}

document.getElementById("finish-zone").addEventListener("click", finishZone);
document.getElementById("undo-point").addEventListener("click", () => {
  drawing.pop();
  drawZones();
});

/** Save: the camera's whole configuration goes back with the edited zones (the API replaces it). */
zoneForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (drawing.length >= 3 && zoneForm.zone_name.value.trim()) finishZone();
  const config = { ...camera.config, zones: zones.map((z) => {
    const previous = (camera.config.zones || []).find((p) => p.name === z.name) || {};
    return { ...previous, name: z.name, type: z.type, polygon: z.polygon };
  }) };
  try {
    camera = await api("PUT", `/api/cameras/${camera.id}`, { body: config });
    say(t.zone_saved);
    await loadCameras();
    edit(camera, { keepFrame: true });
  } catch (err) {
    showErrors(zoneForm, err);
  }
});

async function loadFrame() {
  const img = document.getElementById("frame");
  let response = null;
  try {
    response = await apiRaw("GET", `/api/cameras/${camera.id}/frame?ts=${Date.now()}`, { accept: "image/*" });
  } catch (err) {
    if (!err.status) throw err;  // no frame yet is an answer; a lost connection is a problem
  }
  document.getElementById("no-frame").hidden = Boolean(response);
  document.getElementById("stage").hidden = !response;
  if (!response) return;
  if (frameUrl) URL.revokeObjectURL(frameUrl);
  frameUrl = URL.createObjectURL(await response.blob());
  await new Promise((resolve) => {
    img.onload = resolve;
    img.onerror = resolve;
    img.src = frameUrl;
  });
  document.body.dataset.frame = "loaded";
}

function edit(chosen, { keepFrame = false } = {}) {
  camera = chosen;
  zones = (camera.config.zones || []).map((z) => ({ name: z.name, type: z.type, polygon: z.polygon.map((p) => [...p]) }));
  drawing = [];
  document.getElementById("editor").hidden = false;
  document.getElementById("editor-title").textContent = `${camera.config.name}（${names[camera.config.department] || camera.config.department}）`;
  document.getElementById("reference-info").textContent = camera.reference_at
    ? fmt(t.reference_at, { at: when(camera.reference_at) }) : t.no_reference;
  drawReferenceZones(camera);
  drawZones();
  if (!keepFrame) loadFrame().catch((err) => showProblem(status, err));
}

/** How far each zone's part of the reference is trusted, as the video worker last said. */
function drawReferenceZones(chosen) {
  const box = document.getElementById("reference-zones");
  const zonesNow = chosen.reference_zones || [];
  if (!chosen.reference_at || !zonesNow.length) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(el("h3", {}, t.reference_zones), el("p", { class: "muted" }, t.reference_zones_hint),
    table([
      [t.reference_zone, (z) => z.zone],
      [t.reference_state, (z) => t.reference_states[z.state] || z.state],
      [t.reference_since, (z) => when(z.since || chosen.reference_at)],
    ], zonesNow, (z) => ({ dataset: { zone: z.zone, state: z.state } })));
}

/** Stop watching a camera (it leaves the video worker's list); its events and alerts stay on record. */
async function retire(chosen) {
  if (!window.confirm(fmt(t.retire_confirm, { name: chosen.config.name }))) return;
  try {
    await api("DELETE", `/api/cameras/${chosen.id}`);
    if (camera?.id === chosen.id) document.getElementById("editor").hidden = true;
    await loadCameras();
    say(fmt(t.retired_done, { name: chosen.config.name }));
  } catch (err) {
    showProblem(status, err);
  }
}

async function loadCameras() {
  const result = await api("GET", "/api/cameras");
  document.getElementById("cameras").replaceChildren(table([
    [t.camera, (c) => c.config.name],
    [t.department, (c) => names[c.config.department] || c.config.department],
    [t.zones, (c) => (c.config.zones || []).length],
    [t.status_label, (c) => t.status[c.active ? c.status || "unknown" : "retired"] || c.status],
    ["", (c) => el("span", { class: "actions" },
      el("button", { type: "button", name: "edit-zones", onclick: () => edit(c) }, t.select),
      c.active ? el("button", { type: "button", name: "retire", class: "danger", onclick: () => retire(c) }, t.retire) : null)],
  ], result.items, (c) => ({ dataset: { cameraId: c.id } })));
  return result.items;
}

document.getElementById("reload-frame").addEventListener("click", () => loadFrame());
document.getElementById("reference").addEventListener("click", async () => {
  try {
    camera = await api("POST", `/api/cameras/${camera.id}/reference`);
    document.getElementById("reference-info").textContent = fmt(t.reference_at, { at: when(camera.reference_at) });
    drawReferenceZones(camera);
    say(t.reference_done);
  } catch (err) {
    showProblem(status, err);
  }
});

cameraForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(cameraForm, ["name", "source"])) return;
  const body = { name: cameraForm.name.value.trim(), department: cameraForm.department.value,
    source_kind: cameraForm.source_kind.value, source: cameraForm.source.value.trim(),
    zones: [{ name: t.default_zone, type: "seat", polygon: [[0.35, 0.35], [0.65, 0.35], [0.65, 0.65], [0.35, 0.65]] }] };
  try {
    const created = await api("POST", "/api/cameras", { body });
    cameraForm.reset();
    await loadCameras();
    edit(created);
  } catch (err) {
    showErrors(cameraForm, err);
  }
});

try {
  names = await departmentNames();
  cameraForm.department.replaceChildren(...Object.entries(names).map(([code, name]) => el("option", { value: code }, `${code} · ${name}`)));
  const cameras = await loadCameras();
  const wanted = Number(new URLSearchParams(location.search).get("camera"));
  const first = cameras.find((c) => c.id === wanted);
  if (first) edit(first);
  document.body.dataset.loaded = "true";
} catch (err) {
  say(err.status === 404 ? t.no_api : readable(err.message, err.code), "error");
}
