"""Running applications move to a new version of their process: plan, dry run, migration, refusal.

Version 1 has two parallel co-reviews (生态环境 sthj, 水务 sw) with 5-working-day limits; version 2
renames the water review (sw_review → sw_check), adds a third co-review (自然资源 zrzy) and raises
every limit to 7 working days. Applications wait at every point of version 1: both reviews open,
one done (the join waiting), both done (the lead deciding), a review paused, a review overdue.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from api.scheduler import sweep_timers
from api.wiring import db
from engine.models import AuditEvent, Instance, ProcessDefinition, TaskRecord
from engine.workdays import SHANGHAI, FixedClock
from tests.bpmn_builder import parallel_review
from tests.conftest import Api
from tests.live_server import REPO
from tests.test_joint_approval_api import APPLICATION, complete, start, worklist

V1 = parallel_review("pr", ("sthj", "sw"))
V2 = parallel_review("pr", ("sthj", "sw", "zrzy"), due="workdays(7)").replace(b"sw_review", b"sw_check")
V3 = parallel_review("pr", ("sw",))  # the environmental review is gone
RENAMED = {"sw_review": "sw_check"}
MONDAY = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)
TUESDAY = datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)
# Accepted Monday 09-28: five working days are 09-29, 09-30, then (National Day 10-01..10-07 off)
# 10-08, 10-09 and the adjusted working Saturday 10-10. Seven end two working days later: 10-12, 10-13.
DUE_5 = "2026-10-10T17:30:00+08:00"
DUE_7 = "2026-10-13T17:30:00+08:00"
# The added review starts at the migration, Tuesday 09-29: 09-30, 10-08, 10-09, 10-10, 10-12, 10-13, 10-14.
ADDED_DUE = "2026-10-14T17:30:00+08:00"


def _deploy(api: Api, xml: bytes) -> None:
    r = api.post("/api/definitions", "designer", data=xml, content_type="application/xml")
    assert r.status_code == 201, r.get_json()


def _start(api: Api) -> dict:
    return start(api, {**APPLICATION, "definition_key": "pr"})


def _task(api: Api, user: str, instance_id: int) -> dict:
    return next(t for t in worklist(api, user) if t["instance_id"] == instance_id)


def _tasks(api: Api, user: str, instance_id: int) -> list[dict]:
    return [t for t in worklist(api, user) if t["instance_id"] == instance_id]


def _migrate(api: Api, to: int = 2, frm: int = 1, **body: object) -> dict:
    return _migrate_key(api, "pr", to, frm, **body)


def _migrate_key(api: Api, key: str, to: int = 2, frm: int = 1, **body: object) -> dict:
    r = api.post(f"/api/definitions/{key}/migration", "designer",
                 json={"from_version": frm, "to_version": to, **body})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _by_instance(answer: dict) -> dict[int, dict]:
    return {r["instance_id"]: r for r in answer["results"]}


def _version(app: Flask, instance_id: int) -> tuple[int, str]:
    with app.app_context():
        row = db.session.get(Instance, instance_id)
        return row.definition_version, row.state


@pytest.fixture
def waiting(app: Flask, api: Api, clock: FixedClock) -> dict[str, int]:
    """Applications of version 1 at each waiting point, the overdue one accepted a week earlier."""
    _deploy(api, V1)
    overdue = _start(api)  # accepted Friday 09-18; its limits end Thursday 09-24
    clock.set(MONDAY)
    sweep_timers(app)
    both_open, one_done, deciding, paused = (_start(api) for _ in range(4))
    assert api.post(f"/api/tasks/{_task(api, 'sw_reviewer', both_open['id'])['id']}/claim",
                    "sw_reviewer").status_code == 200
    complete(api, "sw_reviewer", _task(api, "sw_reviewer", one_done["id"])["id"])
    for dept in ("sthj", "sw"):
        complete(api, f"{dept}_reviewer", _task(api, f"{dept}_reviewer", deciding["id"])["id"])
    r = api.post(f"/api/tasks/{_task(api, 'sthj_reviewer', paused['id'])['id']}/pause", "sthj_reviewer",
                 json={"kind": "expert_review", "reason": "组织专家评审"})
    assert r.status_code == 200, r.get_json()
    _deploy(api, V2)
    clock.set(TUESDAY)
    return {"overdue": overdue["id"], "both_open": both_open["id"], "one_done": one_done["id"],
            "deciding": deciding["id"], "paused": paused["id"]}


def test_the_plan_page_offers_same_ids_and_shows_where_applications_wait(api: Api, waiting: dict) -> None:
    r = api.get("/api/definitions/pr/migration", "designer", query_string={"from_version": 1, "to_version": 2})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    defaults = {e["id"]: (e["default"], e["suggested"]) for e in body["old"]}
    assert defaults["sthj_review"] == ("sthj_review", None)
    assert defaults["sw_review"] == (None, "sw_check")  # a new id with the same name is offered
    assert {"sw_check", "zrzy_review"} <= set(body["added"]) and "sw_review" in body["removed"]
    assert body["by_status"] == {"running": 5}
    steps = {s["bpmn_id"]: s["count"] for s in body["open_steps"]}
    assert steps == {"sthj_review": 4, "sw_review": 3, "decide": 1}
    assert api.get("/api/definitions/pr/migration", "window1",
                   query_string={"from_version": 1, "to_version": 2}).status_code == 403


def test_a_dry_run_reports_everything_and_changes_nothing(app: Flask, api: Api, waiting: dict) -> None:
    before = {name: _version(app, i) for name, i in waiting.items()}
    answer = _migrate(api, mapping=RENAMED)  # dry_run is the default
    assert answer["dry_run"] is True and answer["next_after"] is None
    results = _by_instance(answer)
    assert {r["outcome"] for r in results.values()} == {"would_migrate"}
    both_open = results[waiting["both_open"]]
    assert {(m["from"], m["to"]) for m in both_open["moved"]} == {("sthj_review", "sthj_review"),
                                                                   ("sw_review", "sw_check")}
    assert both_open["started"] == [{"bpmn_id": "zrzy_review", "name": "zrzy 审查"}]
    assert {(d["bpmn_id"], d["old"], d["new"]) for d in both_open["deadlines"]} == {
        ("sthj_review", DUE_5, DUE_7), ("sw_check", DUE_5, DUE_7)}
    deciding = results[waiting["deciding"]]
    assert deciding["started"] == [] and deciding["not_started"][0]["bpmn_id"] == "zrzy_review"
    assert "汇合" in deciding["not_started"][0]["reason"]
    assert {name: _version(app, i) for name, i in waiting.items()} == before
    assert _tasks(api, "zrzy_reviewer", waiting["both_open"]) == []


def test_every_waiting_point_migrates_with_deadlines_and_history_right(
        app: Flask, api: Api, clock: FixedClock, waiting: dict) -> None:
    claimed_sw = _task(api, "sw_reviewer", waiting["both_open"])
    answer = _migrate(api, mapping=RENAMED, dry_run=False)
    results = _by_instance(answer)
    assert {r["outcome"] for r in results.values()} == {"migrated"}, results
    assert all(_version(app, i)[0] == 2 for i in waiting.values())

    # Both reviews open: the renamed review is the same task, still claimed, with the longer limit,
    # and the added co-review started today with its own seven working days.
    sw = _task(api, "sw_reviewer", waiting["both_open"])
    assert (sw["id"], sw["bpmn_id"], sw["status"], sw["due_at"]) == (claimed_sw["id"], "sw_check", "claimed", DUE_7)
    assert _task(api, "sthj_reviewer", waiting["both_open"])["due_at"] == DUE_7
    zrzy = _task(api, "zrzy_reviewer", waiting["both_open"])
    assert (zrzy["bpmn_id"], zrzy["due_at"]) == ("zrzy_review", ADDED_DUE)

    # One review done: the join now also waits for the added review.
    complete(api, "sthj_reviewer", _task(api, "sthj_reviewer", waiting["one_done"])["id"])
    assert _tasks(api, "fgw_lead", waiting["one_done"]) == []
    complete(api, "zrzy_reviewer", _task(api, "zrzy_reviewer", waiting["one_done"])["id"])
    lead = _task(api, "fgw_lead", waiting["one_done"])
    complete(api, "fgw_lead", lead["id"])
    detail = api.get(f"/api/instances/{waiting['one_done']}", "jiancha").get_json()
    assert detail["status"] == "completed" and detail["definition_version"] == 2
    history = {t["bpmn_id"] for t in detail["tasks"] if t["status"] == "completed"}
    assert history == {"sw_review", "sthj_review", "zrzy_review", "decide"}  # done under v1 stays so
    migrated = [e for e in detail["history"] if e["action"] == "instance.migrated"]
    assert [(e["details"]["from_version"], e["details"]["to_version"]) for e in migrated] == [(1, 2)]

    # Deciding: past the join, the added review is not started; the decision goes on.
    assert _tasks(api, "zrzy_reviewer", waiting["deciding"]) == []
    assert _task(api, "fgw_lead", waiting["deciding"])["bpmn_id"] == "decide"

    # Paused: the stopped clock stays stopped; resuming adds the paused working days to the new limit.
    paused = _task(api, "sthj_reviewer", waiting["paused"])
    assert paused["pause"] is not None and paused["due_at"] == DUE_7
    clock.set(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI))
    resumed = api.post(f"/api/tasks/{paused['id']}/resume", "sthj_reviewer").get_json()
    # Paused 09-28, resumed 09-30: 09-29 and 09-30 count, so 10-13 + 2 working days.
    assert resumed["due_at"] == "2026-10-15T17:30:00+08:00"

    # Overdue: its timers already fired; it stays late with the deadline it missed.
    overdue = _task(api, "sthj_reviewer", waiting["overdue"])
    assert overdue["due_at"] == "2026-09-24T17:30:00+08:00" and overdue["overdue"] is True
    assert _task(api, "sw_reviewer", waiting["overdue"])["bpmn_id"] == "sw_check"

    chain = api.get("/api/supervision/chain", "jiancha").get_json()
    assert chain["intact"] is True, chain["broken"]


def test_a_plan_that_cannot_apply_leaves_that_application_untouched(app: Flask, api: Api, waiting: dict) -> None:
    _deploy(api, V3)
    before = _version(app, waiting["both_open"])
    results = _by_instance(_migrate(api, to=3, dry_run=False))
    refused = results[waiting["both_open"]]
    assert refused["outcome"] == "refused" and "sthj_review" in refused["reason"]
    assert _version(app, waiting["both_open"]) == before
    # The application deciding has finished the removed review: it moves, its history kept.
    assert results[waiting["deciding"]]["outcome"] == "migrated"
    assert _version(app, waiting["deciding"])[0] == 3
    with app.app_context():
        done = db.session.scalars(select(TaskRecord.bpmn_id).where(
            TaskRecord.instance_id == waiting["deciding"], TaskRecord.status == "completed")).all()
        assert sorted(done) == ["sthj_review", "sw_review"]
        refusals = db.session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == waiting["both_open"], AuditEvent.action == "instance.migrated")).all()
        assert refusals == []

    # Named in the plan's cancellations, the open review is cancelled and the rest moves.
    results = _by_instance(_migrate(api, to=3, dry_run=False, cancel=["sthj_review"],
                                    instances=[waiting["both_open"]]))
    moved = results[waiting["both_open"]]
    assert moved["outcome"] == "migrated" and [c["bpmn_id"] for c in moved["cancelled"]] == ["sthj_review"]
    assert _tasks(api, "sthj_reviewer", waiting["both_open"]) == []
    complete(api, "sw_reviewer", _task(api, "sw_reviewer", waiting["both_open"])["id"])
    assert _task(api, "fgw_lead", waiting["both_open"])["bpmn_id"] == "decide"


def test_plans_naming_what_the_versions_do_not_have_are_refused_whole(api: Api, waiting: dict) -> None:
    cases = [
        ({"mapping": {"nope": "sw_check"}}, "mapping.nope", "旧版本中没有元素 nope"),
        ({"mapping": {"sw_review": "nope"}}, "mapping.sw_review", "新版本中没有元素 nope"),
        ({"mapping": {"sw_review": "join"}}, "mapping.sw_review", "不是同一种元素"),
        ({"cancel": ["sthj_review"]}, "cancel.sthj_review", "仍有对应环节"),
        ({"cancel": ["split"]}, "cancel.split", "仍有对应环节"),
    ]
    for body, field, words in cases:
        r = api.post("/api/definitions/pr/migration", "designer", json={"from_version": 1, "to_version": 2, **body})
        assert r.status_code == 422, (body, r.get_json())
        problems = r.get_json()["error"]["details"]["problems"]
        assert any(p["field"] == field and words in p["message"] for p in problems), (body, problems)
    r = api.post("/api/definitions/pr/migration", "designer", json={"from_version": 1, "to_version": 1})
    assert r.status_code == 422 and r.get_json()["error"]["message"] == "源版本与目标版本相同"
    for body, words in (({"from_version": 1}, "目标版本：此项为必填项"),
                        ({"from_version": 1, "to_version": 2, "limit": 0}, "每批数量"),
                        ({"from_version": 1, "to_version": 2, "mapping": {"a": 1}}, "元素对应")):
        r = api.post("/api/definitions/pr/migration", "designer", json=body)
        assert r.status_code == 400 and words in r.get_json()["error"]["message"], (body, r.get_json())
    pair = {"from_version": 1, "to_version": 9}
    assert api.post("/api/definitions/pr/migration", "designer", json=pair).status_code == 404
    pair = {"from_version": 1, "to_version": 2}
    assert api.post("/api/definitions/pr/migration", "sthj_reviewer", json=pair).status_code == 403


def test_batches_continue_after_the_last_application(api: Api, waiting: dict) -> None:
    first = _migrate(api, mapping=RENAMED, limit=2)
    assert len(first["results"]) == 2 and first["next_after"] == first["results"][-1]["instance_id"]
    second = _migrate(api, mapping=RENAMED, limit=10, after=first["next_after"])
    assert len(second["results"]) == 3 and second["next_after"] is None
    ids = [r["instance_id"] for r in first["results"] + second["results"]]
    assert ids == sorted(waiting.values())


def _shipped_with_shorter_land_review() -> bytes:
    """The shipped joint approval with the land review's limit cut from 20 to 15 working days."""
    xml = (REPO / "bpmn" / "investment_joint_approval.bpmn").read_text(encoding="utf-8")
    timer = '<bpmn:timerEventDefinition id="s1_zrzy_deadline_timer">'
    head, tail = xml.split(timer)
    return (head + timer + tail.replace("workdays(20)", "workdays(15)", 1)).encode()


def _finish(api: Api, instance_id: int) -> dict:
    """Complete every open task (co-reviews first, then the lead) until the application ends."""
    for _ in range(20):
        detail = api.get(f"/api/instances/{instance_id}", "jiancha").get_json()
        open_tasks = [t for t in detail["tasks"] if t["status"] in ("ready", "claimed")]
        if not open_tasks:
            return detail
        reviews = [t for t in open_tasks if "_review" in t["bpmn_id"]] or open_tasks
        for t in reviews:
            role = "reviewer" if "_review" in t["bpmn_id"] else "lead"
            complete(api, f"{t['department']}_{role}", t["id"])
    raise AssertionError("the application did not finish")


def test_shipped_applications_keep_their_used_days_when_a_limit_is_cut_and_then_finish(
        api: Api, clock: FixedClock) -> None:
    at_stage_one = start(api)
    at_stage_two = start(api)
    for dept in ("zrzy", "sthj", "sw", "jt"):
        complete(api, f"{dept}_reviewer", _task(api, f"{dept}_reviewer", at_stage_two["id"])["id"])
    complete(api, "fgw_lead", _task(api, "fgw_lead", at_stage_two["id"])["id"])
    land = _task(api, "zrzy_reviewer", at_stage_one["id"])
    # Accepted Friday 2026-09-18: 20 working days end 10-22; 15 end five working days sooner, 10-15.
    assert land["due_at"] == "2026-10-22T17:30:00+08:00"
    r = api.post("/api/definitions", "designer", data=_shipped_with_shorter_land_review(),
                 content_type="application/xml")
    assert r.status_code == 201, r.get_json()
    clock.set(datetime(2026, 9, 24, 10, 0, tzinfo=SHANGHAI))  # the migration runs days later
    answer = _by_instance(_migrate_key(api, "investment_joint_approval", dry_run=False))
    one, two = answer[at_stage_one["id"]], answer[at_stage_two["id"]]
    assert (one["outcome"], two["outcome"]) == ("migrated", "migrated")
    assert [(d["bpmn_id"], d["old_days"], d["new_days"]) for d in one["deadlines"]] == [("s1_zrzy_review", 20, 15)]
    assert two["deadlines"] == []  # its land review is done
    moved = _task(api, "zrzy_reviewer", at_stage_one["id"])
    assert moved["id"] == land["id"] and moved["due_at"] == "2026-10-15T17:30:00+08:00"
    assert _task(api, "sthj_reviewer", at_stage_one["id"])["due_at"] == "2026-10-22T17:30:00+08:00"
    for instance in (at_stage_one, at_stage_two):
        final = _finish(api, instance["id"])
        assert final["status"] == "completed" and final["definition_version"] == 2
        assert final["outcome"]["end_event"] == "end_approved"


def _definite_tree(app: Flask, instance_id: int) -> list[tuple[str, str, object]]:
    """Every task that has happened or is waiting, with its state and timer value (predictions left out)."""
    with app.app_context():
        instance = db.session.get(Instance, instance_id)
        runtime = app.extensions["onewindow"].runtime
        definition = db.session.get(ProcessDefinition, instance.definition_id)
        workflow = runtime.load_workflow(runtime.specs(definition.id, lambda: definition.spec_json),
                                         instance.state, instance.state_format)
        predicted = TaskState.PREDICTED_MASK | TaskState.FUTURE
        return sorted((t.task_spec.name, TaskState.get_name(t.state), str(t.internal_data.get("event_value")))
                      for t in workflow.get_tasks() if not t.has_state(predicted))


def test_moving_to_an_identical_version_leaves_every_decided_task_as_it_was(
        app: Flask, api: Api, waiting: dict) -> None:
    """Only predictions are redone: what the engine decided, and when each timer fires, stays."""
    renamed_only = V1.replace("牵头部门决定".encode(), "牵头部门审定".encode())
    _deploy(api, renamed_only)  # version 3: the same diagram but a step's name
    before = {name: _definite_tree(app, i) for name, i in waiting.items()}
    results = _by_instance(_migrate(api, to=3, dry_run=False))
    assert {r["outcome"] for r in results.values()} == {"migrated"}
    assert {name: _definite_tree(app, i) for name, i in waiting.items()} == before
