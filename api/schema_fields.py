"""Marshmallow fields shared by the blueprints, so the OpenAPI document states exactly what they accept.

Each piece exists because the plain marshmallow field and the JSON Schema that apispec writes for it
would disagree on some input (a client following the document would be refused, or a value the
document forbids would be stored).
"""

from __future__ import annotations

import numbers
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

__all__ = ["MAX_DATABASE_ID", "NON_BLANK", "FullMatch", "JsonInteger", "PageSchema", "anchored", "instant",
           "non_blank_text", "record_id", "whole_number"]

MAX_DATABASE_ID = 2**63 - 1

# Every character Python's str.strip() removes (str.isspace), spelt out: the commands refuse a text that
# strips to nothing. `\s` would not do: Python reads it over Unicode, while JSON Schema validators and
# schema-driven testers read it as ASCII whitespace only, so "\x1e" or "\u3000" would pass the
# document yet be refused.
WHITESPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NON_BLANK = rf"[\s\S]*[^{WHITESPACE}]"
"""A text with at least one character that is not whitespace; the same in Python and in JSON Schema."""


class JsonInteger(fields.Integer):
    """An integer as JSON Schema means it: 3 and 3.0 are both the integer 3; "3", 3.5 and true are not.

    marshmallow's strict Integer refuses 3.0, yet the document's `type: integer` allows it, so a client
    following the document would be refused. Strings stay refused, as with `strict=True`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class FullMatch(validate.Regexp):
    r"""A Regexp the whole text must match, as JSON Schema reads a `^…$` pattern.

    Python's `re.match` lets `$` match before a trailing newline, so "fgw\\n" would pass a plain
    Regexp although the document's pattern refuses it (and it would then be stored).
    """

    def __call__(self, value: str) -> str:
        """Refuse text the pattern does not match from its first character to its last."""
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def non_blank_text(max_length: int, **kwargs: Any) -> fields.String:
    """A free text (a reason, a reply) that must say something, up to `max_length` characters."""
    return fields.String(validate=[validate.Length(min=1, max=max_length),
                                   validate.Regexp(NON_BLANK, error="不能为空")], **kwargs)


def whole_number(**kwargs: Any) -> JsonInteger:
    """A whole number in a JSON body (3 or 3.0), for counts such as a grade or working days."""
    return JsonInteger(**kwargs)


def record_id(**kwargs: Any) -> JsonInteger:
    """An id naming a stored row: positive and within a 64-bit database integer (7.0 is 7).

    Anything larger cannot name a row and would overflow the database driver.
    """
    return JsonInteger(validate=validate.Range(min=1, max=MAX_DATABASE_ID), **kwargs)


def instant(**kwargs: Any) -> fields.String:
    """A time as api.presenters writes it: ISO 8601 in Beijing time, e.g. 2026-12-07T10:00:00+08:00.

    A String (not DateTime) because the views send the text already formatted and answers are documented
    without being serialised again; `format: date-time` tells clients how to parse it.
    """
    metadata = {"format": "date-time", **kwargs.pop("metadata", {})}
    return fields.String(metadata=metadata, **kwargs)


def anchored(alternatives: tuple[str, ...], *, repeat: bool = False) -> str:
    """A `^…$` pattern matching one of `alternatives` or, with `repeat`, a comma-separated list of them."""
    one = "(" + "|".join(re.escape(a) for a in alternatives) + ")"
    return f"^{one}(,{one})*$" if repeat else f"^{one}$"


class PageSchema(Schema):
    """The paging keys every list answer carries next to its items (subclasses add `items`)."""

    total = fields.Integer(required=True, metadata={"description": "matching rows over all pages"})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
