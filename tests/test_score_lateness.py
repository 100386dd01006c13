"""Lateness lowers the deadline part in proportion to the items late and the working days late.

The official calendar decides the days: a task late across a holiday gains no late days on it, and a
task late across two months counts each month's days in that month. The per-task arithmetic is
checked against chinese_calendar directly; the deduction over HTTP with fixed data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.workdays import SHANGHAI, ChineseOfficialCalendar, FixedClock, working_days_between
from monitor.queries.lateness import late_days_in_period
from tests.conftest import Api
from tests.test_scores import _start, one_review

CALENDAR = ChineseOfficialCalendar()
DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


def _after(a: date, b: date) -> int:
    return working_days_between(CALENDAR, a, b)


@settings(max_examples=300, deadline=None)
@given(due=DAYS, lateness=st.integers(0, 90), first=DAYS, length=st.integers(0, 95))
def test_late_days_in_a_period_are_the_working_days_between_the_deadline_and_the_end(
        due: date, lateness: int, first: date, length: int) -> None:
    through = due + timedelta(days=lateness)
    last = first + timedelta(days=length)
    if through > date(2026, 12, 31) or last > date(2026, 12, 31):
        return  # beyond the published calendar
    expected = sum(1 for n in range((last - first).days + 1)
                   if due < (d := first + timedelta(days=n)) <= through and chinese_calendar.is_workday(d))
    assert late_days_in_period(_after, due, through, first, last) == expected


def test_a_task_late_across_national_day_gains_no_days_on_the_holiday() -> None:
    # Due Tue 09-29; still late on 10-09: 09-30, then 10-08 and 10-09 (10-01 … 10-07 are the holiday).
    assert late_days_in_period(_after, date(2026, 9, 29), date(2026, 10, 9), date(2026, 9, 1),
                               date(2026, 9, 30)) == 1
    assert late_days_in_period(_after, date(2026, 9, 29), date(2026, 10, 9), date(2026, 10, 1),
                               date(2026, 10, 31)) == 2


def _beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def _items(api: Api, period: str, department: str, measure: str) -> list[dict]:
    r = api.get("/api/supervision/scores/items", "jiancha",
                query_string={"period": period, "department": department, "measure": measure})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def _deadline_part(api: Api, period: str, department: str) -> tuple[float, dict]:
    body = api.get("/api/supervision/scores", "jiancha", query_string={"period": period}).get_json()
    row = next(d for d in body["departments"] if d["department"] == department)
    return next(p["marks"] for p in row["parts"] if p["part"] == "deadlines"), row


def test_n_items_late_by_d_working_days_cost_exactly_the_documented_deduction(
        app: Flask, api: Api, clock: FixedClock) -> None:
    assert api.post("/api/definitions", "designer", data=one_review(department="rf", days=2),
                    content_type="application/xml").status_code == 201
    clock.set(_beijing(2026, 11, 2, 9, 0))  # Monday: each review is due Wed 11-04 17:30
    started = [_start(api, "one_review") for _ in range(3)]
    ahead = _start(api, "one_review")
    clock.set(_beijing(2026, 11, 3, 9, 0))
    tasks = {t["instance_id"]: t for t in api.get("/api/tasks", "rf_reviewer").get_json()["items"]}
    assert tasks[ahead["id"]]["due_at"] == "2026-11-04T17:30:00+08:00"
    # Still before the deadline: nothing is late, and an open task whose deadline is ahead is not late.
    marks, row = _deadline_part(api, "2026-11", "rf")
    assert (marks, row["counts"]["overdue"], row["counts"]["late_days"]) == (20.0, 0, 0)
    assert row["on_time_rate"] is None

    api.post(f"/api/tasks/{tasks[ahead['id']]['id']}/complete", "rf_reviewer", json={"decision": "approve"})
    # Three reviews left open: read on Wed 11-11 10:00 each is 5 working days late (11-05 … 11-11).
    clock.set(_beijing(2026, 11, 11, 10, 0))
    marks, row = _deadline_part(api, "2026-11", "rf")
    n, d = 3, 5
    assert (row["counts"]["overdue"], row["counts"]["open_late"], row["counts"]["late_days"]) == (n, n, n * d)
    assert marks == 20 - 2 * n - 0.5 * n * d == 6.5  # the founding model: 超期扣分 out of 20
    assert row["on_time_rate"] == 0.25  # one of four on time; the open late ones count as not on time
    # The figures link to their items, and the items add up to the figures.
    late = _items(api, "2026-11", "rf", "late")
    assert sorted(i["instance_id"] for i in late) == sorted(s["id"] for s in started)
    assert all(i["still_open"] and i["due_at"] == "2026-11-04T17:30:00+08:00" for i in late)
    assert [i["late_days"] for i in _items(api, "2026-11", "rf", "late_days")] == [d] * n
    on_time = _items(api, "2026-11", "rf", "on_time")
    assert sorted((i["instance_id"], i["on_time"]) for i in on_time) == sorted(
        [(ahead["id"], True)] + [(s["id"], False) for s in started])
    # One is finished on Fri 11-13 (7 days late): it stops counting days; the others keep counting.
    first = tasks[started[0]["id"]]["id"]
    clock.set(_beijing(2026, 11, 13, 10, 0))
    assert api.post(f"/api/tasks/{first}/complete", "rf_reviewer", json={"decision": "approve"}).status_code == 200
    clock.set(_beijing(2026, 11, 20, 10, 0))  # 11-05 … 11-20 is 12 working days
    marks, row = _deadline_part(api, "2026-11", "rf")
    assert (row["counts"]["overdue"], row["counts"]["late_days"]) == (3, 7 + 12 + 12)
    assert marks == 0.0  # the part never goes below zero
    assert sorted(i["late_days"] for i in _items(api, "2026-11", "rf", "late_days")) == [7, 12, 12]
    # December counts only December's days of the two still open: read on Thu 12-03, 3 working days each.
    clock.set(_beijing(2026, 12, 3, 10, 0))
    marks, row = _deadline_part(api, "2026-12", "rf")
    assert (row["counts"]["overdue"], row["counts"]["late_days"]) == (0, 6)
    assert marks == 20 - 0.5 * 6
    assert _items(api, "2026-12", "rf", "late") == []
    assert [i["late_days"] for i in _items(api, "2026-12", "rf", "late_days")] == [3, 3]
    assert api.get("/api/supervision/scores/items", "rf_reviewer", query_string={
        "period": "2026-12", "department": "rf", "measure": "late"}).status_code == 403
