"""Pure parts of the pipeline: rule lifecycles and cooldown, what is worth storing, occupancy hysteresis,
working hours with lunch and holidays, and the strict camera schema.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from marshmallow import ValidationError

from engine.workdays import SHANGHAI, ChineseOfficialCalendar
from monitor.video.analysis import ZoneReading
from monitor.video.config import ScheduleConfig, Zone, default_days, load_camera_config
from monitor.video.rules import ConditionRule, Lifecycle, worth_persisting
from monitor.video.schedule import WorkingHours
from monitor.video.signals import OccupancyTracker

T0 = datetime(2026, 9, 18, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(rule: ConditionRule, holding: list[bool], working: bool = True) -> list[tuple[str, float, float | None]]:
    """Feed one sample per second; the condition's since is the start of each holding run."""
    out, since = [], None
    for t, held in enumerate(holding):
        since = (since if since is not None else at(t)) if held else None
        change = rule.step(at(t), held, since, working, at(0), ended_at=at(t))
        if change is not None:
            ended = None if change.ended_at is None else (change.ended_at - T0).total_seconds()
            out.append((change.lifecycle.value, (change.started_at - T0).total_seconds(), ended))
    return out


def test_an_event_starts_after_the_hold_time_and_ends_when_the_condition_stops() -> None:
    rule = ConditionRule("off_post", "seat", hold_s=5, cooldown_s=0)
    assert run(rule, [False] + [True] * 8 + [False]) == [("start", 6.0, None), ("end", 6.0, 9.0)]
    assert run(ConditionRule("off_post", "seat", 5, 0), [True] * 4 + [False] + [True] * 4) == []


def test_the_cooldown_holds_back_the_same_rule_after_an_event() -> None:
    pattern = [True] * 7 + [False] + [True] * 7 + [False] * 12 + [True] * 7
    assert [c[0] for c in run(ConditionRule("asleep", "seat", 5, cooldown_s=0), pattern)] == \
        ["start", "end", "start", "end", "start"]
    # With a 10 s cooldown the second run (seconds 8–14) falls in the quiet time after the end at 7.
    assert [c[:2] for c in run(ConditionRule("asleep", "seat", 5, cooldown_s=10), pattern)] == \
        [("start", 5.0), ("end", 5.0), ("start", 32.0)]


def test_time_outside_working_hours_does_not_count() -> None:
    rule = ConditionRule("off_post", "seat", hold_s=5, cooldown_s=0)
    assert run(rule, [True] * 20, working=False) == []
    # Working resumes at 100 with the seat empty since 0: the clock starts again at 100.
    assert rule.step(at(102), True, at(0), True, at(100)) is None
    change = rule.step(at(105), True, at(0), True, at(100))
    assert change is not None and change.condition_since == at(100)


def test_an_update_is_stored_when_the_peak_rises_or_a_minute_passed() -> None:
    rule = ConditionRule("crowding", "hall", hold_s=1, cooldown_s=0)
    start = rule.step(at(0), True, at(-5), True, None, value=15)
    assert start is not None and worth_persisting(start, None)
    up = rule.step(at(1), True, at(-5), True, None, value=16)
    assert up is not None and up.lifecycle is Lifecycle.UPDATE and worth_persisting(up, start)
    down = rule.step(at(2), True, at(-5), True, None, value=15)
    assert down is not None and not worth_persisting(down, up)
    later = rule.step(at(70), True, at(-5), True, None, value=16)
    assert later is not None and later.peak == 16 and worth_persisting(later, up)
    end = rule.step(at(71), False, None, True, None, ended_at=at(71))
    assert end is not None and end.lifecycle is Lifecycle.END and worth_persisting(end, later)


def test_occupancy_needs_both_thresholds_and_the_minimum_duration_and_dates_flips_back() -> None:
    zone = Zone("seat", "seat", ((0, 0), (1, 0), (1, 1)), occupied_on=0.2, occupied_off=0.1, min_duration_s=3)
    tracker = OccupancyTracker(zone)
    readings = [0.5, 0.5, 0.05, 0.5, 0.15, 0.15, 0.05, 0.05, 0.05, 0.05, 0.3, 0.3]
    states = [tracker.update(ZoneReading("seat", d, None), at(i)) for i, d in enumerate(readings)]
    assert [s.occupied for s in states] == [True] * 9 + [False, False, False]
    assert states[9].since == at(6)  # the leave is dated to the first empty frame, not its confirmation
    # Between the thresholds (0.15) nothing flips: hysteresis.


def test_working_hours_exclude_lunch_weekends_and_holidays_and_follow_adjusted_weekends() -> None:
    hours = WorkingHours(ScheduleConfig(days=default_days()), ChineseOfficialCalendar())
    def local(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
        return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)

    assert hours.is_working(local(2026, 9, 18, 10, 0))
    assert not hours.is_working(local(2026, 9, 18, 12, 30))  # lunch
    assert not hours.is_working(local(2026, 9, 18, 8, 0))  # before opening
    assert not hours.is_working(local(2026, 9, 19, 10, 0))  # Saturday
    assert not hours.is_working(local(2026, 10, 1, 10, 0))  # National Day
    adjusted = next(d for d in (date(2026, 9, 20) + timedelta(days=i) for i in range(30))
                    if d.weekday() >= 5 and ChineseOfficialCalendar().is_workday(d))
    assert hours.is_working(local(adjusted.year, adjusted.month, adjusted.day, 10, 0))  # 调休 working weekend
    always = WorkingHours(ScheduleConfig(days=default_days(), always=True), None)
    assert always.is_working(local(2026, 10, 1, 3, 0))


BASE = {"name": "1号窗", "department": "zwfw", "source": "/tmp/x.avi", "source_kind": "file",
        "zones": [{"name": "seat", "type": "seat", "polygon": [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]}]}


@pytest.mark.parametrize(("change", "field"), [
    ({"colour": "red"}, "colour"),
    ({"zones": [{"name": "seat", "type": "sofa", "polygon": [[0, 0], [1, 0], [1, 1]]}]}, "zones"),
    ({"zones": [{"name": "seat", "type": "seat", "polygon": [[0, 0], [1, 0]]}]}, "zones"),
    ({"zones": [{"name": "seat", "type": "seat", "polygon": [[0, 0], [1.5, 0], [1, 1]]}]}, "zones"),
    ({"zones": [{"name": "seat", "type": "seat", "polygon": [[0, 0], [1, 1], [1, 0], [0, 1]]}]}, "zones"),
    ({"rules": {"crowding_count": 0}}, "rules"),
    ({"schedule": {"days": {"mon": {"open": "18:00", "close": "09:00"}}}}, "schedule"),
    ({"sample_rate": 100}, "sample_rate"),
    ({"source_kind": "snapshot"}, "source"),
    ({"source_kind": "stream", "source": "ftp://cam/1"}, "source"),
    ({"source": "rtsp://10.0.0.5/main"}, "source"),
])
def test_the_camera_schema_refuses_unknown_keys_and_bad_values(change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        load_camera_config({**BASE, **change})
    assert field in info.value.messages


def test_the_camera_schema_fills_the_domain_defaults() -> None:
    config = load_camera_config(BASE)
    assert (config.rules.off_post_s, config.rules.asleep_s, config.rules.crowding_count,
            config.rules.crowding_s) == (600, 900, 15, 120)
    assert config.schedule.days["mon"] is not None and config.schedule.days["sun"] is None
