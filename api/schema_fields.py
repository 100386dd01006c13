"""Marshmallow fields shared by several blueprints."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

__all__ = ["MAX_DATABASE_ID", "NON_BLANK", "non_blank_text", "record_id"]

MAX_DATABASE_ID = 2**63 - 1


def record_id(**kwargs: Any) -> fields.Integer:
    """An id referring to a stored row: positive and within a 64-bit database integer.

    Anything larger cannot name a row and would overflow the database driver.
    """
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_DATABASE_ID), **kwargs)


# Matches a text holding at least one non-space character; in the OpenAPI document it is the `pattern`,
# so clients (and schema-driven testers) learn that "   " is refused like "".
NON_BLANK = r"[\s\S]*\S"


def non_blank_text(max_length: int, **kwargs: Any) -> fields.String:
    """A required free text (a reason, a name) that must say something, up to `max_length` characters."""
    return fields.String(validate=[validate.Length(min=1, max=max_length),
                                   validate.Regexp(NON_BLANK, error="不能为空")], **kwargs)
