// Deployed definitions (latest version each) with links to the modeler and the version list; saved drafts.
import { actorName, api, el, showProblem, strings, when } from "../../api.js";
import { requireSession } from "../../session.js";
import { table } from "../supervision/kit.js";

requireSession(["designer", "admin"]);
const t = strings();

try {
  const result = await api("GET", "/api/definitions");
  document.getElementById("definitions").replaceChildren(table([
    [t.name, (d) => el("a", { href: `/designer/${d.key}/edit` }, d.name || d.key)],
    [t.key, (d) => el("code", {}, d.key)],
    [t.latest, (d) => el("a", { href: `/designer/${d.key}` }, `v${d.version}`)],
    [t.deployed, (d) => `${when(d.deployed_at)} · ${actorName(d.deployed_by)}`],
    ["", (d) => el("span", { class: "actions" }, el("a", { href: `/designer/${d.key}/edit` }, t.open),
      el("a", { href: `/designer/${d.key}` }, t.history))],
  ], result.items, (d) => ({ dataset: { key: d.key } })));
  const drafts = await api("GET", "/api/definitions/drafts").catch(() => ({ items: [] }));
  if (drafts.items.length) {
    document.getElementById("drafts-card").hidden = false;
    document.getElementById("drafts").replaceChildren(table([
      [t.key, (d) => el("a", { href: `/designer/${d.key}/edit` }, d.key)], [t.revision, (d) => d.revision],
      [t.saved_at, (d) => when(d.saved_at)], [t.saved_by, (d) => d.saved_by],
    ], drafts.items));
  }
} catch (err) {
  showProblem(document.getElementById("status"), err);
}
