"""The camera registry API: strict validation naming the field, roles, the latest frame, references."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from tests.conftest import Api

from .helpers import first_frames, video_dir


def config_of(clips: dict, **changes: Any) -> dict[str, Any]:
    return {**json.loads(clips["main"]["camera"].read_text()), **changes}


def fields_of(response: Any) -> dict[str, Any]:
    return response.get_json()["error"]["details"].get("fields", {})


def test_unknown_keys_and_bad_polygons_are_refused_naming_the_field(api: Api, clips: dict) -> None:
    r = api.post("/api/cameras", "admin", json=config_of(clips, colour="red"))
    assert r.status_code == 400 and "colour" in fields_of(r)
    zones = [{"name": "seat", "type": "seat", "polygon": [[0.1, 0.1], [0.9, 0.9]]}]
    r = api.post("/api/cameras", "admin", json=config_of(clips, zones=zones))
    assert r.status_code == 400 and "polygon" in fields_of(r)["zones"]["0"]
    zones = [{"name": "seat", "type": "seat", "polygon": [[0, 0], [1, 1], [1, 0], [0, 1]]}]
    r = api.post("/api/cameras", "admin", json=config_of(clips, zones=zones))
    assert r.status_code == 400 and "交叉" in str(fields_of(r)["zones"]["0"]["polygon"])
    zones = [{"name": "seat", "type": "seat", "polygon": [[0, 0], [1, 0], [1, 1]], "extra": 1}]
    r = api.post("/api/cameras", "admin", json=config_of(clips, zones=zones))
    assert r.status_code == 400 and "extra" in fields_of(r)["zones"]["0"]
    r = api.post("/api/cameras", "admin", json=config_of(clips, rules={"off_post_s": -1}))
    assert r.status_code == 400 and "off_post_s" in fields_of(r)["rules"]
    r = api.post("/api/cameras", "admin", json=config_of(clips, sample_rate="fast"))
    assert r.status_code == 400 and "sample_rate" in fields_of(r)


def test_the_department_must_exist_and_names_are_unique(api: Api, clips: dict) -> None:
    r = api.post("/api/cameras", "admin", json=config_of(clips, department="nowhere"))
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["problems"][0]["field"] == "department"
    assert api.post("/api/cameras", "admin", json=config_of(clips)).status_code == 201
    r = api.post("/api/cameras", "admin", json=config_of(clips, name="MAIN"))
    assert r.status_code == 422 and r.get_json()["error"]["details"]["problems"][0]["field"] == "name"


def test_only_an_administrator_changes_cameras_and_supervision_reads_them(api: Api, clips: dict) -> None:
    assert api.post("/api/cameras", "jiancha", json=config_of(clips)).status_code == 403
    assert api.post("/api/cameras", json=config_of(clips)).status_code == 401
    created = api.post("/api/cameras", "admin", json=config_of(clips)).get_json()
    assert created["config"]["rules"]["off_post_s"] == 20 and created["status"] == "unknown"
    assert api.get("/api/cameras", "jiancha").get_json()["items"][0]["id"] == created["id"]
    assert api.get("/api/cameras", "window1").status_code == 403
    assert api.get("/api/cameras/999999", "admin").status_code == 404
    assert api.call("PUT", "/api/cameras/999999", "admin", json=config_of(clips)).status_code == 404
    assert api.post(f"/api/cameras/{created['id']}/reference", "jiancha").status_code == 403


def test_the_latest_frame_and_a_reference_from_it_or_from_an_upload(app: Any, api: Api, clips: dict) -> None:
    camera = api.post("/api/cameras", "admin", json=config_of(clips)).get_json()
    none_yet = api.get(f"/api/cameras/{camera['id']}/frame", "admin")  # the web process never opens the clip
    assert none_yet.status_code == 404 and "video worker" in none_yet.get_json()["error"]["message"]
    assert api.post(f"/api/cameras/{camera['id']}/reference", "admin").status_code == 404
    first_frames(app)  # the worker stores the clip's first frame
    frame = api.get(f"/api/cameras/{camera['id']}/frame", "admin")
    assert frame.status_code == 200 and frame.mimetype == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(frame.data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == (240, 320)
    taken = api.post(f"/api/cameras/{camera['id']}/reference", "admin")
    assert taken.status_code == 200 and len(taken.get_json()["reference_sha256"]) == 64
    uploaded = api.post(f"/api/cameras/{camera['id']}/reference", "admin",
                        data=clips["main"]["reference"].read_bytes(), content_type="image/png")
    assert uploaded.get_json()["reference_sha256"] != taken.get_json()["reference_sha256"]
    bad = api.post(f"/api/cameras/{camera['id']}/reference", "admin", data=b"not a picture",
                   content_type="image/jpeg")
    assert bad.status_code == 422 and bad.get_json()["error"]["details"]["problems"][0]["field"] == "body"
    wrong_type = api.post(f"/api/cameras/{camera['id']}/reference", "admin", data=b"x", content_type="text/plain")
    assert wrong_type.status_code == 415
    empty = video_dir(app) / "empty"
    empty.mkdir(parents=True)
    silent = api.post("/api/cameras", "admin", json=config_of(clips, name="silent", source=str(empty),
                                                               source_kind="folder")).get_json()
    first_frames(app)
    assert api.get(f"/api/cameras/{silent['id']}/frame", "admin").status_code == 404
    assert api.post(f"/api/cameras/{silent['id']}/reference", "admin").status_code == 404


def test_a_reference_from_a_folder_is_the_median_of_its_pictures(app: Any, api: Api, clips: dict,
                                                               tmp_path: Path) -> None:
    camera = api.post("/api/cameras", "admin", json=config_of(clips)).get_json()
    folder = tmp_path / "empty-seat"
    folder.mkdir()
    base = cv2.imread(str(clips["main"]["reference"]))
    for i, shade in enumerate((0, 0, 90)):  # one picture with someone passing: the median ignores it
        picture = base.copy()
        picture[10:60, 10:60] = shade or picture[10:60, 10:60]
        cv2.imwrite(str(folder / f"{i}.png"), picture)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["monitor", "reference", str(camera["id"]), str(folder)])
    assert result.exit_code == 0, result.output
    stored = api.get(f"/api/cameras/{camera['id']}", "admin").get_json()
    assert stored["reference_sha256"][:12] in result.output
    reference = cv2.imread(str(app.extensions["onewindow"].settings.video_dir / "cameras" / str(camera["id"])
                               / "reference.png"))
    assert np.array_equal(reference, base)
    missing = runner.invoke(args=["monitor", "reference", "999999", str(folder)])
    assert missing.exit_code != 0 and "摄像头 999999 不存在" in missing.output
