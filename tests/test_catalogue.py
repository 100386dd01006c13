"""The service catalogue over HTTP: drafts and immutable published versions, the public guide, import,
and intake under an item (the application keeps its version).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime

from flask import Flask

from api.cli import DEMO_CATALOGUE
from api.scheduler import sweep_promises
from engine.workdays import SHANGHAI, FixedClock
from tests.conftest import Api

DEMO = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))["items"]
ITEM = {k: v for k, v in DEMO[0].items() if k != "code"}
CODE = "330100-TEST-0001"
APPLICATION = {"definition_key": "investment_joint_approval",
               "project": {"name": "滨江项目", "code": "p-1", "investment": 1},
               "applicant": {"name": "杭州示范建设有限公司", "contact": "0571-88000000"}}


def problems(r: object) -> dict[str, str]:
    assert r.status_code == 422, r.get_json()
    return {p["field"]: p["message"] for p in r.get_json()["error"]["details"]["problems"]}


def save(api: Api, content: dict, code: str = CODE, user: str = "designer", **extra: object) -> object:
    return api.call("PUT", f"/api/catalogue/{code}/draft", user, json={"content": content, **extra})


def published(api: Api, content: dict = ITEM, code: str = CODE) -> dict:
    assert save(api, content, code).status_code == 200
    r = api.post(f"/api/catalogue/{code}/publish", "designer")
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_an_item_is_drafted_published_and_shown_publicly_with_all_nine_disclosures(api: Api) -> None:
    r = save(api, ITEM)
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["latest_version"], r.get_json()["draft_revision"]) == (0, 1)
    # A draft is not public.
    assert api.get(f"/api/public/catalogue/{CODE}").status_code == 404
    assert api.get("/api/public/catalogue", query_string={"q": "TEST"}).get_json()["items"] == []
    guide = api.post(f"/api/catalogue/{CODE}/publish", "designer").get_json()
    assert (guide["version"], guide["department_name"], guide["promised_days"], guide["legal_days"]) == (
        1, "发展和改革委员会", 77, 120)
    public = api.get(f"/api/public/catalogue/{CODE}").get_json()
    content = public["content"]
    # 办理主体, 依据, 条件, 程序, 期限, 结果, 收费依据, 收费标准, 监督渠道
    assert public["department"] == "fgw" and content["legal_basis"] and content["conditions"]
    assert content["procedure"] and content["result"] and content["supervision_phone"] == "0571-12345"
    assert content["fees"] == {"charged": False, "basis": None, "standard": None}
    assert [m["name"] for m in content["materials"] if m["shortfall_allowed"]] == [
        "环境影响评价文件", "节能审查意见", "水土保持方案", "授权委托书及经办人身份证明"]
    found = api.get("/api/public/catalogue", query_string={"q": "并联审批"}).get_json()
    assert found["total"] == 1 and found["items"][0]["code"] == CODE
    assert api.get("/api/public/catalogue", query_string={"q": "test-0001"}).get_json()["total"] == 1
    assert api.get("/api/public/catalogue", query_string={"q": "100%"}).get_json()["total"] == 0  # no wildcard
    assert api.post(f"/api/catalogue/{CODE}/publish", "designer").status_code == 409  # nothing to publish


def test_every_problem_of_an_item_is_named_at_once_in_chinese(api: Api) -> None:
    bad = copy.deepcopy(ITEM)
    bad.update(name=" ", department="nope", definition_key="nope", promised_days=130, legal_days=120,
               fees={"charged": True})
    bad["materials"][0]["form"] = "scan"
    bad["materials"][1]["required"], bad["materials"][1]["shortfall_allowed"] = False, True
    found = problems(save(api, bad))
    assert found == {
        "name": "请填写事项名称", "department": "办理主体须为已有的部门代码",
        "definition_key": "办理流程须为已部署的流程", "promised_days": "承诺时限不能长于法定时限",
        "fees.basis": "收费事项须写明收费依据", "fees.standard": "收费事项须写明收费标准",
        "materials[0].form": "材料形式只能是原件、复印件或原件及复印件",
        "materials[1].shortfall_allowed": "可容缺的只能是必要材料（非必要材料本就可以不交）"}
    assert problems(save(api, ITEM, code="有中文")) == {
        "code": "事项编码须以字母或数字开头，只含字母、数字、下划线、点和连字符，最长64个字符"}
    assert api.get(f"/api/catalogue/{CODE}", "designer").status_code == 404  # nothing was stored
    assert save(api, ITEM, user="window1").status_code == 403
    assert save(api, ITEM, user="jiancha").status_code == 403


def test_a_published_version_never_changes_and_a_stale_draft_is_refused(api: Api) -> None:
    published(api)
    edited = {**ITEM, "promised_days": 60}
    first = save(api, edited, expected_revision=1)
    assert first.status_code == 200 and first.get_json()["draft_revision"] == 2
    stale = save(api, {**ITEM, "promised_days": 50}, expected_revision=1)
    assert stale.status_code == 409
    assert api.get(f"/api/public/catalogue/{CODE}").get_json()["promised_days"] == 77  # still version 1
    assert api.post(f"/api/catalogue/{CODE}/publish", "designer").get_json()["version"] == 2
    assert api.get(f"/api/public/catalogue/{CODE}").get_json()["promised_days"] == 60
    old = api.get(f"/api/public/catalogue/{CODE}", query_string={"version": 1}).get_json()
    assert (old["version"], old["promised_days"]) == (1, 77)
    history = api.get(f"/api/catalogue/{CODE}", "designer").get_json()
    assert [v["version"] for v in history["versions"]] == [2, 1] and history["draft"] is None


def test_an_application_keeps_the_item_version_it_was_registered_under(api: Api) -> None:
    published(api)
    r = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE, "shortfall": {
        "documents": ["环境影响评价文件"], "deadline_working_days": 10, "commitment": "限期补交"}})
    assert r.status_code == 201, r.get_json()
    instance = r.get_json()["id"]
    published(api, {**ITEM, "promised_days": 60})  # version 2
    detail = api.get(f"/api/instances/{instance}", "window1").get_json()
    assert detail["service_item"] == {"code": CODE, "version": 1, "name": ITEM["name"], "kind": "promised",
                                      "legal_days": 120, "promised_days": 77, "charged": False, "fee": None}
    # Only the item's 可容缺 materials may follow later; the item names its process.
    refused = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE, "shortfall": {
        "documents": ["营业执照或法人证书"], "deadline_working_days": 10, "commitment": "限期补交"}})
    assert problems(refused) == {"shortfall.documents": "以下材料不在本事项的可容缺材料中：营业执照或法人证书"}
    other = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE,
                                                        "definition_key": "one_window_acceptance"})
    assert "definition_key" in problems(other)
    assert problems(api.post("/api/instances", "window1", json={**APPLICATION, "item_code": "NOPE"})) == {
        "item_code": "没有这个已发布的事项"}
    plain = api.post("/api/instances", "window1", json=APPLICATION).get_json()["id"]
    assert api.get(f"/api/instances/{plain}", "window1").get_json()["service_item"] is None


def test_a_whole_catalogue_is_imported_at_once_or_not_at_all(app: Flask, api: Api) -> None:
    broken = copy.deepcopy(DEMO) + [{**ITEM, "code": DEMO[0]["code"]}, {**ITEM, "code": "X-1", "kind": "soon"}]
    found = problems(api.post("/api/catalogue/import", "admin", json={"items": broken}))
    assert found == {"items[2].code": f"事项编码 {DEMO[0]['code']} 在导入内容中重复",
                     "items[3].kind": "办件类型只能是即办件（immediate）或承诺件（promised）"}
    assert api.get("/api/catalogue", "admin").get_json()["items"] == []
    r = api.post("/api/catalogue/import", "admin", json={"items": DEMO})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["published"] == [{"code": item["code"], "version": 1} for item in DEMO]
    listed = api.get("/api/public/catalogue").get_json()
    assert listed["total"] == len(DEMO) and listed["items"][1]["charged"] is True
    again = api.post("/api/catalogue/import", "admin", json={"items": DEMO[:1]})
    assert again.get_json()["published"] == [{"code": DEMO[0]["code"], "version": 2}]


def test_an_item_cannot_run_the_complaint_inquiry_or_acceptance_process(api: Api) -> None:
    for key in ("complaint_handling", "public_inquiry", "one_window_acceptance"):
        assert problems(save(api, {**ITEM, "definition_key": key})) == {"definition_key": "办理流程须为已部署的流程"}


def test_tracking_shows_the_items_promised_and_legal_completion_dates(api: Api, clock: FixedClock) -> None:
    published(api, {**ITEM, "promised_days": 10, "legal_days": 20})
    clock.set(datetime(2026, 9, 18, 10, 0, tzinfo=SHANGHAI))  # Friday, before Mid-Autumn and National Day
    r = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE})
    code, instance = r.get_json()["query_code"], r.get_json()["id"]
    item = api.get(f"/api/public/track/{code}").get_json()["service_item"]
    # 10 working days: Sun 09-20 (make-up), 09-21 … 09-24, 09-28 … 09-30, 10-08, 10-09;
    # 20: then Sat 10-10 (make-up), 10-12 … 10-16, 10-19 … 10-22.
    assert (item["promised_due_at"], item["legal_due_at"], item["clock_stopped"], item["provisional"]) == (
        "2026-10-09T17:30:00+08:00", "2026-10-22T17:30:00+08:00", False, False)
    assert api.post(f"/api/instances/{instance}/pause", "window1",
                    json={"reason": "缺页", "missing_documents": ["营业执照或法人证书"]}).status_code in (200, 201)
    assert api.get(f"/api/public/track/{code}").get_json()["service_item"]["clock_stopped"] is True
    # Back on Wed 09-23: 09-20 … 09-23 were stopped (4 working days), so both dates move by 4.
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=SHANGHAI))
    assert api.post(f"/api/instances/{instance}/resume", "window1").status_code == 200
    after = api.get(f"/api/public/track/{code}").get_json()["service_item"]
    assert (after["promised_due_at"], after["legal_due_at"], after["clock_stopped"]) == (
        "2026-10-14T17:30:00+08:00", "2026-10-28T17:30:00+08:00", False)


def test_the_fee_of_a_charged_item_is_recorded_once_at_the_window(api: Api) -> None:
    charged = {**ITEM, "fees": {"charged": True, "basis": "《城市基础设施配套费征收管理办法》", "standard": "每平方米100元"}}
    published(api, charged)
    published(api, ITEM, code="330100-FREE-0001")
    instance = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE}).get_json()["id"]
    free = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": "330100-FREE-0001"}).get_json()["id"]
    url = f"/api/instances/{instance}/fee"
    assert problems(api.post(url, "window1", json={"amount": "12.345", "receipt_no": " "})) == {
        "amount": "金额须为大于0的数，最多两位小数（元）", "receipt_no": "请填写收费票据号（1至64个字符）"}
    assert problems(api.post(url, "window1", json={"amount": "-1", "receipt_no": "No.1"}))["amount"]
    assert api.post(url, "sthj_reviewer", json={"amount": "1250", "receipt_no": "No.1"}).status_code == 403
    r = api.post(url, "window1", json={"amount": "1250.5", "receipt_no": "浙财票 No.0012345"})
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["amount"], r.get_json()["receipt_no"]) == ("1250.50", "浙财票 No.0012345")
    assert api.post(url, "window1", json={"amount": "1", "receipt_no": "again"}).status_code == 409
    detail = api.get(f"/api/instances/{instance}", "window1").get_json()["service_item"]
    assert detail["charged"] is True and detail["fee"]["amount"] == "1250.50"
    assert problems(api.post(f"/api/instances/{free}/fee", "window1", json={"amount": "1", "receipt_no": "x"})) == {
        "amount": "此申请所办事项不收费，无需登记收费"}
    assert api.post("/api/instances/999999/fee", "window1", json={"amount": "1", "receipt_no": "x"}).status_code == 404


def test_an_application_past_its_promised_date_raises_one_alert_for_the_items_department(
        app: Flask, api: Api, clock: FixedClock) -> None:
    published(api, {**ITEM, "promised_days": 10, "legal_days": 20})
    clock.set(datetime(2026, 9, 18, 10, 0, tzinfo=SHANGHAI))  # promised by Fri 10-09 17:30 (see above)
    late = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE}).get_json()
    stopped = api.post("/api/instances", "window1", json={**APPLICATION, "item_code": CODE}).get_json()
    clock.set(datetime(2026, 10, 9, 17, 29, tzinfo=SHANGHAI))
    assert sweep_promises(app) == 0  # one minute before the promise, nothing is late
    assert api.post(f"/api/instances/{stopped['id']}/pause", "window1",
                    json={"reason": "缺页", "missing_documents": ["营业执照或法人证书"]}).status_code in (200, 201)
    clock.set(datetime(2026, 10, 9, 17, 31, tzinfo=SHANGHAI))
    assert sweep_promises(app) == 1  # the stopped one waits for the applicant
    assert sweep_promises(app) == 0  # a promise is broken once
    alerts = [a for a in api.get("/api/supervision/alerts", "jiancha").get_json()["items"]
              if a["kind"] == "promise_broken"]
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["instance_id"], alert["level"], alert["department"], alert["title"]) == (
        late["id"], "red", ITEM["department"], f"超过承诺办结时限：{ITEM['name']}")
    assert alert["details"]["promised_due_at"] == "2026-10-09T17:30:00+08:00"
    assert alert["details"]["query_code"] == late["query_code"]
