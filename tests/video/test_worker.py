"""The video worker against a real database: events become alerts with hashed snapshots, the schedule,
camera offline, crash recovery, retention, and an off-post alert explained, decided and recorded.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from api.video_cli import video_worker
from api.wiring import db
from engine.workdays import SHANGHAI, FixedClock
from monitor.commands.video_events import ApplyEventChangeCommand
from monitor.models import VideoEvent
from monitor.video.references import CONFIRM_S
from monitor.video.rules import EventChange, Lifecycle
from monitor.video.worker import VIDEO_ACTOR
from tests.conftest import START, Api

from . import scenes
from .helpers import alerts, register, replay, video_dir


def seconds_after(instant: str, origin: datetime) -> float:
    return (datetime.fromisoformat(instant) - origin).total_seconds()


def test_events_become_alerts_with_a_hashed_snapshot(app: Flask, api: Api, clips: dict) -> None:
    camera_id = register(api, clips["main"])
    replay(app)
    found = alerts(api)
    assert [a["kind"] for a in found] == ["crowding", "off_post", "asleep"]
    off = found[1]
    assert off["department"] == "zwfw" and off["instance_id"] is None and off["level"] == "red"
    assert off["subject"] == f"camera:{camera_id}" and off["state"] == "open"
    leave_plus_n = scenes.MAIN_LEAVE + scenes.RULES.off_post_s
    assert abs(seconds_after(off["opened_at"], START) - leave_plus_n) <= 2
    assert abs(seconds_after(off["details"]["ended_at"], START) - scenes.MAIN_RETURN) <= 2
    assert off["details"]["zone"] == "窗口工位" and off["details"]["duration_s"] == pytest.approx(40, abs=2)

    evidence = off["evidence"]
    snapshot = Path(app.extensions["onewindow"].settings.video_dir) / evidence["snapshot"]
    data = snapshot.read_bytes()
    assert hashlib.sha256(data).hexdigest() == evidence["sha256"]
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == (scenes.MAIN.height, scenes.MAIN.width)
    red = (image[:, :, 2] > 200) & (image[:, :, 1] < 80) & (image[:, :, 0] < 80)
    assert red.sum() > 50  # the seat zone is outlined in red

    events = api.get(f"/api/cameras/{camera_id}/events", "jiancha").get_json()["items"]
    off_event = next(e for e in events if e["kind"] == "off_post")
    assert off_event["state"] == "ended" and off_event["alert_id"] == off["id"]
    assert evidence["url"] == off_event["snapshot_url"]
    served = api.get(off_event["snapshot_url"], "window1")  # the department sees its own evidence
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and served.data == data
    assert api.get(off_event["snapshot_url"], "sthj_reviewer").status_code == 404
    crowd = found[0]
    assert crowd["level"] == "yellow" and crowd["details"]["peak"] == 3


def test_an_off_post_alert_is_explained_decided_and_recorded(app: Flask, api: Api, clips: dict) -> None:
    register(api, clips["main"])
    replay(app)
    off = next(a for a in alerts(api) if a["kind"] == "off_post")
    assert api.post(f"/api/supervision/alerts/{off['id']}/explanation", "sthj_reviewer",
                    json={"explanation": "x"}).status_code in (403, 404)
    explained = api.post(f"/api/supervision/alerts/{off['id']}/explanation", "window1",
                         json={"explanation": "临时去档案室取件"})
    assert explained.status_code == 200 and explained.get_json()["state"] == "explained"
    record = api.post("/api/supervision/accountability", "jiancha", json={
        "person": "王五", "department": "zwfw", "rung": 1, "reason": "离岗40秒，未按规定报备",
        "links": {"alerts": [off["id"]]}})
    assert record.status_code == 201, record.get_json()
    decided = api.get(f"/api/supervision/alerts/{off['id']}", "jiancha").get_json()
    assert decided["state"] == "decided" and decided["decision"] == "accountability"
    assert record.get_json()["links"]["alerts"] == [off["id"]]


@pytest.mark.parametrize(("local_start", "expected"), [
    (datetime(2026, 9, 18, 10, 0), 1),      # a working Friday morning
    (datetime(2026, 9, 18, 11, 59, 40), 0),  # the absence runs into the lunch break
    (datetime(2026, 10, 1, 10, 0), 0),      # National Day
])
def test_the_schedule_keeps_lunch_and_holidays_quiet(app: Flask, api: Api, clips: dict, clock: FixedClock,
                                                     local_start: datetime, expected: int) -> None:
    clock.set(local_start.replace(tzinfo=SHANGHAI).astimezone(UTC))
    register(api, clips["away"])
    replay(app)
    assert len([a for a in alerts(api) if a["kind"] == "off_post"]) == expected


def test_a_camera_that_stops_answering_raises_camera_offline(app: Flask, api: Api, clips: dict,
                                                            clock: FixedClock) -> None:
    folder = video_dir(app) / "uploads"
    folder.mkdir(parents=True)
    camera_id = register(api, clips["main"], name="hall", source=str(folder), source_kind="folder",
                         offline_after_s=5)
    with app.app_context():
        worker = video_worker(app)  # it keeps its own sessions; the API calls below use the request's
    worker.start()
    cv2.imwrite(str(folder / "0001.jpg"), cv2.imread(str(clips["main"]["reference"])))
    assert worker.step() == 1
    clock.advance(timedelta(seconds=3))
    assert worker.step() == 0 and alerts(api) == []  # no new picture yet, not long enough
    clock.advance(timedelta(seconds=3))
    worker.step()
    offline = alerts(api)
    assert [(a["kind"], a["state"], a["department"]) for a in offline] == [("camera_offline", "open", "zwfw")]
    assert api.get(f"/api/cameras/{camera_id}", "jiancha").get_json()["status"] == "offline"
    cv2.imwrite(str(folder / "0002.jpg"), cv2.imread(str(clips["main"]["reference"])))
    clock.advance(timedelta(seconds=1))
    assert worker.step() == 1
    worker.close()
    assert alerts(api)[0]["state"] == "closed"  # back online: the unhandled offline alert settles itself
    assert api.get(f"/api/cameras/{camera_id}", "jiancha").get_json()["status"] == "online"


def test_events_left_open_by_a_crash_are_closed_at_start_up(app: Flask, api: Api, clips: dict) -> None:
    camera_id = register(api, clips["main"])
    with app.app_context():
        executor = app.extensions["onewindow"].executor
        since = START - timedelta(minutes=12)
        start = EventChange(Lifecycle.START, "off_post", "seat", since, START - timedelta(minutes=2), START)
        executor.execute(ApplyEventChangeCommand(camera_id, start), VIDEO_ACTOR)
        worker = video_worker(app, live_files=False)
        assert len(worker.start()) == 1
        worker.close()
        event = db.session.scalar(select(VideoEvent).where(VideoEvent.camera_id == camera_id))
        assert event is not None and event.state == "interrupted" and event.ended_at == START
    alert = alerts(api)[0]
    assert alert["details"]["state"] == "interrupted" and alert["state"] == "open"


def test_snapshots_past_retention_go_unless_their_alert_is_unsettled(app: Flask, api: Api, clips: dict) -> None:
    register(api, clips["main"])
    worker = replay(app)
    root = worker.store.root
    kept = sorted(p.relative_to(root).as_posix() for p in (root / "snapshots").rglob("*.jpg"))
    assert len(kept) == 3
    orphan = worker.store.write_snapshot(99, "off_post", "seat", START, np.zeros((8, 8, 3), np.uint8))
    with app.app_context():
        assert worker.prune(START + timedelta(days=worker.retention_days - 1)) == 0
        assert worker.prune(START + timedelta(days=worker.retention_days + 1)) == 1
    assert not (root / orphan.path).exists()
    assert all((root / k).exists() for k in kept)


def test_the_worker_rebuilds_a_camera_whose_configuration_changed(app: Flask, api: Api, clips: dict) -> None:
    camera_id = register(api, clips["main"])
    with app.app_context():
        worker = video_worker(app, live_files=False)
    worker.start()
    assert worker.runners[camera_id].config.rules.off_post_s == scenes.RULES.off_post_s
    config = api.get(f"/api/cameras/{camera_id}", "admin").get_json()["config"]
    config["rules"]["off_post_s"] = 45
    assert api.call("PUT", f"/api/cameras/{camera_id}", "admin", json=config).status_code == 200
    worker.reload()
    assert worker.runners[camera_id].config.rules.off_post_s == 45
    assert api.call("DELETE", f"/api/cameras/{camera_id}", "admin").status_code == 200
    worker.reload()
    assert camera_id not in worker.runners
    worker.close()
    assert api.get(f"/api/cameras/{camera_id}", "admin").get_json()["active"] is False


def test_a_knocked_camera_raises_camera_moved_and_nothing_else(app: Flask, api: Api, clips: dict) -> None:
    camera_id = register(api, clips["knocked"])
    replay(app)
    found = alerts(api)
    assert [a["kind"] for a in found] == ["camera_moved"]
    moved = found[0]
    assert moved["level"] == "yellow" and moved["title"].startswith("摄像头移位")
    assert moved["details"]["zone"] == "整个画面" and moved["subject"] == f"camera:{camera_id}"
    assert abs(seconds_after(moved["opened_at"], START) - 50) <= 2  # knocked at 40, trusted no more for 10 s
    assert abs(seconds_after(moved["details"]["ended_at"], START) - 80) <= 2  # set right at 80
    assert moved["evidence"]["snapshot"]  # the askew view, zones drawn where they no longer fit


def test_the_camera_page_learns_which_zone_references_were_renewed(app: Flask, api: Api, clips: dict) -> None:
    camera_id = register(api, clips["reference_with_people"])
    fresh = api.get(f"/api/cameras/{camera_id}", "admin").get_json()
    assert fresh["reference_zones"] == []  # the worker has not watched it yet
    replay(app)
    zones = {z["zone"]: z for z in api.get(f"/api/cameras/{camera_id}", "admin").get_json()["reference_zones"]}
    assert {zones[f"等候座椅{i}"]["state"] for i in (2, 4)} == {"renewed"}  # taken in the picture, empty at first
    assert zones["等候座椅2"]["since"].endswith("+08:00")
    # The clerk's seat matched the picture while she was away (15-60 s): confirmed 30 s into that.
    assert zones["窗口工位"]["state"] == "confirmed"
    assert abs(seconds_after(zones["窗口工位"]["since"], START) - (15 + CONFIRM_S)) <= 3
    # A new picture starts untried again.
    again = api.post(f"/api/cameras/{camera_id}/reference", "admin",
                     data=clips["reference_with_people"]["reference"].read_bytes(), content_type="image/png")
    assert again.status_code == 200 and again.get_json()["reference_zones"] == []
    # What the worker wrote is read defensively: a damaged file is no reason for a 500.
    status_file = video_dir(app) / "cameras" / str(camera_id) / "reference-status.json"
    status_file.write_text('[{"zone": "x", "state": "renewed", "since": "yesterday"}, {"state": "odd"}, 3]')
    body = api.get(f"/api/cameras/{camera_id}", "admin").get_json()
    assert body["reference_zones"] == [{"zone": "x", "state": "renewed", "since": None}]
