"""Marshmallow fields shared by several blueprints."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

__all__ = ["MAX_DATABASE_ID", "record_id"]

MAX_DATABASE_ID = 2**63 - 1


def record_id(**kwargs: Any) -> fields.Integer:
    """An id referring to a stored row: positive and within a 64-bit database integer.

    Anything larger cannot name a row and would overflow the database driver.
    """
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_DATABASE_ID), **kwargs)
