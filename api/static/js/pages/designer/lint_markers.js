// The server's lint problems shown on the diagram: a red outline and a label on each offending
// element, and a list beside it whose items select and centre the element.
import { el, fmt, strings } from "../../api.js";
import { is } from "./diagram_edits.js";

/** Bind the markers to one modeler, its problem box and a focus(element) function. */
export function lintMarkers(modeler, problemsBox, focus) {
  const t = strings();
  const registry = modeler.get("elementRegistry");
  const canvas = modeler.get("canvas");
  const overlays = modeler.get("overlays");

  function clearProblems() {
    overlays.remove({ type: "lint" });
    registry.forEach((element) => canvas.removeMarker(element, "lint-error"));
    problemsBox.hidden = true;
    problemsBox.replaceChildren();
  }

  function showProblems(problems) {
    clearProblems();
    for (const problem of problems) {
      const element = problem.element ? registry.get(problem.element) : null;
      if (!element) continue;
      canvas.addMarker(element, "lint-error");
      // A lane's left edge sits under the palette: put its marker further in.
      const left = is(element, "bpmn:Lane") || is(element, "bpmn:Participant") ? Math.min(element.width / 2, 240) : -6;
      overlays.add(element, "lint", {
        position: { top: -12, left },
        scale: false,  // stay readable however far the diagram is zoomed out
        html: el("div", { class: "lint-marker", dataset: { element: element.id }, title: problem.message },
          `! ${problem.message}`),
      });
    }
    const first = problems.map((p) => p.element && registry.get(p.element)).find(Boolean);
    if (first) canvas.scrollToElement(first);
    problemsBox.hidden = false;
    problemsBox.replaceChildren(el("p", { class: "form-error" }, fmt(t.problems, { n: problems.length })),
      el("ul", { class: "problems" }, problems.map((p) => el("li", {
        dataset: { element: p.element || "" },
        onclick: () => {
          const element = p.element && registry.get(p.element);
          if (!element) return;
          modeler.get("selection").select(element);
          focus(element);
        },
      }, p.message, p.element ? el("small", { class: "muted" }, ` （${p.element}${p.line ? fmt(t.at_line, { line: p.line }) : ""}）`) : ""))));
  }

  return { clearProblems, showProblems };
}
