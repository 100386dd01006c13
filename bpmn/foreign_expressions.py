"""Conditions written for other engines (JUEL, FEEL, XPath), told from Python and explained.

JUEL is Camunda 7's and Flowable's, FEEL Camunda 8's, XPath the BPMN standard's default. Told apart,
the designer reads what to change instead of "invalid syntax".

Only the simple forms are rewritten into a suggestion (a name, a comparison, and/or/not); anything
else gets the explanation alone. Nothing is rewritten silently: the designer decides.
"""

from __future__ import annotations

import re

__all__ = ["foreign_expression", "python_suggestion", "simple_rewrite"]

_JUEL = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.S)
_FEEL = re.compile(r"^\s*=(?!=)\s*(?P<body>.+?)\s*$", re.S)
_XPATH_DATA = re.compile(r"bpmn:getDataObject\(\s*['\"]([A-Za-z_]\w*)['\"]\s*\)")
_LANGUAGES = (("feel", "FEEL"), ("juel", "JUEL"), ("xpath", "XPath"), ("javascript", "JavaScript"),
              ("groovy", "Groovy"), ("dmn", "FEEL"))  # a DMN-language expression is FEEL


def foreign_expression(text: str, language: str | None = None) -> tuple[str, str] | None:
    """(language, the expression inside) when `text` is not Python, else None.

    Told by the element's `language` attribute when it names another language, else by the text's
    own marks: `${...}`/`#{...}` (JUEL), a leading `=` (FEEL), `bpmn:getDataObject(...)` (XPath).
    """
    named = (language or "").lower()
    for mark, name in _LANGUAGES:
        if mark in named:
            found = foreign_expression(text)
            return (name, found[1]) if found else (name, text.strip())
    if _XPATH_DATA.search(text):
        return "XPath", text.strip()
    juel = _JUEL.match(text)
    if juel:
        return "JUEL", juel.group("body").strip()
    feel = _FEEL.match(text)
    if feel:
        return "FEEL", feel.group("body")
    return None


def python_suggestion(language: str, body: str) -> str:
    """The same condition in Python for the simple forms (names, literals, comparisons, and/or/not)."""
    text = _XPATH_DATA.sub(r"\1", body)
    text = re.sub(r"&&|\band\b", " and ", text)
    text = re.sub(r"\|\||\bor\b", " or ", text)
    text = re.sub(r"!(?!=)", " not ", text)
    text = re.sub(r"\beq\b", "==", text)
    text = re.sub(r"\bne\b", "!=", text)
    text = re.sub(r"\btrue\b", "True", text)
    text = re.sub(r"\bfalse\b", "False", text)
    text = re.sub(r"\bnull\b", "None", text)
    if language in ("FEEL", "XPath"):  # both compare with a single '='
        text = re.sub(r"(?<![=!<>])=(?!=)", "==", text)
    return re.sub(r"\s+", " ", text).strip()


# The simple forms rewritten automatically: names, numbers, quoted strings without quotes or
# backslashes inside, comparisons, and/or/not in either spelling, parentheses.
_SIMPLE_TOKEN = re.compile(r"""\s*(?:[A-Za-z_]\w*|\d+(?:\.\d+)?|'[^'\\]*'|"[^"\\]*"
                                |==|!=|<=|>=|<|>|=|&&|\|\||!|\(|\))""", re.X)


def simple_rewrite(language: str, body: str) -> str | None:
    """The Python for a condition made of simple tokens only (so the rewrite cannot change its meaning).

    `${approved}`, `${a == 'x'}`, `= approved`, `= a = "x"`, `${!rejected && amount > 1000}` qualify;
    method calls, arithmetic, FEEL functions and lists do not, and get the explanation instead.
    """
    if language not in ("JUEL", "FEEL"):
        return None
    position, text = 0, body.strip()
    while position < len(text):
        match = _SIMPLE_TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        position = match.end()
    # Inside quotes nothing is translated: split the strings out, read and translate the rest.
    parts = re.split(r"""('[^']*'|"[^"]*")""", text)
    code = " ".join(part for part in parts[::2])
    if re.search(r"\w\s*\(", code):
        return None  # a function or method call
    if language == "JUEL" and re.search(r"(?<![=!<>])=(?!=)", code):
        return None  # a JUEL assignment, not a comparison
    segments = [part if i % 2 else python_suggestion(language, part) for i, part in enumerate(parts)]
    return " ".join(segment for segment in segments if segment)
