"""What changed between two versions of a process diagram, element by element (for the designer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .bpmn_input import parse_untrusted_bpmn

__all__ = ["DefinitionDiff", "ElementChange", "diff_definitions", "diff_trees", "parse_version"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Layout (DI) moves when a designer drags a shape; that is not a change of the process.
IGNORED_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DI",
                      "http://www.omg.org/spec/DD/20100524/DC")


@dataclass(frozen=True)
class ElementChange:
    """One element that differs: which aspects (name, attributes, timer, condition, …) changed."""

    id: str
    type: str
    name: str | None
    aspects: tuple[str, ...] = ()
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DefinitionDiff:
    """Elements added, removed and changed, each sorted by id."""

    added: list[ElementChange]
    removed: list[ElementChange]
    changed: list[ElementChange]


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _ignored(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and etree.QName(node).namespace in IGNORED_NAMESPACES


def _is_part(node: etree._Element) -> bool:
    """Event definitions carry ids of their own but belong to their event (a timer's expression)."""
    return _local(node.tag).endswith("EventDefinition")


def _aspects(node: etree._Element) -> dict[str, str]:
    """Describe an element by what it says itself, not by its children that have ids of their own.

    A lane's flowNodeRef list, a task's timer expression or a flow's condition are part of the
    element; a task inside a process is not part of the process, it is compared on its own.
    """
    aspects = {f"@{etree.QName(k).localname}": v for k, v in node.attrib.items() if k != "id"}
    for child in node:
        if not isinstance(child.tag, str) or _ignored(child) or (child.get("id") is not None
                                                                  and not _is_part(child)):
            continue
        name = _local(child.tag)
        text = " ".join(" ".join(child.itertext()).split())
        nested = " ".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(child.attrib.items())
                          if k != "id")
        for sub in child.iter():
            if sub is not child and isinstance(sub.tag, str):
                nested += " " + " ".join(f"{_local(sub.tag)}.{etree.QName(k).localname}={v}"
                                         for k, v in sorted(sub.attrib.items()))
        value = " ".join(part for part in (text, nested.strip()) if part)
        aspects[name] = f"{aspects[name]} | {value}" if name in aspects else value
    return aspects


def parse_version(xml: bytes) -> etree._Element:
    """Parse a stored version once, so the diff and its wording can share the tree.

    Stored versions passed the size check when deployed; the hostile-XML guards still apply.
    """
    return parse_untrusted_bpmn(xml, max_bytes=len(xml) + 1)


def _elements(root: etree._Element) -> dict[str, tuple[str, dict[str, str]]]:
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or _ignored(node) or node is root:
            continue
        element_id = node.get("id")
        if element_id is not None and etree.QName(node).namespace == BPMN_NS and not _is_part(node):
            found[element_id] = (_local(node.tag), _aspects(node))
    return found


def _summary(element_id: str, kind: str, aspects: dict[str, str]) -> ElementChange:
    return ElementChange(element_id, kind, aspects.get("@name"))


def diff_definitions(old_xml: bytes, new_xml: bytes) -> DefinitionDiff:
    """Compare two deployed versions given as their XML."""
    return diff_trees(parse_version(old_xml), parse_version(new_xml))


def diff_trees(old_root: etree._Element, new_root: etree._Element) -> DefinitionDiff:
    """Compare two parsed versions by element id (ids are what instances and the code refer to)."""
    old, new = _elements(old_root), _elements(new_root)
    added = [_summary(i, *new[i]) for i in sorted(new.keys() - old.keys())]
    removed = [_summary(i, *old[i]) for i in sorted(old.keys() - new.keys())]
    changed = []
    for element_id in sorted(old.keys() & new.keys()):
        (old_kind, before), (new_kind, after) = old[element_id], new[element_id]
        if old_kind == new_kind and before == after:
            continue
        keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if old_kind != new_kind:
            keys = ["type", *keys]
        changed.append(ElementChange(
            element_id, new_kind, after.get("@name"), tuple(k.lstrip("@") for k in keys),
            {k.lstrip("@"): before[k] for k in keys if k in before},
            {k.lstrip("@"): after[k] for k in keys if k in after}))
    return DefinitionDiff(added, removed, changed)
