"""The editable working-day calendar: official seed, admin API (JSON and CSV years, day toggles), cache."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import chinese_calendar
import pytest
from flask import Flask
from sqlalchemy import func, select

from api.cli import seed_calendar
from api.wiring import db
from engine.calendar_store import (
    OFFICIAL_YEARS,
    DatabaseCalendar,
    days_of_year,
    seed_from_official,
    years_loaded,
)
from engine.database import writer_sessionmaker
from engine.models import CalendarDay
from engine.workdays import CalendarUnknownDayError, FixedClock, nth_workday_after
from tests.conftest import Api

URL = "/api/admin/calendar"
NEW_YEARS_DAY_2027 = date(2027, 1, 1)
# Monday 2026-12-28 10:00 in Shanghai: five working days later is already in 2027.
LATE_DECEMBER = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)


def year_2027_json() -> dict[str, Any]:
    """A plausible 2027: weekends and New Year's Day off (the real one is published in late 2026)."""
    days = []
    for day in days_of_year(2027):
        holiday = day == NEW_YEARS_DAY_2027
        days.append({"date": day.isoformat(), "is_workday": day.weekday() < 5 and not holiday,
                     "note": "元旦" if holiday else None})
    return {"days": days}


def year_2027_csv(skip_line: int | None = None, extra: str = "") -> str:
    """The same year as CSV, with a BOM as spreadsheet programs write it and every spelling of the flag."""
    words = {True: ("是", "1", "true", "TRUE"), False: ("否", "0", "false")}
    lines = ["\ufeffdate,is_workday,note"]
    for i, item in enumerate(year_2027_json()["days"]):
        flag = words[item["is_workday"]][i % len(words[item["is_workday"]])]
        note = '"元旦, 放假"' if item["note"] else ""
        lines.append(f"{item['date']},{flag},{note}")
    if skip_line is not None:
        del lines[skip_line - 1]
    return "\n".join(lines) + "\n" + extra


def put_json(api: Api, year: int, body: Any, user: str = "admin") -> Any:
    return api.call("PUT", f"{URL}/{year}", user, json=body)


def put_csv(api: Api, year: int, text: str, user: str = "admin") -> Any:
    return api.call("PUT", f"{URL}/{year}", user, data=text.encode("utf-8"), content_type="text/csv")


def runtime(app: Flask) -> Any:
    return app.extensions["onewindow"].runtime


def problems_of(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]["details"]["problems"]


def test_get_2026_shows_national_day_off_and_the_adjusted_saturday_on(api: Api) -> None:
    r = api.get(f"{URL}/2026", "window1")  # any staff member may read the calendar
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["year"] == 2026 and body["centre"] == "default" and len(body["days"]) == 365
    by_date = {d["date"]: d for d in body["days"]}
    assert by_date["2026-10-01"] == {"date": "2026-10-01", "is_workday": False, "note": "国庆节", "provisional": False}
    assert by_date["2026-10-10"]["is_workday"] is True and "调休上班" in by_date["2026-10-10"]["note"]
    assert by_date["2026-10-14"] == {"date": "2026-10-14", "is_workday": True, "note": None, "provisional": False}
    assert body["workdays"] == sum(chinese_calendar.is_workday(d) for d in days_of_year(2026))
    assert body["provisional"] is False
    # 2027 has no official notice yet: weekends and statutory holidays only, each day marked 暂定.
    later = api.get(f"{URL}/2027", "window1").get_json()
    assert later["provisional"] is True and all(d["provisional"] for d in later["days"])
    by_date = {d["date"]: d for d in later["days"]}
    assert by_date["2027-01-01"] == {"date": "2027-01-01", "is_workday": False, "note": "元旦（暂定）",
                                     "provisional": True}
    assert by_date["2027-02-05"]["note"] == "春节（暂定）" and not by_date["2027-02-08"]["is_workday"]
    assert by_date["2027-02-09"]["is_workday"] is True  # no adjusted days are guessed
    assert api.get(f"{URL}/1999", "window1").status_code == 404
    assert api.get(f"{URL}/2026").status_code == 401


def test_database_calendar_agrees_with_chinese_calendar_2004_to_2026(app: Flask) -> None:
    with app.app_context():
        calendar = DatabaseCalendar(db.engine)
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    while day <= last:
        assert calendar.is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    with pytest.raises(CalendarUnknownDayError) as caught:  # before the first loaded year: unknown
        calendar.is_workday(date(2003, 12, 31))
    assert caught.value.day == date(2003, 12, 31)
    assert calendar.is_workday(date(2027, 1, 1)) is False and calendar.is_provisional_year(2027)
    assert not calendar.is_provisional_year(2026) and not calendar.is_provisional_year(2003)
    with pytest.raises(TypeError):
        calendar.is_workday(datetime(2026, 1, 5, tzinfo=UTC))  # type: ignore[arg-type]
    # The reference case: the 20th working day after 2026-09-18 is 2026-10-22.
    assert nth_workday_after(calendar, date(2026, 9, 18), 20) == date(2026, 10, 22)


def test_seeding_is_idempotent_and_keeps_edited_years(app: Flask) -> None:
    with app.app_context():
        assert years_loaded(db.session) == list(OFFICIAL_YEARS)
        assert seed_calendar() == []
        db.session.rollback()
        count = db.session.scalar(select(func.count()).select_from(CalendarDay))
        assert count == (date(2027, 1, 1) - date(2004, 1, 1)).days
        assert years_loaded(db.session, "another-centre") == []
        assert seed_from_official(db.session, [2025, 2026], "another-centre") == [2025, 2026]
        assert seed_from_official(db.session, OFFICIAL_YEARS, "another-centre") == list(range(2004, 2025))
        with pytest.raises(CalendarUnknownDayError):
            seed_from_official(db.session, [2027], "third-centre")
        db.session.rollback()


def test_a_deadline_into_an_unloaded_year_uses_the_provisional_rule(app: Flask, clock: FixedClock) -> None:
    clock.set(LATE_DECEMBER)
    assert runtime(app).workdays(3) == "2026-12-31T17:30:00+08:00"
    # 2027-01-01 (元旦) and the weekend are off provisionally: the 4th working day is Monday the 4th.
    assert runtime(app).workdays(4) == "2027-01-04T17:30:00+08:00"


def test_put_2027_as_json_then_deadlines_cross_into_it(api: Api, app: Flask, clock: FixedClock) -> None:
    clock.set(LATE_DECEMBER)
    assert runtime(app).workdays(5) == "2027-01-05T17:30:00+08:00"  # provisional; loads the cache too

    r = put_json(api, 2027, year_2027_json())
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["year"] == 2027 and len(body["days"]) == 365 and body["workdays"] == 260
    assert body["days"][0] == {"date": "2027-01-01", "is_workday": False, "note": "元旦", "provisional": False}
    assert body["provisional"] is False and body["recomputed"] == {"dry_run": False, "count": 0, "deadlines": []}
    # 12-29, 12-30, 12-31, then 01-01 (holiday) and the weekend are skipped: 01-04, 01-05.
    assert runtime(app).workdays(5) == "2027-01-05T17:30:00+08:00"

    replacement = year_2027_json()
    replacement["days"][3]["is_workday"] = False  # 2027-01-04 off as well
    r = put_json(api, 2027, replacement)
    assert r.status_code == 200 and r.get_json()["workdays"] == 259
    assert runtime(app).workdays(5) == "2027-01-06T17:30:00+08:00"
    r.get_json().pop("recomputed")
    read = api.get(f"{URL}/2027", "fgw_reviewer").get_json()
    assert read == {k: v for k, v in r.get_json().items() if k != "recomputed"}


def test_put_2027_as_csv_then_deadlines_cross_into_it(api: Api, app: Flask, clock: FixedClock) -> None:
    clock.set(LATE_DECEMBER)
    r = put_csv(api, 2027, year_2027_csv())
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["days"][0] == {"date": "2027-01-01", "is_workday": False, "note": "元旦, 放假", "provisional": False}
    assert body["days"][1] == {"date": "2027-01-02", "is_workday": False, "note": None, "provisional": False}
    assert body["workdays"] == 260
    assert runtime(app).workdays(5) == "2027-01-05T17:30:00+08:00"
    assert runtime(app).workdays(250) == "2027-12-14T17:30:00+08:00"


BAD_JSON_UPLOADS = [
    # (description, body mutation, text the problem must contain, field it points at)
    ("malformed date", lambda days: days[5].update(date="2027-1-06"), "“2027-1-06”不是 YYYY-MM-DD 格式的日期",
     "days[5].date"),
    ("impossible date", lambda days: days[5].update(date="2027-02-30"), "“2027-02-30”不是 YYYY-MM-DD 格式的日期",
     "days[5].date"),
    ("date outside the year", lambda days: days.append({"date": "2028-01-01", "is_workday": True}),
     "2028-01-01 不在 2027 年内", "days[365].date"),
    ("duplicate date", lambda days: days.append({"date": "2027-03-01", "is_workday": True}),
     "2027-03-01 重复出现（首次出现于 days[59]）", "days[365].date"),
    ("missing dates", lambda days: days.__delitem__(slice(59, 90)),
     "缺少 31 天：2027-03-01至2027-03-31", "days"),
    ("no working days", lambda days: [d.update(is_workday=False) for d in days], "2027 年没有工作日",
     "days"),
]


def test_each_bad_json_upload_is_422_naming_the_problem_and_stores_nothing(api: Api) -> None:
    for description, mutate, message, field in BAD_JSON_UPLOADS:
        body = year_2027_json()
        mutate(body["days"])
        problems = problems_of(put_json(api, 2027, body))
        assert any(message in p["message"] and p.get("field") == field for p in problems), \
            (description, problems)
        assert api.get(f"{URL}/2027", "admin").get_json()["provisional"] is True, description  # nothing stored

    problems = problems_of(put_json(api, 2101, {"days": []}))
    assert problems == [{"message": "年份须在 2000 至 2100 之间，收到的是 2101", "field": "year"}]
    assert put_json(api, 2027, {"days": [{"date": "2027-01-01"}]}).status_code == 400  # schema
    assert put_json(api, 2027, {"days": "all of them"}).status_code == 400
    r = api.call("PUT", f"{URL}/2027", "admin", data=b"<days/>", content_type="application/xml")
    assert r.status_code == 415


def test_a_csv_headed_in_chinese_as_a_spreadsheet_would_be_is_read_the_same(api: Api) -> None:
    english = year_2027_csv()
    chinese = english.replace("date,is_workday,note", "日期,是否工作日,备注", 1)
    assert chinese != english
    r = put_csv(api, 2027, chinese)
    assert r.status_code == 201, r.get_json()
    by_date = {d["date"]: d for d in api.get(f"{URL}/2027", "admin").get_json()["days"]}
    assert by_date["2027-01-01"]["is_workday"] is False and by_date["2027-01-04"]["is_workday"] is True
    assert by_date["2027-01-01"]["note"] == "元旦, 放假"


def test_a_bad_csv_upload_reports_every_problem_with_its_line(api: Api) -> None:
    text = year_2027_csv(extra="2027-02-30,是,\n2027-03-01,也许,\n2028-01-01,1\n2027-03-02\n")
    problems = problems_of(put_csv(api, 2027, text))
    lines = {(p.get("line"), p["message"]) for p in problems}
    assert (367, "“2027-02-30”不是 YYYY-MM-DD 格式的日期") in lines
    assert (368, "2027-03-01 重复出现（首次出现于第 61 行）") in lines
    assert (368, "is_workday 须为 true/false/1/0/是/否，收到的是“也许”") in lines
    assert (369, "2028-01-01 不在 2027 年内") in lines
    assert (370, "应有 3 列（date,is_workday,note），实有 1 列") in lines
    assert api.get(f"{URL}/2027", "admin").get_json()["provisional"] is True

    problems = problems_of(put_csv(api, 2027, year_2027_csv(skip_line=40)))
    assert [p["message"] for p in problems] == ["上传的日历须包含 2027 年的每一天，缺少 1 天：2027-02-08"]
    problems = problems_of(put_csv(api, 2027, "day,workday\n2027-01-01,否\n"))
    assert problems == [{"message": "第一行须为表头 日期,是否工作日,备注（或 date,is_workday,note）", "line": 1}]
    assert api.get(f"{URL}/2027", "admin").get_json()["provisional"] is True
    assert api.call("PUT", f"{URL}/2027", "admin", data=b"\xff\xfe", content_type="text/csv").status_code == 400


def test_a_bad_replacement_keeps_the_previous_year(api: Api) -> None:
    assert put_json(api, 2027, year_2027_json()).status_code == 201
    before = api.get(f"{URL}/2027", "admin").get_json()
    bad = year_2027_json()
    bad["days"][0]["date"] = "2027-13-01"
    problems_of(put_json(api, 2027, bad))
    problems_of(put_csv(api, 2027, year_2027_csv(skip_line=2)))
    assert api.get(f"{URL}/2027", "admin").get_json() == before


def test_patch_toggles_one_day_and_the_next_deadline_sees_it_at_once(api: Api, app: Flask) -> None:
    # Default reload interval is 60 s: only the after-commit invalidation can make this immediate.
    assert runtime(app).workdays(20) == "2026-10-22T17:30:00+08:00"
    r = api.call("PATCH", f"{URL}/2026/days/2026-10-21", "admin", json={"is_workday": False, "note": "台风停工"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"date": "2026-10-21", "is_workday": False, "note": "台风停工", "provisional": False,
                            "recomputed": {"dry_run": False, "count": 0, "deadlines": []}}
    assert runtime(app).workdays(20) == "2026-10-23T17:30:00+08:00"

    # Leaving `note` out keeps it; the Saturday 调休 can be switched off and its note stays.
    r = api.call("PATCH", f"{URL}/2026/days/2026-10-10", "admin", json={"is_workday": False})
    assert r.get_json()["note"] == "调休上班（国庆节）" and r.get_json()["is_workday"] is False
    assert runtime(app).workdays(20) == "2026-10-26T17:30:00+08:00"
    r = api.call("PATCH", f"{URL}/2026/days/2026-10-21", "admin", json={"is_workday": True, "note": None})
    assert (r.get_json()["is_workday"], r.get_json()["note"]) == (True, None)
    assert runtime(app).workdays(20) == "2026-10-23T17:30:00+08:00"
    by_date = {d["date"]: d for d in api.get(f"{URL}/2026", "admin").get_json()["days"]}
    assert by_date["2026-10-21"]["is_workday"] is True and by_date["2026-10-10"]["is_workday"] is False

    assert api.call("PATCH", f"{URL}/2027/days/2027-01-04", "admin", json={"is_workday": False}).status_code == 404
    problems = problems_of(api.call("PATCH", f"{URL}/2026/days/2027-01-04", "admin", json={"is_workday": False}))
    assert problems == [{"message": "2027-01-04 不在 2026 年内", "field": "date"}]
    problems_of(api.call("PATCH", f"{URL}/2026/days/2026-1-4", "admin", json={"is_workday": False}))
    assert api.call("PATCH", f"{URL}/2026/days/2026-10-21", "admin", json={}).status_code == 400


def test_only_admins_change_the_calendar(api: Api) -> None:
    for user in ("window1", "jiancha", "designer", "fgw_lead"):
        assert put_json(api, 2027, year_2027_json(), user).status_code == 403
        assert put_csv(api, 2027, year_2027_csv(), user).status_code == 403
        r = api.call("PATCH", f"{URL}/2026/days/2026-10-21", user, json={"is_workday": False})
        assert r.status_code == 403
    assert put_json(api, 2027, year_2027_json(), None).status_code == 401
    assert api.get(f"{URL}/2027", "admin").get_json()["provisional"] is True
    assert api.get(f"{URL}/2026", "admin").get_json()["days"][293]["is_workday"] is True  # 2026-10-21


def test_status_warns_from_november_until_next_year_is_loaded(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 10, 31, 4, 0, tzinfo=UTC))
    status = api.get(f"{URL}/status", "admin").get_json()
    assert status["next_year"] == 2027 and status["next_year_official"] is False and status["warning"] is None
    clock.set(datetime(2026, 11, 1, 4, 0, tzinfo=UTC))
    status = api.get(f"{URL}/status", "admin").get_json()
    assert "2027年节假日安排尚未导入" in status["warning"] and 2026 in status["official_years"]
    assert put_json(api, 2027, year_2027_json()).status_code == 201
    status = api.get(f"{URL}/status", "admin").get_json()
    assert status["next_year_official"] is True and status["warning"] is None


class FakeMonotonic:
    """A monotonic clock the test moves, for the cache's reload interval."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(app: Flask) -> Iterator[Any]:
    with app.app_context():
        yield db.engine


def _set_day(engine: Any, day: date, is_workday: bool) -> None:
    """Change a row behind the cache's back, as another process would."""
    with writer_sessionmaker(engine)() as session:
        session.get(CalendarDay, ("default", day)).is_workday = is_workday
        session.commit()


def test_the_cache_sees_other_processes_edits_after_the_reload_interval(engine: Any) -> None:
    tick = FakeMonotonic()
    calendar = DatabaseCalendar(engine, reload_seconds=60, monotonic=tick)
    day = date(2026, 10, 21)
    assert calendar.is_workday(day) is True
    _set_day(engine, day, False)
    tick.now = 59.9
    assert calendar.is_workday(day) is True  # cached: no query per lookup
    tick.now = 60.0
    assert calendar.is_workday(day) is False
    _set_day(engine, day, True)
    calendar.invalidate()
    assert calendar.is_workday(day) is True
    calendar.handle_event("calendar.changed", {"centre": "elsewhere", "year": 2026})
    _set_day(engine, day, False)
    assert calendar.is_workday(day) is True  # another centre's change leaves this cache alone
    calendar.handle_event("calendar.changed", {"centre": "default", "year": 2026})
    assert calendar.is_workday(day) is False


def test_the_cache_reads_inside_a_write_transaction_and_from_many_threads(engine: Any) -> None:
    # Commands compute deadlines while holding SQLite's write lock; the calendar must not wait for it.
    factory = writer_sessionmaker(engine)
    calendar = DatabaseCalendar(factory, reload_seconds=0)
    with factory() as session:
        session.get(CalendarDay, ("default", date(2026, 1, 1))).note = "元旦"
        session.flush()
        assert calendar.is_workday(date(2026, 1, 5)) is True
        session.rollback()

    shared = DatabaseCalendar(engine)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            for _ in range(5):
                assert nth_workday_after(shared, date(2026, 9, 18), 20) == date(2026, 10, 22)
                shared.invalidate()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
