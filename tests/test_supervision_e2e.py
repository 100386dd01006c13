"""The e-supervision chain end to end through the HTTP API: a late review becomes an alert, an order,
an escalation and an accountability record, and the records' hash chain catches tampering.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from api.scheduler import _tick, sweep_supervision, sweep_warnings
from engine.workdays import FixedClock
from monitor.sweeps import sweep_overdue_orders
from tests.conftest import Api, tamper

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "城东学校", "code": "P-9", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def test_red_review_to_accountability_record_and_a_verified_chain(app: Flask, api: Api, clock: FixedClock) -> None:
    inst = api.post("/api/instances", "window1", json=BODY).get_json()
    # The environmental review goes red (due Thu 2026-10-22 17:30) and the alert opens once.
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))
    sweep_warnings(app)
    sweep_supervision(app)
    sweep_supervision(app)
    alerts = [a for a in api.get("/api/supervision/alerts", "jiancha",
                                 query_string={"department": "sthj"}).get_json()["items"]]
    assert len(alerts) == 1 and alerts[0]["level"] == "red" and alerts[0]["instance_id"] == inst["id"]
    alert = alerts[0]

    # Issued Fri 10-23 with 2 working days to reply: Mon 10-26 and Tue 10-27, so due Tue 17:30.
    r = api.post("/api/supervision/orders", "jiancha", json={
        "kind": "order", "department": "sthj", "content": "请说明逾期原因并限期办结",
        "reply_working_days": 2, "alert_id": alert["id"]})
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    assert order["due_at"] == "2026-10-27T17:30:00+08:00"

    # No reply by the deadline: the sweep escalates once, and the deadline alert rises to escalated.
    clock.set(datetime(2026, 10, 28, 1, 0, tzinfo=UTC))
    with app.app_context():
        assert sweep_overdue_orders(app.extensions["onewindow"].executor) == 1
        assert sweep_overdue_orders(app.extensions["onewindow"].executor) == 0
    escalated = api.get(f"/api/supervision/alerts/{alert['id']}", "jiancha").get_json()
    assert escalated["level"] == "escalated"
    late = api.post(f"/api/supervision/orders/{order['id']}/reply", "sthj_reviewer",
                    json={"reply": "专家评审延误，已于今日办结"}).get_json()
    assert late["status"] == "replied" and late["late"] is True

    # The bureau records accountability at the proposed rung.
    proposal = api.get("/api/supervision/accountability/proposal", "jiancha",
                       query_string={"department": "sthj"}).get_json()
    assert proposal == {"rung": 1, "measure": "提醒", "previous_count": 0}
    r = api.post("/api/supervision/accountability", "jiancha", json={
        "person": "sthj_reviewer", "department": "sthj", "rung": proposal["rung"],
        "reason": "审查逾期且督办逾期答复", "links": {"alerts": [alert["id"]], "orders": [order["id"]]}})
    assert r.status_code == 201, r.get_json()
    record = r.get_json()
    assert record["links"]["alerts"] == [alert["id"]] and record["measure"] == "提醒" and len(record["hash"]) == 64
    assert api.get(f"/api/supervision/alerts/{alert['id']}", "jiancha").get_json()["decision"] == "order"
    second = api.get("/api/supervision/accountability/proposal", "jiancha",
                     query_string={"person": "sthj_reviewer"}).get_json()
    assert second["rung"] == 2  # the next case for the same person proposes the next rung

    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ow", "verify-chain"])
    assert ok.exit_code == 0 and "全部记录链完好" in ok.output

    # Someone edits the record directly in the database: verify-chain names it and fails.
    tamper(app, "accountability_record", "UPDATE accountability_record SET rung = 0 WHERE seq = 1")
    broken = runner.invoke(args=["ow", "verify-chain"])
    assert broken.exit_code == 1 and "问责记录链第 1 条" in broken.output


def test_the_scheduler_tick_runs_every_sweep(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))
    _tick(app, 0.0)
    alerts = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "deadline"}).get_json()
    assert alerts["total"] == 4  # warnings flipped and turned into alerts in one tick
    clock.advance(timedelta(seconds=1))
    _tick(app, 0.0)
    assert api.get("/api/supervision/alerts", "jiancha", query_string={"source": "deadline"}).get_json()["total"] == 4
