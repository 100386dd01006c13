"""Supervision orders (督办单), recommendations and cards: issued → replied → accepted or rejected,
overdue replies escalate once, cards hang until lifted — all over HTTP, on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from api.scheduler import sweep_supervision, sweep_warnings
from api.wiring import services
from engine.workdays import FixedClock
from monitor.sweeps import sweep_overdue_orders
from tests.conftest import Api

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}
ORDERS = "/api/supervision/orders"
CARDS = "/api/supervision/cards"


def _order(api: Api, **overrides: object) -> object:
    body = {"kind": "order", "department": "sthj", "content": "请说明超时原因并限期整改", "reply_working_days": 3}
    return api.post(ORDERS, "jiancha", json={**body, **overrides})


def _sweep_orders(app: Flask) -> int:
    with app.app_context():
        return sweep_overdue_orders(services().executor)


def _alerts(api: Api, **params: str) -> list[dict]:
    r = api.get("/api/supervision/alerts", "jiancha", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_order_is_rejected_reissued_replied_and_accepted(api: Api, clock: FixedClock) -> None:
    r = _order(api)
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    # Friday 2026-09-18: Sunday the 20th is an adjusted working day, so the 3rd is Tuesday the 22nd.
    assert order["status"] == "issued" and order["due_at"] == "2026-09-22T17:30:00+08:00"
    assert order["issued_by"] == "jiancha" and order["late"] is False
    url = f"{ORDERS}/{order['id']}"

    # The department concerned sees and answers it; another department does not even see it.
    assert [o["id"] for o in api.get(ORDERS, "sthj_reviewer").get_json()["items"]] == [order["id"]]
    assert api.get(ORDERS, "sw_reviewer").get_json()["items"] == []
    assert api.get(url, "sw_reviewer").status_code == 404
    assert api.post(f"{url}/reply", "sw_reviewer", json={"reply": "不是我们"}).status_code == 404
    assert api.post(f"{url}/reply", "jiancha", json={"reply": "代答"}).status_code == 403
    assert api.post(f"{url}/decision", "jiancha", json={"accept": True}).status_code == 409  # no reply yet
    r = api.post(f"{url}/reply", "sthj_reviewer", json={"reply": "已安排专人办理"})
    assert r.status_code == 200 and r.get_json()["status"] == "replied" and r.get_json()["late"] is False
    assert api.post(f"{url}/reply", "sthj_reviewer", json={"reply": "再答"}).status_code == 409

    # A rejection needs a reason and re-issues the order with a fresh deadline of the same length.
    assert api.post(f"{url}/decision", "jiancha", json={"accept": False}).status_code == 422
    assert api.post(f"{url}/decision", "sthj_reviewer", json={"accept": True}).status_code == 403
    clock.set(datetime(2026, 9, 21, 2, 0, tzinfo=UTC))  # Monday
    r = api.post(f"{url}/decision", "jiancha", json={"accept": False, "reason": "未说明整改时限"})
    assert r.status_code == 200, r.get_json()
    rejected = r.get_json()
    assert rejected["status"] == "issued" and rejected["due_at"] == "2026-09-24T17:30:00+08:00"
    assert "驳回（jiancha）：未说明整改时限" in rejected["decision_reason"]
    assert api.get(ORDERS, "jiancha", query_string={"status": "issued"}).get_json()["total"] == 1

    r = api.post(f"{url}/reply", "sthj_reviewer", json={"reply": "9月30日前办结"})
    assert r.status_code == 200 and r.get_json()["status"] == "replied"
    r = api.post(f"{url}/decision", "jiancha", json={"accept": True, "reason": "同意"})
    assert r.status_code == 200
    accepted = r.get_json()
    assert accepted["status"] == "accepted" and accepted["reply"] == "9月30日前办结"
    lines = accepted["decision_reason"].splitlines()
    assert len(lines) == 2 and "驳回" in lines[0] and lines[1].endswith("采纳（jiancha）：同意")
    assert api.post(f"{url}/decision", "jiancha", json={"accept": True}).status_code == 409
    assert api.get(ORDERS, "jiancha", query_string={"status": "accepted", "department": "sthj"}) \
        .get_json()["total"] == 1
    assert api.get(ORDERS, "jiancha", query_string={"department": "sw"}).get_json()["total"] == 0


def test_overdue_reply_escalates_once_and_the_late_reply_shows_late(app: Flask, api: Api,
                                                                    clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))  # Friday: the stage-1 reviews are red
    sweep_warnings(app)
    sweep_supervision(app)
    deadline = next(a for a in _alerts(api, source="deadline") if a["department"] == "sthj")
    assert deadline["level"] == "red"

    r = api.post(ORDERS, "jiancha", json={"kind": "recommendation", "department": "sthj", "content": "限期回复",
                                          "reply_working_days": 2, "alert_id": deadline["id"]})
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    assert order["due_at"] == "2026-10-27T17:30:00+08:00" and order["instance_id"] == deadline["instance_id"]
    linked = api.get(f"/api/supervision/alerts/{deadline['id']}", "jiancha").get_json()
    assert linked["state"] == "decided" and linked["decision"] == "order"

    assert _sweep_orders(app) == 0  # not due yet
    clock.set(datetime(2026, 10, 28, 1, 0, tzinfo=UTC))
    assert _sweep_orders(app) == 1
    assert _sweep_orders(app) == 0  # exactly once

    overdue = _alerts(api, source="order")
    assert len(overdue) == 1
    alert = overdue[0]
    assert (alert["kind"], alert["level"], alert["department"], alert["state"]) == \
        ("order_overdue", "escalated", "sthj", "open")
    assert alert["details"]["order_id"] == order["id"] and alert["details"]["alert_id"] == deadline["id"]
    assert alert["instance_id"] == deadline["instance_id"]
    linked = api.get(f"/api/supervision/alerts/{deadline['id']}", "jiancha").get_json()
    assert linked["level"] == "escalated" and linked["state"] == "decided"
    assert linked["details"]["escalated_by_order"] == order["id"]
    assert api.get(f"{ORDERS}/{order['id']}", "sthj_reviewer").get_json()["escalated_at"] is not None
    assert len(_alerts(api, source="order")) == 1  # still one after the repeated sweep

    r = api.post(f"{ORDERS}/{order['id']}/reply", "sthj_reviewer", json={"reply": "迟到的回复"})
    assert r.status_code == 200 and r.get_json()["late"] is True
    r = api.post(f"{ORDERS}/{order['id']}/decision", "jiancha", json={"accept": True})
    assert r.status_code == 200 and r.get_json()["late"] is True
    # Accepting closes the decided alert the order was about; the overdue alert stays for the bureau.
    assert api.get(f"/api/supervision/alerts/{deadline['id']}", "jiancha").get_json()["state"] == "closed"
    assert api.get(f"/api/supervision/alerts/{alert['id']}", "jiancha").get_json()["state"] == "open"
    assert _sweep_orders(app) == 0


def test_a_decided_alert_keeps_its_decision_when_an_order_follows(app: Flask, api: Api,
                                                                  clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))
    sweep_warnings(app)
    sweep_supervision(app)
    alert = next(a for a in _alerts(api, source="deadline") if a["department"] == "sw")
    api.post(f"/api/supervision/alerts/{alert['id']}/decision", "jiancha",
             json={"decision": "accountability", "reason": "多次超时"})
    r = _order(api, department="sw", alert_id=alert["id"])
    assert r.status_code == 201
    after = api.get(f"/api/supervision/alerts/{alert['id']}", "jiancha").get_json()
    assert after["decision"] == "accountability" and after["decision_reason"] == "多次超时"


def test_orders_refuse_bad_input_and_wrong_roles(api: Api) -> None:
    assert _order(api).status_code == 201
    assert api.post(ORDERS, "sthj_reviewer", json={"kind": "order", "department": "sthj", "content": "x",
                                                   "reply_working_days": 3}).status_code == 403
    assert api.post(ORDERS, json={"kind": "order", "department": "sthj", "content": "x",
                                  "reply_working_days": 3}).status_code == 401
    for bad in ({"kind": "letter"}, {"reply_working_days": "3"}, {"content": ""}, {"department": None}):
        assert _order(api, **bad).status_code == 400, bad
    assert api.post(ORDERS, "jiancha", json={"kind": "order"}).status_code == 400
    r = _order(api, department="nope", reply_working_days=0, alert_id=99999)
    assert r.status_code == 422
    fields = {p["field"] for p in r.get_json()["error"]["details"]["problems"]}
    assert fields == {"department", "reply_working_days", "alert_id"}  # every problem at once
    assert _order(api, reply_working_days=61).status_code == 422
    assert _order(api, reply_working_days=60).status_code == 201
    assert _order(api, instance_id=99999).status_code == 422
    assert api.get(f"{ORDERS}/99999", "jiancha").status_code == 404
    assert api.post(f"{ORDERS}/99999/reply", "sthj_reviewer", json={"reply": "x"}).status_code == 404
    assert api.post(f"{ORDERS}/1/reply", "sthj_reviewer", json={}).status_code == 400
    assert api.post(f"{ORDERS}/1/decision", "jiancha", json={"reason": "x"}).status_code == 400
    assert api.get(ORDERS, "jiancha", query_string={"status": "lost"}).status_code == 400


def test_cards_are_issued_and_lifted_once(api: Api) -> None:
    r = api.post(CARDS, "jiancha", json={"department": "sw", "color": "yellow", "reason": "本月两件超时"})
    assert r.status_code == 201, r.get_json()
    card = r.get_json()
    assert card["active"] is True and card["issued_by"] == "jiancha"
    red = api.post(CARDS, "jiancha", json={"department": "jt", "color": "red", "reason": "拒不整改"}).get_json()

    assert {c["id"] for c in api.get(CARDS, "jiancha", query_string={"active": "true"}).get_json()["items"]} \
        == {card["id"], red["id"]}
    assert [c["id"] for c in api.get(CARDS, "jiancha", query_string={"department": "sw"}).get_json()["items"]] \
        == [card["id"]]
    assert [c["id"] for c in api.get(CARDS, "sw_reviewer").get_json()["items"]] == [card["id"]]
    assert [c["id"] for c in api.get(CARDS, "jt_reviewer").get_json()["items"]] == [red["id"]]

    lift = f"{CARDS}/{card['id']}/lift"
    assert api.post(lift, "jiancha", json={}).status_code == 400
    assert api.post(lift, "jiancha", json={"reason": ""}).status_code == 400
    assert api.post(lift, "sw_reviewer", json={"reason": "已整改"}).status_code == 403
    r = api.post(lift, "jiancha", json={"reason": "回访确认已整改"})
    assert r.status_code == 200
    lifted = r.get_json()
    assert lifted["active"] is False and lifted["lifted_by"] == "jiancha" and lifted["lift_reason"] == "回访确认已整改"
    assert api.post(lift, "jiancha", json={"reason": "再摘"}).status_code == 409
    assert api.post(f"{CARDS}/99999/lift", "jiancha", json={"reason": "x"}).status_code == 404
    assert [c["id"] for c in api.get(CARDS, "jiancha", query_string={"active": "true"}).get_json()["items"]] \
        == [red["id"]]
    assert [c["id"] for c in api.get(CARDS, "jiancha", query_string={"active": "false"}).get_json()["items"]] \
        == [card["id"]]


def test_cards_refuse_bad_input_and_wrong_roles(api: Api) -> None:
    good = {"department": "sw", "color": "red", "reason": "超时"}
    assert api.post(CARDS, "sw_reviewer", json=good).status_code == 403
    assert api.post(CARDS, "fgw_lead", json=good).status_code == 403
    assert api.post(CARDS, "jiancha", json={**good, "color": "green"}).status_code == 400
    assert api.post(CARDS, "jiancha", json={**good, "reason": ""}).status_code == 400
    assert api.post(CARDS, "jiancha", json={"department": "sw", "color": "red"}).status_code == 400
    assert api.post(CARDS, "jiancha", json={**good, "department": "nope"}).status_code == 422
    assert api.post(CARDS, "jiancha", json={**good, "order_id": 99999}).status_code == 422
    assert api.post(CARDS, "jiancha", json={**good, "alert_id": 99999}).status_code == 422
    order = _order(api, department="sw").get_json()
    r = api.post(CARDS, "jiancha", json={**good, "order_id": order["id"]})
    assert r.status_code == 201 and r.get_json()["order_id"] == order["id"]
