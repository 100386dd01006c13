"""Counting the SQL statements a piece of work sends: an exact figure where a timing would flake.

Statements are most of a request's server cost (round trips plus SQLAlchemy's work around each), and
a statement count that grows with the data is the usual way a page gets slow (one query per row).
Tests assert counts; `make bench` prints the timings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from api.wiring import db


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """Collect every statement the app's engine sends inside the block, whichever request sends it."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
