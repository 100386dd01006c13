"""Administrator pages in a real browser: accounts, a calendar day, a camera zone, an archived application."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from tests.bpmn_builder import parallel_review
from tests.browser.conftest import api_token, login, shot
from tests.conftest import ADMIN_PASSWORD, SECRET
from tests.live_server import REPO

pytestmark = pytest.mark.browser

# A Thursday inside the demo applications' stage-one limits (the session's clock starts on 2026-12-07), so a
# change moves open deadlines; the test puts it back, and the deadlines with it.
DAY = "2026-12-31"


def _admin(page, base: str) -> None:
    login(page, base, "admin", ADMIN_PASSWORD)


def _calendar_day(base: str, token: str, day: str) -> dict:
    r = requests.get(f"{base}/api/admin/calendar/{day[:4]}", headers={"Authorization": f"Bearer {token}"},
                     timeout=30)
    assert r.status_code == 200, r.text
    return next(d for d in r.json()["days"] if d["date"] == day)


def test_admin_adds_a_user_and_disables_it(live_url: str, desktop) -> None:
    _admin(desktop, live_url)
    assert desktop.url.endswith("/admin")
    desktop.wait_for_selector("body[data-loaded=true]")
    assert desktop.locator("#departments tr[data-code=zrzy]").is_visible()
    row = desktop.locator("#users tr[data-username=window1]")
    assert row.locator("select[name=role]").input_value() == "window"
    assert row.locator("select[name=department_code]").input_value() == "zwfw"

    form = desktop.locator("#user-form")
    form.locator("input[name=username]").fill("window9")
    form.locator("input[name=password]").fill("a-long-enough-password-9")
    assert form.locator("select[name=role]").input_value() == ""  # no role until one is chosen
    form.locator("button[type=submit]").click()
    form.locator(".field-error[data-for=role]").wait_for()
    form.locator("select[name=role]").select_option("window")
    form.locator("select[name=department_code]").select_option("zwfw")
    form.locator("button[type=submit]").click()
    added = desktop.locator("#users tr[data-username=window9]")
    added.wait_for()
    # A role change is asked first; declining puts the select back and stores nothing.
    desktop.once("dialog", lambda dialog: dialog.dismiss())
    added.locator("select[name=role]").select_option("admin")
    assert added.locator("select[name=role]").input_value() == "window"
    desktop.once("dialog", lambda dialog: dialog.accept())
    added.locator("select[name=role]").select_option("reviewer")
    desktop.locator("#users tr[data-username=window9] select[name=role]").wait_for()
    desktop.wait_for_function(
        "document.querySelector('#users tr[data-username=window9] select[name=role]').value === 'reviewer'")
    token = api_token(live_url, "admin", ADMIN_PASSWORD)
    users = requests.get(f"{live_url}/api/admin/users", headers={"Authorization": f"Bearer {token}"},
                         timeout=30).json()["items"]
    assert next(u for u in users if u["username"] == "window9")["role"] == "reviewer"
    desktop.once("dialog", lambda dialog: dialog.accept())  # "disable window9?"
    added.locator("button[name=toggle-active]").click()
    desktop.wait_for_selector("#users tr[data-username=window9] .badge.warn-red")
    r = requests.post(f"{live_url}/api/auth/token", json={"username": "window9",
                      "password": "a-long-enough-password-9"}, timeout=30)
    assert r.status_code == 401  # a disabled account cannot sign in
    shot(desktop, "admin-accounts")


def test_admin_toggles_a_calendar_day_with_a_note(live_url: str, desktop) -> None:
    token = api_token(live_url, "admin", ADMIN_PASSWORD)
    assert _calendar_day(live_url, token, DAY)["is_workday"] is True
    _admin(desktop, live_url)
    desktop.goto(f"{live_url}/admin/calendar?year=2026")
    day = desktop.locator(f".day[data-date='{DAY}']")
    day.wait_for()
    assert "workday" in (day.get_attribute("class") or "")
    day.click()
    form = desktop.locator("#day-form")
    form.wait_for(state="visible")
    form.locator("input[name=note]").fill("年终盘点闭馆（测试）")
    desktop.click("#toggle-day")
    # first a dry run: the page says how many open deadlines move, and stores nothing before it is confirmed
    confirm = desktop.locator("#confirm")
    confirm.wait_for(state="visible")
    moved = int(confirm.get_attribute("data-count"))
    assert moved > 0, "the demo applications' deadlines run over the last day of 2026"
    assert f"将重算 {moved} 个办理期限" in confirm.inner_text()
    assert "→ 2027-" in desktop.locator("#confirm-list").inner_text()  # old → new dates, in Beijing time
    assert _calendar_day(live_url, token, DAY)["is_workday"] is True
    shot(desktop, "admin-calendar-confirm")
    desktop.click("#confirm-yes")
    desktop.wait_for_selector(f".day.holiday.noted[data-date='{DAY}']")
    assert f"已重算 {moved} 个办理期限" in desktop.locator("#status").inner_text()
    saved = _calendar_day(live_url, token, DAY)
    assert saved == {"date": DAY, "is_workday": False, "note": "年终盘点闭馆（测试）", "provisional": False}
    shot(desktop, "admin-calendar")

    # and back, so the shared server's calendar (and every deadline) is as the demo seeded it
    form.locator("input[name=note]").fill("")
    desktop.click("#toggle-day")
    confirm.wait_for(state="visible")
    assert int(confirm.get_attribute("data-count")) == moved
    desktop.click("#confirm-yes")
    desktop.wait_for_selector(f".day.workday[data-date='{DAY}']")
    assert _calendar_day(live_url, token, DAY)["is_workday"] is True


def test_admin_loads_a_year_from_a_csv_file(live_url: str, desktop, tmp_path) -> None:
    year = 2031  # a year nothing else on the shared server uses
    rows, day = ["date,is_workday,note"], date(year, 1, 1)
    while day.year == year:
        holiday = day.weekday() >= 5 or (day.month, day.day) == (1, 1)
        rows.append(f"{day.isoformat()},{'false' if holiday else 'true'},{'元旦' if day.day == 1 == day.month else ''}")
        day += timedelta(days=1)
    upload = tmp_path / f"calendar-{year}.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")

    _admin(desktop, live_url)
    desktop.goto(f"{live_url}/admin/calendar?year={year}")
    desktop.wait_for_selector(f"body[data-year='{year}'][data-provisional=true]")
    # not loaded yet: the provisional year (weekends and statutory holidays), marked as such, days locked
    note = desktop.locator("#provisional-year")
    assert f"本年度（{year}年）为暂定日历（仅周末和法定节假日）" in note.inner_text() and note.is_visible()
    assert "请上传国务院办公厅通知后的正式日历" in note.inner_text()
    # the session's clock says December 2026: next year's notice is missing, so the banner is up
    banner = desktop.locator("#calendar-banner")
    assert banner.is_visible() and "2027年节假日安排尚未导入" in banner.inner_text()
    desktop.click(f".day.provisional[data-date='{year}-01-01']")
    assert desktop.locator("#toggle-day").is_disabled() and desktop.locator("#day-locked").is_visible()
    shot(desktop, "admin-calendar-provisional")

    desktop.set_input_files("#upload", str(upload))  # previewed, then cancelled: nothing stored
    desktop.locator("#confirm").wait_for(state="visible")
    assert "将重算 0 个办理期限" in desktop.locator("#confirm-count").inner_text()
    desktop.click("#confirm-no")
    assert desktop.locator("#confirm").is_hidden()
    token = api_token(live_url, "admin", ADMIN_PASSWORD)
    assert _calendar_day(live_url, token, f"{year}-01-01")["provisional"] is True

    desktop.set_input_files("#upload", str(upload))
    desktop.locator("#confirm").wait_for(state="visible")
    desktop.click("#confirm-yes")
    desktop.wait_for_selector(f".day.holiday.noted[data-date='{year}-01-01']:not(.provisional)")
    assert desktop.locator(f".day.workday[data-date='{year}-01-02']").is_visible()
    assert desktop.locator("#provisional-year").is_hidden()
    assert "已重算 0 个办理期限" in desktop.locator("#status").inner_text()
    expected = sum(1 for row in rows[1:] if ",true," in row)
    assert f"全年工作日 {expected} 天" in desktop.locator("#workdays").inner_text()
    assert _calendar_day(live_url, token, f"{year}-01-01") == {
        "date": f"{year}-01-01", "is_workday": False, "note": "元旦", "provisional": False}


def _camera(base: str, token: str, folder: Path) -> dict:
    """Register a camera whose source is an image folder holding one synthetic frame."""
    import cv2
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    frame = np.full((360, 640, 3), 210, np.uint8)
    cv2.rectangle(frame, (220, 140), (420, 300), (80, 60, 40), -1)  # a desk
    assert cv2.imwrite(str(folder / "frame.jpg"), frame)
    r = requests.post(f"{base}/api/cameras", headers={"Authorization": f"Bearer {token}"}, timeout=30, json={
        "name": "一号窗口摄像头", "department": "zwfw", "source_kind": "folder", "source": str(folder),
        "zones": [{"name": "工位", "type": "seat", "polygon": [[.3, .3], [.7, .3], [.7, .7], [.3, .7]]}]})
    assert r.status_code == 201, r.text
    return r.json()


def test_admin_draws_a_zone_polygon_over_the_frame_and_saves_it(live_url: str, desktop, tmp_path) -> None:
    token = api_token(live_url, "admin", ADMIN_PASSWORD)
    camera = _camera(live_url, token, tmp_path / "camera")
    # The page shows the frame the video worker stored (the web never opens a source): wait for it.
    deadline = time.monotonic() + 40
    while requests.get(f"{live_url}/api/cameras/{camera['id']}/frame", timeout=10,
                       headers={"Authorization": f"Bearer {token}"}).status_code != 200:
        assert time.monotonic() < deadline, "the video worker stored no frame"
        time.sleep(0.5)
    _admin(desktop, live_url)
    desktop.goto(f"{live_url}/admin/cameras?camera={camera['id']}")
    desktop.wait_for_selector("body[data-frame=loaded]")
    assert desktop.locator("#zones-svg polygon[data-zone='工位']").count() == 1

    desktop.fill("#zone-form input[name=zone_name]", "等候座椅1")
    desktop.select_option("#zone-form select[name=zone_type]", "chair")
    svg = desktop.locator("#zones-svg")
    box = svg.bounding_box()
    corners = [(0.05, 0.75), (0.25, 0.75), (0.25, 0.95), (0.05, 0.95)]
    for x, y in corners:
        svg.click(position={"x": box["width"] * x, "y": box["height"] * y})
    desktop.click("#finish-zone")
    assert desktop.locator("#zones-svg polygon[data-zone='等候座椅1']").count() == 1
    desktop.click("#save-zones")
    desktop.wait_for_selector("#status.ok")

    r = requests.get(f"{live_url}/api/cameras/{camera['id']}", headers={"Authorization": f"Bearer {token}"},
                     timeout=30)
    zones = {z["name"]: z for z in r.json()["config"]["zones"]}
    assert set(zones) == {"工位", "等候座椅1"} and zones["等候座椅1"]["type"] == "chair"
    saved = zones["等候座椅1"]["polygon"]
    assert len(saved) == 4
    for (x, y), (sx, sy) in zip(corners, saved, strict=True):
        assert abs(sx - x) < 0.02 and abs(sy - y) < 0.02

    desktop.click("#reference")  # the empty-seat reference, from the camera's current frame
    desktop.wait_for_function("() => document.getElementById('reference-info').textContent.includes('采集于')")
    # Once the video worker has watched the camera with its reference, the page says per zone how far
    # that reference is trusted.
    deadline = time.monotonic() + 60
    while not requests.get(f"{live_url}/api/cameras/{camera['id']}", timeout=10,
                           headers={"Authorization": f"Bearer {token}"}).json()["reference_zones"]:
        assert time.monotonic() < deadline, "the video worker never reported the zones' references"
        time.sleep(0.5)
    desktop.goto(f"{live_url}/admin/cameras?camera={camera['id']}")
    desktop.wait_for_selector("#reference-zones tr[data-zone='等候座椅1']")
    assert "采集画面，待空座时确认" in desktop.locator("#reference-zones tr[data-zone='工位']").inner_text()
    shot(desktop, "admin-cameras")
    # retire it from the page (the shared server's video worker need not watch a folder this test deletes)
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.click(f"#cameras tr[data-camera-id='{camera['id']}'] button[name=retire]")
    desktop.locator(f"#cameras tr[data-camera-id='{camera['id']}']", has_text="已停用").wait_for()
    r = requests.get(f"{live_url}/api/cameras/{camera['id']}", headers={"Authorization": f"Bearer {token}"},
                     timeout=30)
    assert r.json()["active"] is False


def _arrange_archived(live_url: str, live_database_url: str) -> str:
    """Complete a small application over the API, then archive it with `ow archive` run two years on."""
    def token(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token(live_url, user)}"}

    deployed = requests.post(f"{live_url}/api/definitions", data=parallel_review("archive_probe"), timeout=60,
                             headers={**token("designer"), "Content-Type": "application/xml"})
    assert deployed.status_code in (200, 201), deployed.text
    body = {"definition_key": "archive_probe", "project": {"name": "归档演示项目", "code": "ARC-2026-01",
                                                          "investment": 1},
            "applicant": {"name": "归档演示单位", "contact": "13800000000"}}
    created = requests.post(f"{live_url}/api/instances", json=body, headers=token("window1"), timeout=60)
    assert created.status_code == 201, created.text
    instance = created.json()
    for user in ("sthj_reviewer", "sw_reviewer", "fgw_lead"):
        headers = token(user)
        tasks = requests.get(f"{live_url}/api/tasks", headers=headers, timeout=30).json()["items"]
        [task] = [t for t in tasks if t["instance_id"] == instance["id"]]
        assert requests.post(f"{live_url}/api/tasks/{task['id']}/claim", headers=headers, timeout=30).ok
        done = requests.post(f"{live_url}/api/tasks/{task['id']}/complete", headers=headers, timeout=30,
                             json={"decision": "approve", "opinion": "同意", "data": {}})
        assert done.ok, done.text
    workdir = Path(live_database_url.removeprefix("sqlite:///")).parent
    env = {**os.environ, "ONEWINDOW_DATABASE_URL": live_database_url,
           "ONEWINDOW_INSTANCE_PATH": str(workdir / "instance"), "ONEWINDOW_SECRET_KEY": SECRET,
           "ONEWINDOW_CLOCK_START": "2028-12-07T10:00:00+08:00", "ONEWINDOW_RETENTION_YEARS": "100",
           "ONEWINDOW_RETENTION_BY_ITEM": json.dumps({"archive_probe": 1})}
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "ow", "archive"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "已归档 1 件" in run.stdout, run.stdout + run.stderr
    return instance["query_code"]


def test_the_administrator_reads_an_archived_application(live_url: str, live_database_url: str, desktop) -> None:
    code = _arrange_archived(live_url, live_database_url)
    _admin(desktop, live_url)
    desktop.click("nav.tabs >> text=归档查询")
    desktop.fill("#archive-search input[name=code]", "ARC-2026-01")
    desktop.click("#archive-search button[type=submit]")
    desktop.wait_for_selector(f"#archive-results tr[data-code='{code}']")
    desktop.click(f"#archive-results button[data-code='{code}']")
    desktop.wait_for_selector("#archive-detail:not([hidden]) tr[data-task=decide]")
    text = desktop.locator("#archive-detail").inner_text()
    assert "归档演示项目" in text and "归档演示单位" in text and "与归档时登记的摘要一致" in text
    assert "受理登记" in text and "办结" in text  # the history in words
    shot(desktop, "admin-archive")
    desktop.fill("#archive-search input[name=code]", "NOPE-0000")
    desktop.click("#archive-search button[type=submit]")
    desktop.wait_for_selector("#status:not([hidden])")
    assert "没有与“NOPE-0000”对应的归档办件" in desktop.locator("#status").inner_text()
