"""The bureau's board click-through, chart series and chain check."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import update

from api.scheduler import sweep_warnings
from api.wiring import db
from engine.models import Instance
from engine.workdays import FixedClock
from tests.conftest import Api, tamper

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "城南项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def test_board_cell_click_through_lists_its_items(app: Flask, api: Api, clock: FixedClock) -> None:
    started = api.post("/api/instances", "window1", json=BODY).get_json()
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))  # stage-1 reviews are red by now
    sweep_warnings(app)
    board = api.get("/api/supervision/board", "jiancha").get_json()
    cell = next(c for c in board["cells"] if c["department"] == "sthj" and c["stage"] == "s1")
    r = api.get("/api/supervision/board/items", "jiancha",
                query_string={"department": "sthj", "stage": "s1", "level": "red"})
    assert r.status_code == 200, r.get_json()
    items = r.get_json()["items"]
    assert len(items) == cell["red"] >= 1
    assert started["id"] in {i["instance_id"] for i in items}
    assert {i["level"] for i in items} == {"red"} and all(i["query_code"] for i in items)
    # 20 working days from 18 September (National Day week off) end on Thursday 22 October at 17:30;
    # on Friday the 23rd that is one working day late.
    mine = [i for i in items if i["instance_id"] == started["id"]]
    assert {i["due_at"][:10] for i in mine} == {"2026-10-22"} and {i["working_days_left"] for i in mine} == {-1}
    red = [r for r in board["red_list"] if r["instance_id"] == started["id"]]
    assert red and {r["working_days_left"] for r in red} == {-1}
    other = api.get("/api/supervision/board/items", "jiancha",
                    query_string={"department": "sthj", "stage": "s2"}).get_json()["items"]
    assert started["id"] not in {i["instance_id"] for i in other}
    bad = api.get("/api/supervision/board/items", "jiancha", query_string={"department": "sthj", "stage": "s1",
                                                                            "level": "purple"})
    assert bad.status_code == 400 and "level" in bad.get_json()["error"]["details"]["fields"]
    assert api.get("/api/supervision/board/items", "jiancha", query_string={"stage": "s1"}).status_code == 400
    assert api.get("/api/supervision/board/items", "sthj_reviewer",
                   query_string={"department": "sthj", "stage": "s1"}).status_code == 403


def test_chart_series_count_warnings_per_beijing_day(app: Flask, api: Api, clock: FixedClock) -> None:
    before = api.get("/api/supervision/charts", "jiancha", query_string={"days": 60}).get_json()
    api.post("/api/instances", "window1", json=BODY)
    # The sweep runs at 17:00 UTC on 16 October, which is already 01:00 on the 17th in Beijing: the
    # warnings it records count for the 17th.
    clock.set(datetime(2026, 10, 16, 17, 0, tzinfo=UTC))
    sweep_warnings(app)
    after = api.get("/api/supervision/charts", "jiancha", query_string={"days": 60}).get_json()
    days = {d["day"]: d for d in after["warnings_by_day"]}
    old = {d["day"]: d for d in before["warnings_by_day"]}
    assert len(after["warnings_by_day"]) == 60 and after["warnings_by_day"][-1]["day"] == "2026-10-17"
    assert days["2026-10-17"]["yellow"] - old.get("2026-10-17", {"yellow": 0})["yellow"] == 4
    assert days["2026-10-16"] == old.get("2026-10-16", days["2026-10-16"])
    assert len(after["complaints_by_month"]) == 12 and after["complaints_by_month"][-1]["month"] == "2026-10"
    assert api.get("/api/supervision/charts", "jiancha", query_string={"days": 0}).status_code == 400


def test_complaints_by_month_counts_filed_complaints(app: Flask, api: Api, clock: FixedClock) -> None:
    def this_month() -> int:
        return api.get("/api/supervision/charts", "jiancha").get_json()["complaints_by_month"][-1]["count"]
    before = this_month()
    code = api.post("/api/instances", "window1", json=BODY).get_json()["query_code"]
    r = api.post("/api/supervision/complaints", "jiancha",
                 json={"query_code": code, "department": "sthj", "text": "窗口态度差", "channel": "bureau"})
    assert r.status_code == 201, r.get_json()
    assert this_month() == before + 1


def test_alerts_today_and_chain_check(app: Flask, api: Api) -> None:
    board = api.get("/api/supervision/board", "jiancha").get_json()
    assert board["alerts_today"]["total"] == sum(board["alerts_today"]["by_source"].values())
    ok = api.get("/api/supervision/chain", "jiancha").get_json()
    assert ok["intact"] is True and ok["broken"] == []
    instance = api.post("/api/instances", "window1", json=BODY).get_json()
    tamper(app, "audit_event", "UPDATE audit_event SET action = 'forged' WHERE instance_id = :i",
           i=instance["id"])
    broken = api.get("/api/supervision/chain", "jiancha").get_json()
    assert broken["intact"] is False
    assert [b["instance_id"] for b in broken["broken"]] == [instance["id"]]


def test_alerts_since_an_instant_and_deadline_alerts_name_their_task(app: Flask, api: Api, clock: FixedClock) -> None:
    from api.scheduler import sweep_supervision

    api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 10, 16, 10, 0, tzinfo=UTC))
    sweep_warnings(app)
    sweep_supervision(app)
    alerts = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "deadline"}).get_json()["items"]
    sthj = next(a for a in alerts if a["department"] == "sthj")
    assert sthj["details"]["task_name"] == "生态环境局审查（立项用地规划许可）"
    opened = sthj["opened_at"]
    def since(instant: str) -> int:
        r = api.get("/api/supervision/alerts", "jiancha", query_string={"since": instant})
        assert r.status_code == 200, r.get_json()
        return r.get_json()["total"]
    assert since(opened) >= 4
    assert since("2026-10-16T18:00:01+08:00") == 0  # 10:00 UTC is 18:00 in Beijing: nothing after it
    bad = api.get("/api/supervision/alerts", "jiancha", query_string={"since": "2026-10-16T18:00:00"})
    assert bad.status_code == 400 and "since" in bad.get_json()["error"]["details"]["fields"]


def test_the_boards_counters_equal_the_lengths_of_its_lists_in_every_level(
        app: Flask, api: Api, clock: FixedClock) -> None:
    early = [api.post("/api/instances", "window1", json=BODY).get_json() for _ in range(3)]
    clock.set(datetime(2026, 10, 9, 2, 0, tzinfo=UTC))
    later = api.post("/api/instances", "window1", json=BODY).get_json()
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))  # the early ones' reviews are red
    sweep_warnings(app)
    clock.set(datetime(2026, 10, 28, 1, 0, tzinfo=UTC))  # two working days on: escalated
    sweep_warnings(app)
    stopped = early[2]["id"]
    with app.app_context():  # an error in its diagram stopped one, leaving its reviews open
        db.session.execute(update(Instance).where(Instance.id == stopped).values(status="incident"))
        db.session.commit()
    board = api.get("/api/supervision/board", "jiancha").get_json()
    levels = ("green", "yellow", "red", "escalated", "incident")
    totals = dict.fromkeys(levels, 0)
    for cell in board["cells"]:
        for level in levels:
            items = api.get("/api/supervision/board/items", "jiancha", query_string={
                "department": cell["department"], "stage": cell["stage"], "level": level}).get_json()["items"]
            assert len(items) == cell[level], (cell, level)
            totals[level] += cell[level]
    assert totals["escalated"] > 0 and totals["incident"] > 0 and totals["green"] + totals["yellow"] > 0
    # The red list is what the red and escalated counters count: incidents are in their own column.
    assert board["red_total"] == totals["red"] + totals["escalated"] == len(board["red_list"])
    assert stopped not in {i["instance_id"] for i in board["red_list"]}
    assert later["id"] not in {i["instance_id"] for i in board["red_list"]}
