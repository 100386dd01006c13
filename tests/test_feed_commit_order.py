"""Supervision reads engine facts in commit order: a fact committed after a later id was read is not lost."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.scheduler import sweep_supervision
from api.wiring import db
from engine.models import WarningEvent
from engine.workdays import FixedClock
from monitor.models import Alert, FedEvent
from monitor.outbox import COMMIT_GRACE
from tests.conftest import Api


def _instance(api: Api) -> int:
    r = api.post("/api/instances", "window1", json={
        "definition_key": "investment_joint_approval", "project": {"name": "p", "code": "c", "investment": 1},
        "applicant": {"name": "a", "contact": "b"}})
    assert r.status_code == 201
    return r.get_json()["id"]


def _warning(instance_id: int, task: str, clock: FixedClock, **ids: int) -> WarningEvent:
    return WarningEvent(instance_id=instance_id, task_id=task, subject="task", department_code="sthj",
                        level_from="green", level_to="red", due_at=clock.now(), at=clock.now(), **ids)


def _alerts(app: Flask) -> list[str]:
    with app.app_context():
        keys = list(db.session.scalars(select(Alert.dedup_key).where(Alert.source == "deadline")
                                       .order_by(Alert.dedup_key)))
        db.session.rollback()
    return keys


def test_a_fact_committed_out_of_id_order_is_read_exactly_once(app: Flask, api: Api, clock: FixedClock,
                                                                database_url: str) -> None:
    instance_id = _instance(api)
    sweep_supervision(app)
    with app.app_context():
        engine = db.engine
        if database_url.startswith("postgresql"):
            # Two real transactions: the first takes the lower id and commits last.
            with Session(engine) as slow, Session(engine) as quick:
                slow.add(_warning(instance_id, "t-slow", clock))
                slow.flush()
                quick.add(_warning(instance_id, "t-quick", clock))
                quick.flush()
                slow_id = slow.scalar(select(func.min(WarningEvent.id)).where(WarningEvent.task_id == "t-slow"))
                quick.commit()
                sweep_supervision(app)
                assert _alerts(app) == ["deadline:task:t-quick"]
                slow.commit()
        else:
            # SQLite has one writer at a time: the same order of ids, written one after the other.
            with Session(engine) as session:
                top = session.scalar(select(func.max(WarningEvent.id))) or 0
                session.add(_warning(instance_id, "t-quick", clock, id=top + 10))
                session.commit()
                sweep_supervision(app)
                assert _alerts(app) == ["deadline:task:t-quick"]
                session.add(_warning(instance_id, "t-slow", clock, id=top + 5))
                session.commit()
                slow_id = top + 5
    sweep_supervision(app)
    assert _alerts(app) == ["deadline:task:t-quick", "deadline:task:t-slow"]
    sweep_supervision(app)  # nothing is read twice
    assert len(_alerts(app)) == 2
    assert slow_id > 0
    # Once the grace period has passed, the mark moves on and the handled ids above it are forgotten.
    clock.advance(COMMIT_GRACE + timedelta(minutes=1))
    sweep_supervision(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FedEvent)) == 0
    assert len(_alerts(app)) == 2
