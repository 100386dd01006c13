"""A request reads and writes through one session: commands run in it, and what follows sees the commit."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from api.wiring import db, run_in_request, services
from engine.command_context import Actor, CommandContext
from engine.database import begin_writing
from engine.exceptions import RetryableConflict
from engine.models import Department

ADMIN = Actor("admin", "admin", None)


@dataclass
class ReadDepartmentName:
    """A command that only reports what its transaction sees (so the test can tell stale from fresh)."""

    code: str

    def execute(self, ctx: CommandContext) -> str:
        return ctx.session.scalar(select(Department.name).where(Department.code == self.code))


@dataclass
class RenameOnSecondTry:
    """Loses a race on its first attempt, then renames: the retry must happen in the same session."""

    code: str
    name: str
    attempts: list[int] = field(default_factory=list)

    def execute(self, ctx: CommandContext) -> str:
        self.attempts.append(1)
        ctx.session.execute(update(Department).where(Department.code == self.code).values(name=self.name))
        if len(self.attempts) == 1:
            raise RetryableConflict("somebody else was first")
        return self.name


def test_a_command_sees_what_others_committed_after_the_request_read(app: Flask) -> None:
    """The request's earlier read must not pin the snapshot the command works on."""
    with app.test_request_context():
        before = db.session.scalar(select(Department.name).where(Department.code == "fgw"))
        with Session(db.engine) as other:
            other.execute(update(Department).where(Department.code == "fgw").values(name="另一个名字"))
            other.commit()
        seen = run_in_request(ReadDepartmentName("fgw"), ADMIN)
    assert before != "另一个名字"
    assert seen == "另一个名字"


def test_a_lost_race_is_retried_in_the_request_session_and_the_view_reads_the_result(app: Flask) -> None:
    """The first attempt's write is rolled back, the second commits, and the view's next read sees it."""
    command = RenameOnSecondTry("fgw", "发展和改革委员会（新）")
    with app.test_request_context():
        assert run_in_request(command, ADMIN) == "发展和改革委员会（新）"
        assert len(command.attempts) == 2
        assert db.session.scalar(select(Department.name).where(Department.code == "fgw")) == command.name
    with app.app_context(), Session(db.engine) as fresh:
        assert fresh.scalar(select(Department.name).where(Department.code == "fgw")) == command.name


def test_a_dry_run_in_the_request_session_leaves_nothing_behind(app: Flask) -> None:
    with app.test_request_context():
        executor = services().executor
        executor.execute(RenameOnSecondTry("fgw", "不该留下"), ADMIN, dry_run=True, session=db.session())
        assert db.session.scalar(select(Department.name).where(Department.code == "fgw")) != "不该留下"


def test_begin_writing_takes_the_sqlite_writer_lock_at_begin(app: Flask) -> None:
    """A request session reads with deferred transactions; before a command writes it must hold the lock."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the writer lock at BEGIN is SQLite's; PostgreSQL locks rows")
        path = db.engine.url.database
        with Session(db.engine) as session:
            session.execute(text("SELECT 1"))  # a deferred read transaction, as a view's would be
            session.rollback()
            begin_writing(session)
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
                session.rollback()
                other.execute("BEGIN IMMEDIATE")  # released with the session's transaction
                other.execute("ROLLBACK")
            finally:
                other.close()
