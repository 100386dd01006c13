"""Engine-level database setup: SQLite pragmas and the transaction modes the unit of work needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["OPTIMISTIC_OPTIONS", "WRITE_OPTIONS", "begin_writing", "configure_engine", "is_sqlite",
           "take_write_lock", "writer_sessionmaker"]

# Execution option the unit of work sets so SQLite takes the write lock at BEGIN.
WRITE_OPTIONS = {"onewindow_begin": "IMMEDIATE"}
# Read first, take the write lock only to write (see `take_write_lock`).
OPTIMISTIC_OPTIONS = {"onewindow_begin": "OPTIMISTIC"}
# connection.info key: this transaction has read without the write lock and written nothing yet.
_MAY_UPGRADE = "onewindow_may_upgrade"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


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
        conn.info[_MAY_UPGRADE] = mode == "OPTIMISTIC"
        conn.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'OPTIMISTIC' else mode}")

    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # A write made while reading (an autoflush) took the lock itself: nothing is left to upgrade.
        if conn.info.get(_MAY_UPGRADE) and statement.lstrip()[:7].upper().startswith(_WRITES):
            conn.info[_MAY_UPGRADE] = False


def writer_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory for commands: on SQLite each transaction holds the write lock."""
    bind = engine.execution_options(**WRITE_OPTIONS) if is_sqlite(engine) else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


def begin_writing(session: Session, *, optimistic: bool = False) -> None:
    """Open the session's next transaction as a writer's: BEGIN IMMEDIATE on SQLite.

    A session from `writer_sessionmaker` already does this by its bind; a request's session reads
    with deferred transactions and must say so before a command writes through it. Taking the lock
    at BEGIN is what keeps two SQLite writers from both reading, then one failing at its first write.

    `optimistic` reads without the lock instead; the command must call `take_write_lock` before its
    first write and must be able to tell, when it writes, that what it read has not changed since
    (the unit of work does: every change updates the instance row under its version check).
    """
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return
    session.connection(execution_options=OPTIMISTIC_OPTIONS if optimistic else WRITE_OPTIONS)


def take_write_lock(session: Session) -> None:
    """End an optimistic SQLite transaction's read snapshot and take the write lock for the writes.

    Only the write then waits for the other writers: reading, running the engine and serializing
    happened without the lock, in parallel with them. Nothing was written yet, so ending the read
    transaction loses nothing; a change another writer committed meanwhile to the same instance
    makes the version-checked UPDATE fail, and the executor runs the command again. A no-op on
    PostgreSQL (rows are locked as they are read) and in every other transaction.
    """
    connection = session.connection()
    if not connection.info.get(_MAY_UPGRADE):
        return
    connection.info[_MAY_UPGRADE] = False
    connection.exec_driver_sql("COMMIT")
    connection.exec_driver_sql("BEGIN IMMEDIATE")
