"""The alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from api.wiring import db
from engine.models import Base


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    import monitor.models  # noqa: F401 - registers the supervision tables on the shared metadata

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
