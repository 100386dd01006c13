"""Lists page through one helper (engine/queries/paging.py): walking the pages gives the whole list once,
in order, with the same total on every page, and the supervision lists keep showing each caller what
it showed before their reads moved into monitor/queries.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from api.wiring import request_session
from engine.models import Department
from engine.queries.paging import page_of
from engine.workdays import FixedClock
from tests.conftest import Api

ACCOUNTABILITY = "/api/supervision/accountability"
ORDERS = "/api/supervision/orders"


def test_walking_the_pages_gives_every_row_once_in_order_and_the_same_total(app: Flask) -> None:
    with app.app_context():
        session = request_session()
        codes = sorted(session.scalars(select(Department.code)))
        assert len(codes) > 5  # the demo departments span several pages of 5
        walked, totals, page = [], set(), 1
        while True:
            rows, total = page_of(session, select(Department), Department.code, page=page, per_page=5)
            totals.add(total)
            if not rows:
                break
            assert len(rows) <= 5 and all(isinstance(row, Department) for row in rows)
            walked += [row.code for row in rows]
            page += 1
        assert walked == codes and totals == {len(codes)}


def test_a_page_of_one_column_holds_values_and_of_several_holds_tuples(app: Flask) -> None:
    with app.app_context():
        session = request_session()
        names, total = page_of(session, select(Department.name).where(Department.code.in_(("fgw", "sthj"))),
                               Department.code, page=1, per_page=10)
        assert names == ["发展和改革委员会", "生态环境局"] and total == 2
        pairs, total = page_of(session, select(Department.code, Department.name), Department.code.desc(),
                               page=2, per_page=1)
        assert total > 2 and len(pairs) == 1 and isinstance(pairs[0], tuple) and len(pairs[0]) == 2
        assert pairs[0][0] == sorted(session.scalars(select(Department.code)), reverse=True)[1]


def _record(api: Api, **body: object) -> dict:
    payload = {"person": "张三", "department": None, "rung": 1, "reason": "审查超时", **body}
    r = api.post(ACCOUNTABILITY, "jiancha", json=payload)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _ids(api: Api, url: str, user: str, **params: object) -> tuple[list[int], int]:
    r = api.get(url, user, query_string=params)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    return [item["id"] for item in body["items"]], body["total"]


def test_the_accountability_register_pages_and_shows_a_department_only_the_records_naming_it(
        api: Api, clock: FixedClock) -> None:
    sthj = _record(api, department="sthj")
    sw = _record(api, person="李四", department="sw")
    person_only = _record(api, person="王五")

    assert _ids(api, ACCOUNTABILITY, "jiancha", per_page=2) == ([person_only["id"], sw["id"]], 3)
    assert _ids(api, ACCOUNTABILITY, "jiancha", per_page=2, page=2) == ([sthj["id"]], 3)
    assert _ids(api, ACCOUNTABILITY, "jiancha", department="sw") == ([sw["id"]], 1)
    assert _ids(api, ACCOUNTABILITY, "jiancha", person="张三") == ([sthj["id"]], 1)
    year = clock.now().year  # Beijing and UTC agree on the year of the test clock
    assert _ids(api, ACCOUNTABILITY, "jiancha", year=year)[1] == 3
    assert _ids(api, ACCOUNTABILITY, "jiancha", year=year - 1) == ([], 0)

    # A department lists the records naming it, whatever it asks for; others are not found.
    assert _ids(api, ACCOUNTABILITY, "sthj_reviewer") == ([sthj["id"]], 1)
    assert _ids(api, ACCOUNTABILITY, "sthj_reviewer", department="sw") == ([sthj["id"]], 1)
    assert api.get(f"{ACCOUNTABILITY}/{sthj['id']}", "sthj_reviewer").status_code == 200
    for hidden in (sw, person_only):
        r = api.get(f"{ACCOUNTABILITY}/{hidden['id']}", "sthj_reviewer")
        assert r.status_code == 404
        assert r.get_json()["error"]["message"] == f"未找到问责记录 #{hidden['id']}"
        assert r.get_json()["error"]["details"] == {"record_id": hidden["id"]}
    # A role that is neither the bureau nor a department's staff lists none.
    assert _ids(api, ACCOUNTABILITY, "designer") == ([], 0)
    assert api.get(f"{ACCOUNTABILITY}/{sthj['id']}", "designer").status_code == 404


def test_orders_page_newest_first_with_the_total_of_the_callers_list(api: Api) -> None:
    issued = []
    for department in ("sthj", "sw", "sthj"):
        r = api.post(ORDERS, "jiancha", json={"kind": "order", "department": department, "content": "请说明",
                                              "reply_working_days": 3})
        assert r.status_code == 201, r.get_json()
        issued.append(r.get_json()["id"])
    newest_first = issued[::-1]
    assert _ids(api, ORDERS, "jiancha", per_page=2) == (newest_first[:2], 3)
    assert _ids(api, ORDERS, "jiancha", per_page=2, page=2) == (newest_first[2:], 3)
    assert _ids(api, ORDERS, "jiancha", per_page=2, page=3) == ([], 3)
    assert _ids(api, ORDERS, "sthj_reviewer", department="sw") == ([issued[2], issued[0]], 2)
    r = api.get(f"{ORDERS}/{issued[1]}", "sthj_reviewer")
    assert r.status_code == 404 and r.get_json()["error"]["message"] == f"未找到督办单 #{issued[1]}"
