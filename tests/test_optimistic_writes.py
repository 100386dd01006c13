"""On SQLite, claims and completions read and run the engine without the writer lock.

They take the lock only to write; a change another writer committed meanwhile to the same instance
fails the instance row's version check, and the command runs again, that time under the lock. Other
writers are never kept waiting while a command computes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from flask import Flask
from sqlalchemy import func, select

from api.wiring import db, services
from engine.audit import verify_chain
from engine.command_context import Actor, CommandContext
from engine.commands import CompleteTaskCommand, StartInstanceCommand
from engine.commands.guards import department_task
from engine.models import AuditEvent, Instance, TaskRecord
from monitor.commands.approvals import RegisterApprovalCommand
from tests.conftest import BACKENDS, Api
from tests.test_joint_approval_api import STAGE1, start, worklist
from tests.test_statement_budget import counted

pytestmark = [
    pytest.mark.skipif("sqlite" not in BACKENDS, reason="SQLite's writer lock; PostgreSQL locks rows as it reads"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
REVIEWER = Actor("zrzy_reviewer", "reviewer", "zrzy")


@dataclass
class CompleteWithSomethingMeanwhile:
    """A completion during which another process commits `meanwhile`, after the reads, before the writes."""

    task_id: str
    meanwhile: Callable[[int], None]
    attempts: list[int] = field(default_factory=list)
    optimistic: ClassVar[bool] = True

    def execute(self, ctx: CommandContext) -> Any:
        self.attempts.append(1)
        row = department_task(ctx, self.task_id)  # the instance and task are read: the snapshot is taken
        if len(self.attempts) == 1:
            self.meanwhile(row.instance_id)
        return CompleteTaskCommand(self.task_id, {}, "approve", "同意").execute(ctx)


def _other_process(app: Flask) -> sqlite3.Connection:
    """A second writer that gives up at once if the lock is held (as a blocked worker would wait)."""
    with app.app_context():
        return sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)


def _task(api: Api) -> str:
    start(api)
    return next(t["id"] for t in worklist(api, "zrzy_reviewer") if t["bpmn_id"] == STAGE1["zrzy"])


def test_another_writer_commits_while_a_completion_computes(app: Flask, api: Api) -> None:
    task_id = _task(api)
    other_instance = start(api)["id"]
    other = _other_process(app)

    def meanwhile(_instance_id: int) -> None:  # raises "database is locked" if the command held the lock
        other.execute("UPDATE instance SET project_name = '别的项目' WHERE id = ?", (other_instance,))

    command = CompleteWithSomethingMeanwhile(task_id, meanwhile)
    try:
        with app.app_context():
            row = services().executor.execute(command, REVIEWER)
    finally:
        other.close()
    assert row.status == "completed" and len(command.attempts) == 1


def test_a_change_to_the_same_instance_meanwhile_makes_the_command_run_again(app: Flask, api: Api) -> None:
    task_id = _task(api)
    other = _other_process(app)

    def meanwhile(instance_id: int) -> None:  # what another worker's committed change to it looks like
        other.execute("UPDATE instance SET lock_version = lock_version + 1, project_name = '改过的项目' "
                      "WHERE id = ?", (instance_id,))

    command = CompleteWithSomethingMeanwhile(task_id, meanwhile)
    try:
        with app.app_context():
            services().executor.execute(command, REVIEWER)
    finally:
        other.close()
    assert len(command.attempts) == 2
    with app.app_context():
        task = db.session.get(TaskRecord, task_id)
        assert task is not None and task.status == "completed"
        instance = db.session.get(Instance, task.instance_id)
        assert instance is not None and instance.project_name == "改过的项目"  # nothing overwritten
        assert verify_chain(db.session, instance.id) == []
        completed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action == "task.completed"))
        assert completed == 1  # the lost first try left nothing behind


def test_a_registration_runs_the_engine_before_it_takes_the_lock(app: Flask) -> None:
    window = Actor("window1", "window", "zwfw")
    command = RegisterApprovalCommand(StartInstanceCommand(
        "investment_joint_approval", {"name": "滨江项目", "code": "c", "investment": 1}, {"name": "a", "contact": "b"}))
    with app.app_context(), counted(app) as statements:
        services().executor.execute(command, window)
    verbs = [s.lstrip().split()[0].upper() + (" " + s.split()[1].upper() if s.upper().startswith("BEGIN") else "")
             for s in statements]
    assert verbs[0] == "BEGIN DEFERRED"
    assert verbs.index("BEGIN IMMEDIATE") < next(i for i, s in enumerate(statements) if s.startswith("INSERT"))
    assert all(v in ("BEGIN DEFERRED", "SELECT") for v in verbs[:verbs.index("COMMIT")])  # only reads before
