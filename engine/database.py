"""Engine-level database setup: SQLite pragmas and the transaction modes the unit of work needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["WRITE_OPTIONS", "begin_writing", "configure_engine", "is_sqlite", "writer_sessionmaker"]

# Execution option the unit of work sets so SQLite takes the write lock at BEGIN.
WRITE_OPTIONS = {"onewindow_begin": "IMMEDIATE"}


def is_sqlite(engine: Engine) -> bool:
    """Tell whether locking must be done by SQLite's database-wide writer lock."""
    return engine.dialect.name == "sqlite"


def configure_engine(engine: Engine, busy_timeout_ms: int = 30_000) -> None:
    """Install WAL, busy timeout and explicit BEGIN handling on SQLite; PostgreSQL needs nothing."""
    if not is_sqlite(engine):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling cannot emit BEGIN IMMEDIATE; take it over.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("onewindow_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def writer_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory for commands: on SQLite each transaction holds the write lock."""
    bind = engine.execution_options(**WRITE_OPTIONS) if is_sqlite(engine) else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


def begin_writing(session: Session) -> None:
    """Open the session's next transaction as a writer's: BEGIN IMMEDIATE on SQLite.

    A session from `writer_sessionmaker` already does this by its bind; a request's session reads
    with deferred transactions and must say so before a command writes through it. Taking the lock
    at BEGIN is what keeps two SQLite writers from both reading, then one failing at its first write.
    """
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return
    session.connection(execution_options=WRITE_OPTIONS)
