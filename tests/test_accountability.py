"""Accountability records: the proposed rung, the global hash chain, corrections, linked alerts,
the database's append-only guard, and `ow verify-chain` naming the first broken link.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from api.scheduler import sweep_supervision, sweep_warnings
from api.wiring import db
from engine.chain_key import chain_key_for
from engine.commands import Actor
from engine.exceptions import ForbiddenError
from engine.workdays import FixedClock
from monitor.accountability_chain import GENESIS_HASH, record_hash_of
from monitor.chain import verify_accountability_chain
from monitor.commands.accountability import RecordAccountabilityCommand
from monitor.models import AccountabilityRecord, EscalationPolicy
from tests.conftest import Api, tamper

URL = "/api/supervision/accountability"
BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}
BUREAU = Actor("jiancha", "supervisor", "jcj")


def _record(api: Api, status: int = 201, **body: object) -> dict:
    payload = {"person": "张三", "department": "sthj", "rung": 1, "reason": "审查超时", **body}
    r = api.post(URL, "jiancha", json=payload)
    assert r.status_code == status, r.get_json()
    return r.get_json()


def _proposal(api: Api, **params: str) -> dict:
    r = api.get(f"{URL}/proposal", "jiancha", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["ow", "verify-chain"])
    return result.exit_code, result.output


def _verdict(app: Flask) -> tuple[int, str]:
    """The exit code and the last line (the line before it says what the heads were checked against)."""
    code, output = _verify(app)
    return code, output.splitlines()[-1]


def _bypass_guard(app: Flask, statement: str, **params: object) -> None:
    tamper(app, "accountability_record", statement, **params)


def test_policy_proposes_one_rung_per_previous_case_up_to_the_cap() -> None:
    policy = EscalationPolicy()
    assert [policy.rung_for(n) for n in range(7)] == [1, 2, 3, 4, 5, 5, 5]
    assert EscalationPolicy(max_rung=3).rung_for(9) == 3
    with pytest.raises(ValueError):
        EscalationPolicy(max_rung=9)


def test_proposal_rises_with_cases_of_the_same_person_within_a_year(api: Api, clock: FixedClock) -> None:
    assert _proposal(api, person="张三") == {"rung": 1, "measure": "提醒", "previous_count": 0}
    first = _record(api)
    clock.advance(timedelta(days=100))
    assert _proposal(api, person="张三") == {"rung": 2, "measure": "书面检查", "previous_count": 1}
    second = _record(api, rung=2)
    assert _proposal(api, person="张三")["rung"] == 3
    assert _proposal(api, person="李四", department="sthj")["rung"] == 1  # the person decides, not the unit
    # Without a person, every case naming the department counts.
    assert _proposal(api, department="sthj") == {"rung": 3, "measure": "效能告诫", "previous_count": 2}
    # A correction restates a case; it does not count as another one.
    _record(api, rung=3, reason="更正：审查超时两次", corrects_id=second["id"])
    assert _proposal(api, person="张三")["previous_count"] == 2

    clock.set(datetime.fromisoformat(first["decided_at"]) + timedelta(days=366))  # the first case expired
    assert _proposal(api, person="张三") == {"rung": 2, "measure": "书面检查", "previous_count": 1}
    clock.advance(timedelta(days=100))
    assert _proposal(api, person="张三")["previous_count"] == 0
    assert api.get(f"{URL}/proposal", "jiancha").status_code == 422
    assert api.get(f"{URL}/proposal", "sthj_reviewer", query_string={"person": "张三"}).status_code == 403


def test_records_form_one_chain_and_a_correction_leaves_the_original(app: Flask, api: Api,
                                                                      clock: FixedClock) -> None:
    a = _record(api)
    clock.advance(timedelta(hours=1))
    b = _record(api, person=None, department="sw", rung=4, reason="通报批评：多次超时")
    assert (a["seq"], a["prev_hash"], a["measure"], a["decided_by"]) == (1, GENESIS_HASH, "提醒", "jiancha")
    assert (b["seq"], b["prev_hash"], b["measure"], b["person"]) == (2, a["hash"], "通报批评", None)
    assert a["links"] == {"alerts": [], "complaints": [], "orders": []}

    fix = _record(api, rung=2, reason="更正：应为书面检查", corrects_id=a["id"])
    assert (fix["seq"], fix["prev_hash"], fix["corrects_id"]) == (3, b["hash"], a["id"])
    original = api.get(f"{URL}/{a['id']}", "jiancha").get_json()
    assert original == {**a, "corrected_by": fix["id"]}  # unchanged, and it says who corrected it
    assert _record(api, 409, corrects_id=a["id"])["error"]["details"]["corrected_by"] == fix["id"]
    assert _record(api, 422, corrects_id=9999)["error"]["details"]["problems"][0]["field"] == "corrects_id"

    with app.app_context():
        rows = db.session.scalars(select(AccountabilityRecord).order_by(AccountabilityRecord.seq)).all()
        key = chain_key_for(db.session)
        assert [r.hash for r in rows] == [record_hash_of(r, r.prev_hash, key) for r in rows]
        assert verify_accountability_chain(db.session) == []
    assert _verdict(app) == (0, "全部记录链完好")

    listed = api.get(URL, "jiancha").get_json()
    assert [r["seq"] for r in listed["items"]] == [3, 2, 1] and listed["total"] == 3
    assert api.get(URL, "jiancha", query_string={"department": "sw"}).get_json()["total"] == 1
    assert api.get(URL, "jiancha", query_string={"person": "张三"}).get_json()["total"] == 2
    assert api.get(URL, "admin", query_string={"year": "2026"}).get_json()["total"] == 3
    assert api.get(URL, "admin", query_string={"year": "2025"}).get_json()["total"] == 0
    # A department reads the records naming it, and nothing else.
    assert [r["id"] for r in api.get(URL, "sthj_reviewer").get_json()["items"]] == [fix["id"], a["id"]]
    assert api.get(f"{URL}/{a['id']}", "sthj_reviewer").status_code == 200
    assert api.get(f"{URL}/{b['id']}", "sthj_reviewer").status_code == 404
    assert api.get(f"{URL}/{b['id']}", "sw_reviewer").status_code == 200
    assert api.get(URL, "designer").get_json()["total"] == 0


def test_a_linked_alert_is_decided_by_the_record(app: Flask, api: Api, clock: FixedClock) -> None:
    assert api.post("/api/instances", "window1", json=BODY).status_code == 201
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))
    sweep_warnings(app)
    sweep_supervision(app)
    alerts = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "deadline"}).get_json()["items"]
    sthj = next(a for a in alerts if a["department"] == "sthj")
    sw = next(a for a in alerts if a["department"] == "sw")
    api.post(f"/api/supervision/alerts/{sw['id']}/decision", "jiancha", json={"decision": "order", "reason": "督办"})

    bad = _record(api, 422, links={"alerts": [sthj["id"], 9998, 9999], "orders": [77]})
    assert bad["error"]["details"]["missing"] == {"alerts": [9998, 9999], "orders": [77]}
    assert api.get(f"/api/supervision/alerts/{sthj['id']}", "jiancha").get_json()["state"] == "open"

    proposed = _proposal(api, person="王五")["rung"]
    rec = _record(api, person="王五", rung=proposed, reason="审查超时（红灯）",
                  links={"alerts": [sthj["id"], sw["id"], sthj["id"]]})
    assert rec["links"]["alerts"] == sorted({sthj["id"], sw["id"]})
    decided = api.get(f"/api/supervision/alerts/{sthj['id']}", "jiancha").get_json()
    assert (decided["state"], decided["decision"], decided["decided_by"]) == ("decided", "accountability", "jiancha")
    assert decided["decision_reason"] == "审查超时（红灯）"
    # An alert the bureau had already decided keeps its own decision.
    assert api.get(f"/api/supervision/alerts/{sw['id']}", "jiancha").get_json()["decision"] == "order"


def test_only_the_bureau_records_and_bad_input_is_refused(app: Flask, api: Api) -> None:
    body = {"person": "张三", "department": "sthj", "rung": 1, "reason": "超时"}
    for user in ("sthj_reviewer", "admin", "window1"):
        assert api.post(URL, user, json=body).status_code == 403
    with pytest.raises(ForbiddenError):
        app.extensions["onewindow"].executor.execute(
            RecordAccountabilityCommand("张三", "sthj", 1, "超时"), Actor("sthj_lead", "lead", "sthj"))
    for change, field in (({"rung": 0}, "rung"), ({"rung": 9}, "rung"), ({"reason": "  "}, "reason"),
                          ({"person": None, "department": None}, "person"), ({"department": "nope"}, "department")):
        problems = _record(api, 422, **change)["error"]["details"]["problems"]
        assert field in {p["field"] for p in problems}, problems
    assert api.post(URL, "jiancha", json={**body, "rung": "3"}).status_code == 400
    assert api.post(URL, "jiancha", json={**body, "links": {"cameras": [1]}}).status_code == 400
    assert api.post(URL, "jiancha", json={"person": "张三", "rung": 1}).status_code == 400
    # The scheduler (system) may record too, e.g. an automatic reminder.
    rec = app.extensions["onewindow"].executor.execute(
        RecordAccountabilityCommand(None, "sw", 1, "自动提醒"), Actor.system())
    assert (rec.seq, rec.decided_by) == (1, "system")
    assert api.get(URL, "jiancha").get_json()["total"] == 1


def test_the_database_refuses_update_and_delete(app: Flask, api: Api) -> None:
    _record(api)
    with app.app_context():
        for statement in ("UPDATE accountability_record SET rung = 1, reason = 'x'",
                          "DELETE FROM accountability_record"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
                db.session.commit()
            db.session.rollback()
        assert db.session.scalar(select(AccountabilityRecord.reason)) == "审查超时"


def _three(api: Api) -> list[dict]:
    return [_record(api, reason=f"第{n}次超时") for n in (1, 2, 3)]


def test_verify_chain_names_an_edited_record(app: Flask, api: Api) -> None:
    _three(api)
    _bypass_guard(app, "UPDATE accountability_record SET reason = '无' WHERE seq = 2")
    with app.app_context():
        assert verify_accountability_chain(db.session) == [2]
    code, output = _verify(app)
    assert code == 1 and "问责记录链第 2 条：哈希值不符" in output
    assert "第 3 条" not in output  # the first broken link only


def test_verify_chain_names_a_deleted_record(app: Flask, api: Api) -> None:
    _three(api)
    _bypass_guard(app, "DELETE FROM accountability_record WHERE seq = 2")
    with app.app_context():
        assert verify_accountability_chain(db.session) == [3]
    code, output = _verify(app)
    assert code == 1 and "问责记录链第 3 条：缺少第 2 条" in output


def test_verify_chain_notices_reordered_records(app: Flask, api: Api) -> None:
    _three(api)
    _bypass_guard(app, "UPDATE accountability_record SET seq = -seq WHERE seq IN (2, 3)")
    _bypass_guard(app, "UPDATE accountability_record SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0")
    with app.app_context():
        assert verify_accountability_chain(db.session) == [2, 3]
    code, output = _verify(app)
    assert code == 1 and "问责记录链第 2 条：哈希值不符" in output


def test_verify_chain_reports_each_broken_chain_once(app: Flask, api: Api) -> None:
    instance = api.post("/api/instances", "window1", json=BODY).get_json()
    _three(api)
    assert _verdict(app) == (0, "全部记录链完好")
    _bypass_guard(app, "UPDATE accountability_record SET rung = 8 WHERE seq = 1")
    tamper(app, "audit_event", "UPDATE audit_event SET actor = 'mallory' WHERE instance_id = :i", i=instance["id"])
    code, output = _verify(app)
    lines = output.splitlines()
    assert code == 1 and len(lines) == 4, output  # two chains, the anchor line, the verdict
    assert lines[0].startswith(f"办件 {instance['id']} 的办理记录链第 1 条：哈希值不符")
    assert lines[1].startswith("问责记录链第 1 条：哈希值不符")
    assert app.test_cli_runner().invoke(args=["ow", "verify-audit"]).exit_code == 1  # the alias


def test_concurrent_records_do_not_fork_the_chain(app: Flask) -> None:
    executor = app.extensions["onewindow"].executor
    writers = 6
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def record(n: int) -> None:
        barrier.wait()
        try:
            executor.execute(RecordAccountabilityCommand(f"人员{n}", "sthj", 1, "并发记录"), BUREAU)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=record, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with app.app_context():
        seqs = db.session.scalars(select(AccountabilityRecord.seq).order_by(AccountabilityRecord.seq)).all()
        assert seqs == list(range(1, writers + 1))
        assert verify_accountability_chain(db.session) == []
