"""Department public commitments: the head publishes and reports, the bureau assesses, the public reads.

Each rule is checked where a real user would break it: a head speaking for another department, a
promise reworded after publication, progress reported after the verdict, a second verdict.
"""

from __future__ import annotations

from datetime import datetime

from engine.workdays import SHANGHAI, FixedClock
from tests.conftest import Api

URL = "/api/commitments"
PLEDGE = {"title": "企业投资项目审批提速", "target": "环评审批由法定60个工作日压缩至20个工作日以内",
          "due_on": "2026-12-31", "pledged_by": "局长 王某"}


def problems(r: object) -> dict[str, str]:
    assert r.status_code == 422, r.get_json()
    return {p["field"]: p["message"] for p in r.get_json()["error"]["details"]["problems"]}


def test_a_head_publishes_reports_and_the_bureau_assesses_in_public(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    r = api.post(URL, "sthj_head", json=PLEDGE)
    assert r.status_code == 201, r.get_json()
    pledged = r.get_json()
    assert (pledged["department"], pledged["department_name"], pledged["year"], pledged["progress_percent"],
            pledged["assessment"], pledged["reports"]) == ("sthj", "生态环境局", 2026, 0, None, [])
    progress = f"{URL}/{pledged['id']}/progress"
    clock.set(datetime(2026, 6, 30, 17, 0, tzinfo=SHANGHAI))
    assert api.post(progress, "sthj_head", json={"percent": 40, "note": "上半年平均23个工作日"}).status_code == 200
    clock.set(datetime(2026, 11, 30, 17, 0, tzinfo=SHANGHAI))
    r = api.post(progress, "sthj_head", json={"percent": 90, "note": "11月平均18个工作日"})
    assert r.get_json()["progress_percent"] == 90
    assert [(p["percent"], p["reported_at"]) for p in r.get_json()["reports"]] == [
        (40, "2026-06-30T17:00:00+08:00"), (90, "2026-11-30T17:00:00+08:00")]
    public = api.get("/api/public/commitments", query_string={"year": 2026}).get_json()
    assert [(c["title"], c["progress_percent"], c["pledged_by"]) for c in public["items"]] == [
        (PLEDGE["title"], 90, "局长 王某")]
    assessment = f"{URL}/{pledged['id']}/assessment"
    assert api.post(assessment, "sthj_head", json={"assessment": "fulfilled", "note": "自评"}).status_code == 403
    r = api.post(assessment, "jiancha", json={"assessment": "partly_fulfilled", "note": "年均21个工作日，未全部达标"})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["assessment"], r.get_json()["assessment_note"]) == ("partly_fulfilled", "年均21个工作日，未全部达标")
    # The verdict is final, and so is the record it judged.
    assert api.post(assessment, "jiancha", json={"assessment": "fulfilled", "note": "改判"}).status_code == 409
    assert api.post(progress, "sthj_head", json={"percent": 100, "note": "补报"}).status_code == 409
    listed = api.get("/api/public/commitments", query_string={"year": 2026, "department": "sthj"}).get_json()
    assert listed["items"][0]["assessment"] == "partly_fulfilled" and len(listed["items"][0]["reports"]) == 2
    assert api.get("/api/public/commitments", query_string={"year": 2025}).get_json()["items"] == []


def test_only_a_head_speaks_for_the_department_and_only_for_its_own(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    for user in ("sthj_reviewer", "window1", "jiancha", "admin"):
        assert api.post(URL, user, json=PLEDGE).status_code == 403, user
    pledged = api.post(URL, "sthj_head", json=PLEDGE).get_json()
    r = api.post(f"{URL}/{pledged['id']}/progress", "sw_head", json={"percent": 10, "note": "越权"})
    assert r.status_code == 403
    assert "本部门" in r.get_json()["error"]["message"]
    assert api.post(f"{URL}/999999/progress", "sthj_head", json={"percent": 10, "note": "x"}).status_code == 404
    assert api.post(f"{URL}/999999/assessment", "jiancha",
                    json={"assessment": "fulfilled", "note": "x"}).status_code == 404


def test_every_problem_of_a_pledge_or_report_is_named_in_chinese(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    assert problems(api.post(URL, "sthj_head", json={"title": " ", "target": "", "due_on": "2026-12-06",
                                                       "pledged_by": ""})) == {
        "title": "请填写承诺事项（1至200个字）", "target": "请填写承诺目标（可衡量的标准）（1至1000个字）",
        "due_on": "完成期限须在今天至明年年底之间", "pledged_by": "请填写承诺人（职务和姓名）（1至64个字）"}
    assert problems(api.post(URL, "sthj_head", json={**PLEDGE, "due_on": "2028-01-01"}))["due_on"] == (
        "完成期限须在今天至明年年底之间")
    assert problems(api.post(URL, "sthj_head", json={**PLEDGE, "due_on": "2027-02-30"}))["due_on"] == (
        "完成期限须为 YYYY-MM-DD 格式的日期")
    # December: next year's commitments are published before it starts.
    ahead = api.post(URL, "sthj_head", json={**PLEDGE, "due_on": "2027-06-30"}).get_json()
    assert ahead["year"] == 2027
    progress = f"{URL}/{ahead['id']}/progress"
    assert problems(api.post(progress, "sthj_head", json={"percent": 101, "note": " "})) == {
        "percent": "完成进度须为0至100的整数（百分比）", "note": "请填写进展情况（1至1000个字）"}
    assert api.post(f"{URL}/{ahead['id']}/assessment", "jiancha",
                    json={"assessment": "great", "note": "x"}).status_code == 400  # not in the schema
    assert problems(api.post(f"{URL}/{ahead['id']}/assessment", "jiancha",
                             json={"assessment": "fulfilled", "note": ""})) == {"note": "请填写考评意见（1至1000个字）"}


def test_a_department_publishes_at_most_thirty_commitments_a_year(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    for i in range(30):
        assert api.post(URL, "sthj_head", json={**PLEDGE, "title": f"承诺{i}"}).status_code == 201
    assert problems(api.post(URL, "sthj_head", json=PLEDGE)) == {"due_on": "每个部门每年最多公开30项承诺"}
    assert api.post(URL, "sthj_head", json={**PLEDGE, "due_on": "2027-03-01"}).status_code == 201  # next year's
    assert api.post(URL, "sw_head", json=PLEDGE).status_code == 201  # another department's
