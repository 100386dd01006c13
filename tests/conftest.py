"""Test fixtures: every database test runs on SQLite and on a real PostgreSQL server.

Databases are built with alembic (never create_all) and seeded once per session into a template;
each test gets a fresh copy (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config as AlembicConfig
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from alembic import command as alembic_command
from api import create_app
from api.auth import issue_token
from api.cli import REPO_ROOT, deploy_shipped, migrate, seed_admin, seed_calendar, seed_demo
from api.wiring import db
from engine.models import User
from engine.workdays import FixedClock

BACKENDS = [b for b in os.environ.get("ONEWINDOW_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
PASSWORD = "test-password-1"
ADMIN_PASSWORD = "admin-password-1"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
# Friday 2026-09-18 10:00 in Shanghai: the reference case for working days.
START = datetime(2026, 9, 18, 2, 0, tzinfo=UTC)
_counter = itertools.count()


def _environ(url: str, instance: Path) -> dict[str, str]:
    return {"ONEWINDOW_DATABASE_URL": url, "ONEWINDOW_INSTANCE_PATH": str(instance),
            "ONEWINDOW_SECRET_KEY": SECRET, "ONEWINDOW_ADMIN_PASSWORD": ADMIN_PASSWORD}


def make_app(url: str, instance: Path, clock: FixedClock | None = None, **environ: str) -> Flask:
    """Build an app the way production does, with an injected clock (and extra ONEWINDOW_* settings)."""
    return create_app({"TESTING": True, "ONEWINDOW_CLOCK": clock or FixedClock(START),
                       "ONEWINDOW_ENVIRON": {**_environ(url, instance), **environ}})


@contextmanager
def another_app(url: str, instance: Path, clock: FixedClock | None = None, **environ: str) -> Iterator[Flask]:
    """One more app process on the same database (another gunicorn worker); its connections close after."""
    application = make_app(url, instance, clock, **environ)
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed(url: str, instance: Path) -> None:
    """Migrate, then add demo departments, users and the shipped diagrams."""
    migrate(url)
    app = make_app(url, instance)
    os.environ.setdefault("ONEWINDOW_ADMIN_PASSWORD", ADMIN_PASSWORD)
    with app.app_context():
        seed_calendar()
        seed_admin()
        seed_demo(PASSWORD)
        deploy_shipped()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file that tests copy."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _seed(f"sqlite:///{path}", folder / "instance")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated, seeded PostgreSQL database that tests clone; needs ONEWINDOW_TEST_POSTGRES_URL."""
    base = os.environ.get("ONEWINDOW_TEST_POSTGRES_URL")
    if not base:
        pytest.fail("ONEWINDOW_TEST_POSTGRES_URL is not set: run `make test` (it starts PostgreSQL) "
                    "or set ONEWINDOW_TEST_BACKENDS=sqlite")
    template = f"ow_template_{os.getpid()}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{template}"'))
    url = make_url(base).set(database=template).render_as_string(hide_password=False)
    _seed(url, Path(os.environ.get("TMPDIR", "/tmp")) / f"ow-pg-instance-{os.getpid()}")
    yield template
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh seeded database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "onewindow.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    base = make_url(os.environ["ONEWINDOW_TEST_POSTGRES_URL"])
    name = f"ow_test_{os.getpid()}_{next(_counter)}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for attempt in range(20):
            try:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
                break
            except OperationalError as exc:
                # PostgreSQL refuses to copy a template while anything (autovacuum, a closing
                # connection) is still attached to it; that passes within moments.
                if "being accessed by other users" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.1)
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock() -> FixedClock:
    """The injected clock; tests move it instead of sleeping."""
    return FixedClock(START)


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database, with the settings of an `app_settings` marker if the test has one."""
    marker = request.node.get_closest_marker("app_settings")
    application = make_app(database_url, tmp_path / "instance", clock, **(marker.kwargs if marker else {}))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A Flask test client (real WSGI stack, no server process)."""
    return app.test_client()


# The append-only guards of each hash-chained table, per backend (see the alembic migrations).
_GUARDS = {
    "audit_event": (["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"],
                    ["ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"]),
    "accountability_record": (["DROP TRIGGER IF EXISTS accountability_no_update",
                               "DROP TRIGGER IF EXISTS accountability_no_delete"],
                              ["ALTER TABLE accountability_record DISABLE TRIGGER accountability_no_change"]),
}


def migrate_to(url: str, target: str, *, down: bool = False) -> None:
    """Run the project's alembic migrations up (or down) to `target` on `url`, as `ow setup` would."""
    config = AlembicConfig(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "alembic"))
    config.attributes["database_url"] = url
    (alembic_command.downgrade if down else alembic_command.upgrade)(config, target)


def release_connections(app: Flask) -> None:
    """Close the app's connections so a migration can take its locks."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def tamper(app: Flask, table: str, statement: str, **params: object) -> None:
    """Play someone with raw database access: switch the table's append-only guard off, then rewrite."""
    with app.app_context():
        sqlite_guards, postgres_guards = _GUARDS[table]
        for guard in sqlite_guards if db.engine.dialect.name == "sqlite" else postgres_guards:
            db.session.execute(text(guard))
        db.session.execute(text(statement), params)
        db.session.commit()


class Api:
    """A thin JSON client that logs in as named demo users and keeps their tokens."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str) -> str:
        """Sign a real token for a seeded user (password checks have their own tests; argon2 is slow)."""
        # Signed afresh each time: tests move the injected clock past a token's lifetime.
        with self.client.application.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            assert user is not None, f"no seeded user {username}"
            return issue_token(user)[0]

    def call(self, method: str, url: str, user: str | None = None, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.login(user)}"
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, user: str | None = None, **kw: Any) -> Any:
        return self.call("GET", url, user, **kw)

    def post(self, url: str, user: str | None = None, **kw: Any) -> Any:
        return self.call("POST", url, user, **kw)


@pytest.fixture
def api(client: FlaskClient) -> Api:
    """JSON client with demo logins."""
    return Api(client)
