"""Two real scheduler processes against PostgreSQL: 1,000 due timers fire exactly once, even when one
scheduler is killed with SIGKILL in the middle of its sweep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.commands import Actor, StartInstanceCommand
from engine.commands.deployment import DeployDefinitionCommand
from engine.workdays import FixedClock
from tests.bpmn_builder import definitions, process_xml
from tests.conftest import BACKENDS, SECRET, make_app

REPO = Path(__file__).resolve().parent.parent
TIMERS = 1000
pytestmark = pytest.mark.slow

TICK = definitions(process_xml("tick", (
    '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
    '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>fire_at'
    '</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
    '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="mark"/>'
    '<bpmn:scriptTask id="mark"><bpmn:script>ticks = ticks + 1</bpmn:script></bpmn:scriptTask>'
    '<bpmn:sequenceFlow id="f3" sourceRef="mark" targetRef="end"/><bpmn:endEvent id="end"/>')))


def _scheduler(database_url: str, tmp_path: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "ONEWINDOW_DATABASE_URL": database_url, "ONEWINDOW_SECRET_KEY": SECRET,
           "ONEWINDOW_INSTANCE_PATH": str(tmp_path / "instance"), "ONEWINDOW_TIMER_SWEEP_SECONDS": "0.2",
           "ONEWINDOW_TIMER_CLAIM_SECONDS": "3"}
    with open(tmp_path / f"{name}.log", "w") as log:  # the child keeps its own descriptor
        return subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "ow", "scheduler"],
                                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL-only scenario; `make test` always runs it")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_sweepers_fire_each_timer_exactly_once_despite_sigkill(database_url: str, tmp_path: Path) -> None:
    # Instances are started "in January" by an injected clock, so their timers wait; the schedulers run
    # on the real clock, for which every timer is already due: all 1,000 fall due at once.
    app = make_app(database_url, tmp_path / "instance", FixedClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC)))
    executor = app.extensions["onewindow"].executor
    executor.execute(DeployDefinitionCommand(TICK), Actor.system())
    window = Actor("window1", "window", "zwfw")
    for i in range(TIMERS):
        executor.execute(StartInstanceCommand(
            "tick", {"name": f"p{i}", "code": f"c{i}", "investment": 1}, {"name": "a", "contact": "b"},
            {"fire_at": "2026-01-06T09:00:00+08:00", "ticks": 0}), window)
    db = create_engine(database_url)

    def scalar(sql: str, **params: object) -> int:
        with db.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()

    assert scalar("SELECT count(*) FROM timer WHERE state = 'pending'") == TIMERS
    first, second = _scheduler(database_url, tmp_path, "a"), _scheduler(database_url, tmp_path, "b")
    try:
        deadline = time.monotonic() + 120
        # Kill the first scheduler while it holds claims it has not fired yet.
        while scalar("SELECT count(*) FROM timer WHERE state = 'claimed' AND claimed_by LIKE :p",
                     p=f"%:{first.pid}:%") == 0:
            assert time.monotonic() < deadline and first.poll() is None, (tmp_path / "a.log").read_text()
            time.sleep(0.02)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        while scalar("SELECT count(*) FROM timer WHERE state = 'fired'") < TIMERS:
            assert time.monotonic() < deadline, (tmp_path / "b.log").read_text()[-3000:]
            assert second.poll() is None, (tmp_path / "b.log").read_text()[-3000:]
            time.sleep(0.2)
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
    assert scalar("SELECT count(*) FROM timer WHERE state <> 'fired'") == 0
    # Exactly once: one fired event per timer, every instance finished, and the script ran once each.
    assert scalar("SELECT count(*) FROM audit_event WHERE action = 'timer.fired'") == TIMERS
    assert scalar("SELECT count(DISTINCT task_id) FROM audit_event WHERE action = 'timer.fired'") == TIMERS
    assert scalar("SELECT count(*) FROM instance WHERE status = 'completed'") == TIMERS
    assert scalar("SELECT count(*) FROM instance WHERE CAST(data AS jsonb) ->> 'ticks' = '1'") == TIMERS
    # The killed scheduler's claims were taken over after their lease ran out.
    assert scalar("SELECT count(*) FROM timer WHERE attempts >= 2") >= 1
    db.dispose()
    with app.app_context():
        from api.wiring import db as flask_db

        flask_db.engine.dispose()
