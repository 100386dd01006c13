"""A stage's parallel branches may finish in any order: every order must end in the same state.

Each test starts one instance per order on one database and completes each instance's branches in its
own order, round by round across all instances (round k completes the k-th branch of every instance).
After every round the stored tasks are checked; after the last one the instance detail (data, history)
and, once the lead has decided, the outcome. Covered: every order of the shipped joint approval's
stage 1 (4 co-reviewers: 24 orders), and every order of a 5-branch stage built here (120 orders).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import permutations
from typing import Any

from flask import Flask
from sqlalchemy import select

from api.wiring import db
from engine.models import TaskRecord
from tests.bpmn_builder import parallel_review
from tests.conftest import Api

BODY = {"project": {"name": "并联顺序测试项目", "code": "2026-330100-47-01-009999", "investment": 1_000_000},
        "applicant": {"name": "杭州示范建设有限公司", "contact": "0571-88000000"}}
REFUSAL_OPINION = "不予许可：不符合生态保护红线要求"


@dataclass(frozen=True)
class Stage:
    """One parallel stage: its co-review per department, where each decision is copied, who decides next."""

    definition_key: str
    branches: dict[str, str]  # department -> bpmn id of its co-review
    decision_key: str  # format with {dept}: the key the branch's script copies `decision` to
    lead_task: str
    lead_user: str

    def key(self, dept: str) -> str:
        return self.decision_key.format(dept=dept)


# The shipped diagram's first stage (立项用地规划许可): four co-reviewers, then fgw decides.
SHIPPED_STAGE1 = Stage("investment_joint_approval",
                       {"zrzy": "s1_zrzy_review", "sthj": "s1_sthj_review", "sw": "s1_sw_review",
                        "jt": "s1_jt_review"},
                       "s1_{dept}_decision", "s1_lead_decide", "fgw_lead")
SHIPPED_STAGE2 = {"s2_zjj_review", "s2_rf_review", "s2_xf_review"}

# A 5-branch stage built for this test. Its gateway reads only the per-branch keys (and the lead's
# decision): any co-reviewer's refusal is a veto (不予通过), whichever branch happened to finish last.
FIVE = ("zrzy", "sthj", "sw", "jt", "xf")
FIVE_STAGE = Stage("five_branch_review", {d: f"{d}_review" for d in FIVE}, "{dept}_decision", "decide", "fgw_lead")
VETO = " and ".join(['decision == "approve"', *(f'{d}_decision == "approve"' for d in FIVE)])


class Runner:
    """Drive many instances over HTTP with tokens signed once (the clock does not move in these tests)."""

    def __init__(self, api: Api, app: Flask) -> None:
        self.api, self.app = api, app
        self.tokens: dict[str, str] = {}

    def _auth(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            self.tokens[user] = self.api.login(user)
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def post(self, url: str, user: str, **kw: Any) -> Any:
        return self.api.client.post(url, headers=self._auth(user), **kw)

    def get(self, url: str, user: str, **kw: Any) -> Any:
        return self.api.client.get(url, headers=self._auth(user), **kw)

    def complete(self, user: str, task_id: str, decision: str) -> dict:
        assert self.post(f"/api/tasks/{task_id}/claim", user).status_code == 200
        opinion = REFUSAL_OPINION if decision == "refuse" else "同意"
        r = self.post(f"/api/tasks/{task_id}/complete", user, json={"decision": decision, "opinion": opinion})
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    def tasks(self, instance_ids: list[int]) -> dict[int, list[TaskRecord]]:
        """Every stored task of these instances, read afresh (a new session each time)."""
        with self.app.app_context():
            rows = db.session.scalars(select(TaskRecord).where(TaskRecord.instance_id.in_(instance_ids))).all()
            db.session.expunge_all()
        found: dict[int, list[TaskRecord]] = {i: [] for i in instance_ids}
        for row in rows:
            found[row.instance_id].append(row)
        return found


def _run_every_order(runner: Runner, stage: Stage, orders: list[tuple[str, ...]],
                     decisions: dict[str, str]) -> dict[int, dict]:
    """Start one instance per order, complete the branches round by round; return each one's detail."""
    ids = []
    for _ in orders:
        r = runner.post("/api/instances", "window1", json={"definition_key": stage.definition_key, **BODY})
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    order_of = dict(zip(ids, orders, strict=True))
    branch_task: dict[int, dict[str, str]] = {}
    for instance_id, rows in runner.tasks(ids).items():
        assert sorted((r.bpmn_id, r.department_code, r.status) for r in rows) == sorted(
            (bpmn_id, dept, "ready") for dept, bpmn_id in stage.branches.items())
        branch_task[instance_id] = {r.department_code: r.id for r in rows}

    width = len(stage.branches)
    for k in range(width):
        for instance_id in ids:
            dept = order_of[instance_id][k]
            done = runner.complete(f"{dept}_reviewer", branch_task[instance_id][dept], decisions[dept])
            assert (done["status"], done["instance_status"]) == ("completed", "running")
        for instance_id, rows in runner.tasks(ids).items():
            finished = set(order_of[instance_id][:k + 1])
            by_id = {r.bpmn_id: r for r in rows}
            assert len(by_id) == len(rows), f"a task was created twice: {sorted(r.bpmn_id for r in rows)}"
            for dept, bpmn_id in stage.branches.items():
                # Finished branches stay completed once; the others are still open to claim, whatever came first.
                expected = ("completed", f"{dept}_reviewer") if dept in finished else ("ready", None)
                assert (by_id[bpmn_id].status, by_id[bpmn_id].completed_by) == expected, (order_of[instance_id], k)
            lead = [r for r in rows if r.bpmn_id == stage.lead_task]
            if k < width - 1:
                assert lead == [] and len(rows) == width, (order_of[instance_id], k)  # the join still waits
            else:
                assert [(r.status, r.department_code) for r in lead] == [("ready", "fgw")], order_of[instance_id]
                assert len(rows) == width + 1

    # The lead sees each of its stage's decisions once the last co-review is in, and nothing before.
    listed = runner.get("/api/tasks", stage.lead_user,
                        query_string={"definition": stage.definition_key, "per_page": 1})
    assert listed.status_code == 200 and listed.get_json()["total"] == len(ids), listed.get_json()

    details = {}
    for instance_id in ids:
        order = order_of[instance_id]
        detail = runner.get(f"/api/instances/{instance_id}", "jiancha").get_json()
        assert detail["status"] == "running" and detail["incident"] is None
        data = detail["data"]
        for dept in stage.branches:
            assert data[stage.key(dept)] == decisions[dept], (order, dept)
        # The shared `decision` is whatever the last branch sent (bpmn/README.md: the last one wins),
        # which is why the diagram copies each decision to its own key and no gate may read it here.
        assert data["decision"] == decisions[order[-1]], order
        history = detail["history"]
        assert [e["seq"] for e in history] == list(range(1, len(history) + 1))
        completed = [e for e in history if e["action"] == "task.completed"]
        assert [e["task_id"] for e in completed] == [branch_task[instance_id][d] for d in order]
        assert [(e["details"]["department"], e["details"]["decision"]) for e in completed] == [
            (d, decisions[d]) for d in order]
        ready = Counter(e["details"]["bpmn_id"] for e in history if e["action"] == "task.ready")
        assert ready == Counter({**dict.fromkeys(stage.branches.values(), 1), stage.lead_task: 1}), order
        lead_ready = next(e["seq"] for e in history if e["action"] == "task.ready"
                          and e["details"]["bpmn_id"] == stage.lead_task)
        assert lead_ready > completed[-1]["seq"], order  # the join fired after the last branch, not before
        details[instance_id] = detail
    return details


def _lead_decides(runner: Runner, stage: Stage, details: dict[int, dict], decision: str) -> dict[int, dict]:
    """The stage's lead decides on every instance; return the details afterwards."""
    after = {}
    for instance_id, detail in details.items():
        lead = [t for t in detail["tasks"] if t["bpmn_id"] == stage.lead_task]
        assert len(lead) == 1 and lead[0]["status"] == "ready"
        runner.complete(stage.lead_user, lead[0]["id"], decision)
        after[instance_id] = runner.get(f"/api/instances/{instance_id}", "jiancha").get_json()
    return after


def test_shipped_stage_one_in_every_order_opens_stage_two_once(api: Api, app: Flask) -> None:
    runner = Runner(api, app)
    orders = list(permutations(SHIPPED_STAGE1.branches))
    assert len(orders) == 24
    details = _run_every_order(runner, SHIPPED_STAGE1, orders, dict.fromkeys(SHIPPED_STAGE1.branches, "approve"))
    for after in _lead_decides(runner, SHIPPED_STAGE1, details, "approve").values():
        assert after["status"] == "running" and after["outcome"] is None
        open_tasks = [t["bpmn_id"] for t in after["tasks"] if t["status"] in ("ready", "claimed")]
        assert sorted(open_tasks) == sorted(SHIPPED_STAGE2)  # each next-stage co-review exactly once
        ready = Counter(e["details"]["bpmn_id"] for e in after["history"] if e["action"] == "task.ready")
        assert all(ready[b] == 1 for b in SHIPPED_STAGE2)
        assert [e["action"] for e in after["history"]].count("task.completed") == 5


def test_shipped_stage_one_with_a_refusal_in_every_order_ends_refused(api: Api, app: Flask) -> None:
    runner = Runner(api, app)
    decisions = {**dict.fromkeys(SHIPPED_STAGE1.branches, "approve"), "sthj": "refuse"}
    orders = list(permutations(SHIPPED_STAGE1.branches))
    details = _run_every_order(runner, SHIPPED_STAGE1, orders, decisions)
    # Whether the refusal came first or last, the stage waits for everyone and the lead sees it.
    for detail in details.values():
        sthj = next(t for t in detail["tasks"] if t["bpmn_id"] == "s1_sthj_review")
        assert sthj["submission"]["decision"] == "refuse" and sthj["submission"]["opinion"] == REFUSAL_OPINION
    outcomes = []
    for after in _lead_decides(runner, SHIPPED_STAGE1, details, "refuse").values():
        assert after["status"] == "completed"
        assert [t for t in after["tasks"] if t["status"] in ("ready", "claimed")] == []
        assert not any(t["bpmn_id"].startswith("s2_") for t in after["tasks"])
        assert [e["action"] for e in after["history"]][-1] == "instance.completed"
        outcomes.append(after["outcome"])
    assert outcomes[0]["end_event"] == "end_refused"
    assert all(o == outcomes[0] for o in outcomes)


def _deploy_five(api: Api) -> None:
    xml = parallel_review(FIVE_STAGE.definition_key, FIVE, condition=VETO)
    r = api.post("/api/definitions", "designer", data=xml, content_type="application/xml")
    assert r.status_code == 201, r.get_json()


def test_five_branches_in_all_120_orders_join_once_and_pass(api: Api, app: Flask) -> None:
    _deploy_five(api)
    runner = Runner(api, app)
    orders = list(permutations(FIVE))
    assert len(orders) == 120 and len(set(orders)) == 120
    details = _run_every_order(runner, FIVE_STAGE, orders, dict.fromkeys(FIVE, "approve"))
    outcomes = set()
    for after in _lead_decides(runner, FIVE_STAGE, details, "approve").values():
        assert after["status"] == "completed"
        assert [e["action"] for e in after["history"]].count("task.completed") == 6
        outcomes.add(after["outcome"]["end_event"])
    assert outcomes == {"ok"}


def test_five_branches_with_one_refusal_end_refused_wherever_it_falls(api: Api, app: Flask) -> None:
    _deploy_five(api)
    runner = Runner(api, app)
    # The refusing branch (sw) first, second, ... last, each with the others in two different orders.
    others = [d for d in FIVE if d != "sw"]
    orders = [(*rest[:i], "sw", *rest[i:]) for i in range(len(FIVE)) for rest in (others, others[::-1])]
    decisions = {**dict.fromkeys(FIVE, "approve"), "sw": "refuse"}
    details = _run_every_order(runner, FIVE_STAGE, orders, decisions)
    # Even though the lead approves, the veto holds: the gateway reads sw_decision, not the last `decision`.
    outcomes = [after["outcome"] for after in _lead_decides(runner, FIVE_STAGE, details, "approve").values()]
    assert [o["end_event"] for o in outcomes] == ["no"] * len(orders)
    assert all(o == outcomes[0] for o in outcomes)
