"""Parallel completions of one instance's branches at the same instant: nothing lost, join fires once."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from api.wiring import db
from engine.audit import verify_chain
from engine.commands import Actor, CompleteTaskCommand, StartInstanceCommand
from engine.commands.deployment import DeployDefinitionCommand
from engine.models import AuditEvent, TaskRecord
from tests.bpmn_builder import parallel_review

DEPARTMENTS = ("zrzy", "sthj", "sw", "jt", "xf", "rf")


def test_parallel_completions_all_recorded_and_join_fires_once(app: Flask) -> None:
    executor = app.extensions["onewindow"].executor
    executor.execute(DeployDefinitionCommand(parallel_review("wide", DEPARTMENTS)), Actor.system())
    instance = executor.execute(StartInstanceCommand(
        "wide", {"name": "p", "code": "c", "investment": 1}, {"name": "a", "contact": "b"}),
        Actor("window1", "window", "zwfw"))
    with app.app_context():
        tasks = db.session.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance.id)).all()
        db.session.remove()
    assert len(tasks) == len(DEPARTMENTS)

    barrier = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def complete(task: TaskRecord) -> None:
        actor = Actor(f"{task.department_code}_reviewer", "reviewer", task.department_code)
        barrier.wait()
        try:
            executor.execute(CompleteTaskCommand(task.id, {}, "approve", "同意"), actor)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=complete, args=(t,)) for t in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []

    with app.app_context():
        rows = db.session.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance.id)).all()
        by_bpmn = {r.bpmn_id: r for r in rows}
        assert all(by_bpmn[f"{d}_review"].status == "completed" for d in DEPARTMENTS)
        assert [r.bpmn_id for r in rows if r.status == "ready"] == ["decide"]  # join fired exactly once
        completed_events = db.session.scalar(select(func.count()).where(
            AuditEvent.instance_id == instance.id, AuditEvent.action == "task.completed"))
        assert completed_events == len(DEPARTMENTS)
        assert verify_chain(db.session, instance.id) == []
        from engine.models import Instance

        data = db.session.get(Instance, instance.id).data
        assert all(data[f"{d}_decision"] == "approve" for d in DEPARTMENTS)
