"""How many SQL statements a claim and a plain completion cost: a count, not a timing, so it is exact.

Statements are most of a command's cost (the database round trips and SQLAlchemy's work around each).
The budgets are today's counts; a change that adds a statement to these paths fails here and has to
say why, one that removes one lowers the budget.
"""

from __future__ import annotations

from flask import Flask

from api.wiring import db, services
from engine.command_context import Actor
from engine.commands import ClaimTaskCommand, CompleteTaskCommand
from tests.conftest import Api
from tests.sql_statements import counted
from tests.test_joint_approval_api import STAGE1, start, worklist

# SQLite counts its explicit BEGIN DEFERRED, and the COMMIT + BEGIN IMMEDIATE that end the read
# snapshot and take the writer lock for the writes alone (engine.database.take_write_lock);
# PostgreSQL's BEGIN is implicit in the driver.
# Lock the task's instance, read the task under the lock, insert the audit event, update the
# instance (its audit chain head), update the task.
CLAIM = {"sqlite": 8, "postgresql": 5}
# Lock the task's instance (with its state), read the task, the instance's open task rows, its timer
# rows, then one flush: audit insert, update instance (state and audit head), update task, cancel
# the branch's timer. The definition version is remembered per process: it never changes once deployed.
COMPLETE = {"sqlite": 11, "postgresql": 8}


def test_a_claim_and_a_completion_keep_to_their_statement_budget(app: Flask, api: Api) -> None:
    start(api)
    [task] = [t for t in worklist(api, "zrzy_reviewer") if t["bpmn_id"] == STAGE1["zrzy"]]
    reviewer = Actor("zrzy_reviewer", "reviewer", "zrzy")
    with app.app_context():
        executor, backend = services().executor, db.engine.dialect.name
        with counted(app) as claim:
            executor.execute(ClaimTaskCommand(task["id"]), reviewer)
        with counted(app) as complete:  # one branch of four: the join does not fire yet
            executor.execute(CompleteTaskCommand(task["id"], {}, "approve", "同意"), reviewer)
    assert len(claim) <= CLAIM[backend], claim
    assert len(complete) <= COMPLETE[backend], complete
    assert any(s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT") for s in complete)
    assert sum(s.lstrip().upper().startswith("UPDATE INSTANCE") for s in complete) == 1
    assert not any("FROM AUDIT_EVENT" in s.upper() for s in claim + complete)  # the head is on the instance
