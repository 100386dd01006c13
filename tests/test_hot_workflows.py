"""Workflows a process just saved are reused by its next command on the same instance, never wrongly.

The row's version decides: a change another process made is always seen, and a command that failed
leaves nothing behind in memory.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from api.wiring import services
from engine.command_context import Actor
from engine.commands import CompleteTaskCommand
from engine.exceptions import ConflictError
from engine.hot_workflows import HotWorkflows
from engine.workdays import FixedClock
from tests.conftest import Api, another_app
from tests.test_joint_approval_api import STAGE1, start, worklist


def _complete(app: Flask, task_id: str, department: str) -> str:
    with app.app_context():
        row = services().executor.execute(CompleteTaskCommand(task_id, {}, "approve", "同意"),
                                          Actor(f"{department}_reviewer", "reviewer", department))
        return row.status


def _stage_one(api: Api) -> dict[str, str]:
    instance_id = start(api)["id"]
    return {dept: next(t["id"] for t in worklist(api, f"{dept}_reviewer")
                       if t["bpmn_id"] == bpmn_id and t["instance_id"] == instance_id)
            for dept, bpmn_id in STAGE1.items()}


def test_keeping_is_by_version_bounded_and_taking_removes() -> None:
    hot = HotWorkflows(2)
    a, b, c = object(), object(), object()
    hot.keep(1, 5, a)  # type: ignore[arg-type]
    assert hot.take(1, 6) is None and hot.take(1, 5) is None  # a wrong version also drops the entry
    hot.keep(1, 5, a)  # type: ignore[arg-type]
    hot.keep(2, 1, b)  # type: ignore[arg-type]
    hot.keep(3, 1, c)  # type: ignore[arg-type]
    assert hot.take(1, 5) is None and hot.take(3, 1) is c and hot.take(2, 1) is b
    off = HotWorkflows(0)
    off.keep(1, 1, a)  # type: ignore[arg-type]
    assert off.take(1, 1) is None


def test_another_process_change_is_seen_and_the_approval_finishes(app: Flask, api: Api, database_url: str,
                                                                   clock: FixedClock, tmp_path: Path) -> None:
    tasks = _stage_one(api)
    hot = app.extensions["onewindow"].runtime.hot
    assert _complete(app, tasks["zrzy"], "zrzy") == "completed"
    with another_app(database_url, tmp_path / "other", clock) as other:
        assert _complete(other, tasks["sthj"], "sthj") == "completed"  # bumps the row's version
    hits = hot.hits
    assert _complete(app, tasks["sw"], "sw") == "completed"  # restored: the kept copy is out of date
    assert hot.hits == hits
    assert _complete(app, tasks["jt"], "jt") == "completed"  # the copy sw's completion kept
    assert hot.hits == hits + 1
    lead = [t for t in worklist(api, "fgw_lead") if t["bpmn_id"].endswith("lead_decide")]
    assert lead, "all four reviews, from both processes, reached the join"


def test_a_failed_command_leaves_nothing_in_memory(app: Flask, api: Api) -> None:
    tasks = _stage_one(api)
    hot = app.extensions["onewindow"].runtime.hot
    assert _complete(app, tasks["zrzy"], "zrzy") == "completed"
    try:
        _complete(app, tasks["zrzy"], "zrzy")
    except ConflictError:
        pass
    else:
        raise AssertionError("completing twice must be refused")
    hits = hot.hits
    assert _complete(app, tasks["sthj"], "sthj") == "completed"
    assert hot.hits == hits  # the refused command took the copy and did not put it back
