"""Naming elements of a parsed diagram: the id a nested node belongs to, a fresh id, a readable name.

Lint problems, deployment's rewrites and its warnings all point at elements; they share these so an
element is named the same way in every message.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["element_label", "free_id", "owner_id"]


def owner_id(node: etree._Element | None) -> str | None:
    """The id of `node` or of its nearest ancestor that has one (a condition belongs to its flow)."""
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def free_id(anywhere: etree._Element, wanted: str) -> str:
    """`wanted` made a valid id, numbered (_2, _3, …) until no element of the document has it."""
    taken = {node.get("id") for node in anywhere.getroottree().iter() if isinstance(node.tag, str)}
    base = candidate = re.sub(r"[^A-Za-z0-9_.-]", "_", wanted)
    n = 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def element_label(node: etree._Element) -> str:
    """The element's name on one line (names drawn on several lines read as one), else its id."""
    return " ".join((node.get("name") or node.get("id") or "").split())
