"""容缺受理 through the HTTP API: accept with documents missing, miss the deadline once, pass with shortfall."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import func, select

from api.wiring import db, services
from engine.models import Instance, Shortfall, WarningEvent
from engine.sweeps import sweep_missed_shortfalls
from engine.workdays import SHANGHAI, FixedClock
from tests.conftest import Api
from tests.test_clock_stops import detail, move_clock
from tests.test_joint_approval_api import APPLICATION, complete, start

SHORTFALL = {"documents": ["环境影响评价批复", "节能审查意见"], "deadline_working_days": 10,
             "commitment": "申请人承诺在10个工作日内补齐上述材料，逾期承担相应责任"}
# 10 working days after Fri 2026-09-18: 09-20 (调休 Sunday), 21, 22, 23, 24 (09-25 is the Mid-Autumn
# holiday), 28, 29, 30, then 10-01..07 National Day off, 10-08, 10-09 -> close of Fri 2026-10-09.
SHORTFALL_DUE = "2026-10-09T17:30:00+08:00"


def sweep(app: Flask) -> int:
    with app.app_context():
        return sweep_missed_shortfalls(services().executor)


def finish_everything(api: Api, instance_id: int) -> dict:
    """Approve every review and every stage decision until the instance completes."""
    for _round in range(20):
        body = detail(api, instance_id)
        open_tasks = [t for t in body["tasks"] if t["status"] in ("ready", "claimed")]
        if not open_tasks:
            return body
        for t in open_tasks:
            role = "lead" if t["bpmn_id"].endswith("_lead_decide") else "reviewer"
            complete(api, f"{t['department']}_{role}", t["id"])
    raise AssertionError("the process did not finish")


def test_missed_shortfall_warns_once_and_the_instance_passes_with_shortfall(
        app: Flask, api: Api, clock: FixedClock) -> None:
    inst = start(api, {**APPLICATION, "shortfall": SHORTFALL})
    body = detail(api, inst["id"])
    assert body["shortfall"]["status"] == "open" and body["shortfall"]["due_at"] == SHORTFALL_DUE
    assert body["shortfall"]["documents"] == SHORTFALL["documents"]
    assert "shortfall.accepted" in [e["action"] for e in body["history"]]
    track = api.get(f"/api/public/track/{inst['query_code']}").get_json()
    assert track["shortfall"]["documents"] == SHORTFALL["documents"] and track["blzt"] == 8

    assert sweep(app) == 0
    move_clock(api, clock, datetime(2026, 10, 9, 17, 29, tzinfo=SHANGHAI))
    assert sweep(app) == 0  # a minute before the close of the last working day
    move_clock(api, clock, datetime(2026, 10, 9, 17, 31, tzinfo=SHANGHAI))
    assert sweep(app) == 1
    assert sweep(app) == 0
    with app.app_context():
        warnings = db.session.scalars(select(WarningEvent).where(WarningEvent.instance_id == inst["id"],
                                                                 WarningEvent.subject == "shortfall")).all()
        assert [(w.level_from, w.level_to, w.department_code) for w in warnings] == [("green", "red", "zwfw")]
    body = detail(api, inst["id"])
    assert body["shortfall"]["status"] == "missed"
    assert [e["action"] for e in body["history"]].count("shortfall.missed") == 1
    late = api.post(f"/api/instances/{inst['id']}/shortfall/supplied", "window1")
    assert late.status_code == 409 and "逾期未补齐" in late.get_json()["error"]["message"]

    final = finish_everything(api, inst["id"])
    assert final["status"] == "completed" and final["outcome"]["end_event"] == "end_approved"
    assert final["outcome"]["shortfall"] is True
    assert final["blzt"] == 12 and final["blzt_name"] == "办结（容缺通过）"
    track = api.get(f"/api/public/track/{inst['query_code']}").get_json()
    assert track["blzt"] == 12 and track["passed_with_shortfall"] is True


def test_supplied_shortfall_ends_as_a_plain_pass(app: Flask, api: Api) -> None:
    inst = start(api, {**APPLICATION, "shortfall": SHORTFALL})
    url = f"/api/instances/{inst['id']}/shortfall/supplied"
    assert api.post(url, "sthj_reviewer").status_code == 403
    r = api.post(url, "window1")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["shortfall"]["status"] == "supplied"
    assert r.get_json()["shortfall"]["supplied_at"] == "2026-09-18T10:00:00+08:00"
    assert api.post(url, "window1").status_code == 409
    final = finish_everything(api, inst["id"])
    assert final["blzt"] == 11 and "shortfall" not in final["outcome"]
    plain = start(api)
    assert api.post(f"/api/instances/{plain['id']}/shortfall/supplied", "window1").status_code == 404
    assert detail(api, plain["id"])["shortfall"] is None


def test_bad_shortfall_is_refused_and_nothing_is_stored(app: Flask, api: Api) -> None:
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Instance))
    cases = [
        ({**SHORTFALL, "documents": []}, 422, "shortfall.documents"),
        ({**SHORTFALL, "documents": [" "]}, 422, "shortfall.documents"),
        ({**SHORTFALL, "deadline_working_days": 0}, 422, "shortfall.deadline_working_days"),
        ({**SHORTFALL, "deadline_working_days": 61}, 422, "shortfall.deadline_working_days"),
        ({**SHORTFALL, "commitment": ""}, 422, "shortfall.commitment"),
        ({k: v for k, v in SHORTFALL.items() if k != "commitment"}, 422, "shortfall.commitment"),
        ({**SHORTFALL, "deadline_working_days": "10"}, 400, None),
        ({k: v for k, v in SHORTFALL.items() if k != "documents"}, 400, None),
    ]
    for shortfall, status, field in cases:
        r = api.post("/api/instances", "window1", json={**APPLICATION, "shortfall": shortfall})
        assert r.status_code == status, (shortfall, r.get_json())
        if field:
            assert field in [p["field"] for p in r.get_json()["error"]["details"]["problems"]]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Instance)) == before
        assert db.session.scalar(select(func.count()).select_from(Shortfall)) == 0
