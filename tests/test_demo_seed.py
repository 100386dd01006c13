"""`ow setup`'s demo applications give every page something to show, the bureau's board included."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from api.cli import DEMO_ITEM, seed_demo_applications, seed_demo_catalogue
from api.scheduler import sweep_supervision, sweep_timers, sweep_warnings
from api.wiring import db
from engine.models import Instance, TaskRecord
from engine.workdays import SHANGHAI, FixedClock
from monitor.models import Alert, ServiceItem
from monitor.queries.catalogue import application_item
from tests.conftest import Api


def test_demo_has_an_overdue_application_the_bureau_sees(app: Flask, api: Api) -> None:
    with app.app_context():
        codes = seed_demo_applications()
        assert len(codes) == 3 and seed_demo_applications() == []  # only once
        # The demo catalogue is loaded once, and the demo applications are registered under its first item.
        assert list(db.session.scalars(select(ServiceItem.latest_version))) == [1, 1]
        assert seed_demo_catalogue() == []
        first = db.session.scalar(select(Instance).where(Instance.query_code == codes[0]))
        assert application_item(db.session, first.id)[0].code == DEMO_ITEM
        overdue = db.session.scalar(select(Instance).where(Instance.query_code == codes[2]))
        assert overdue.created_at < api.client.application.extensions["onewindow"].runtime.clock.now()
        db.session.remove()
    sweep_timers(app)
    sweep_warnings(app)
    sweep_supervision(app)
    with app.app_context():
        tasks = {t.department_code: t for t in db.session.scalars(
            select(TaskRecord).where(TaskRecord.instance_id == overdue.id))}
        assert tasks["sthj"].status == "completed" and tasks["sthj"].completed_at <= tasks["sthj"].due_at
        late = [t for t in tasks.values() if t.status != "completed"]
        assert late and {t.warning_level for t in late} <= {"red", "escalated"}
        alerts = db.session.scalars(select(Alert).where(Alert.instance_id == overdue.id)).all()
        assert {a.department_code for a in alerts if a.source == "deadline"} == {t.department_code for t in late}
        assert not [a for a in alerts if a.source == "rule"]  # answered in working hours, not suspiciously fast
    tracked = api.get(f"/api/public/track/{codes[2]}").get_json()
    assert tracked["project_name"] == "临江工业园区道路及配套管网工程"


@pytest.mark.parametrize("today", [datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI),
                                   datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI),
                                   datetime(2027, 6, 1, 9, 0, tzinfo=SHANGHAI)],
                         ids=["december", "new-years-eve", "mid-2027"])
def test_demo_applications_run_on_any_date(app: Flask, clock: FixedClock, today: datetime) -> None:
    # Deadlines reach past the last official year: they are provisional, never a failed application.
    clock.set(today)
    with app.app_context():
        codes = seed_demo_applications()
        instances = db.session.scalars(select(Instance).where(Instance.query_code.in_(codes))).all()
        assert len(instances) == 3 and {i.status for i in instances} == {"running"}
        open_rows = db.session.scalars(select(TaskRecord).where(
            TaskRecord.instance_id.in_([i.id for i in instances]), TaskRecord.status == "ready")).all()
        assert open_rows and all(r.due_at is not None and r.limit_days for r in open_rows)
        db.session.remove()
