"""Camera sources cannot read arbitrary local files or make the server call internal addresses.

Regression tests of the attacks an administrator account could make: a file source naming /etc/…, a text
file renamed .mp4, snapshot URLs on loopback, link-local (cloud metadata) and other internal addresses,
host names resolving to them, a camera that drips bytes to hold a worker (it used to make GET /frame answer
500 after 30 s), redirects, and GET /frame fetching the source inside the web request.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from flask import Flask

import monitor.video.sources as sources
from api.wiring import db
from engine.workdays import FixedClock, SystemClock
from monitor.video.capture import FolderSource, MjpegSource, RefusedSource, open_source
from monitor.video.config import load_camera_config
from monitor.video.fetch import FetchError, MjpegStream, fetch_snapshot
from monitor.video.sources import SourcePolicy, SourceRefused, sniff
from tests.conftest import Api, make_app

from .helpers import LocalCamera, jpeg, send_jpeg, video_dir

CJK = re.compile(r"[\u4e00-\u9fff]")


def config_of(clips: dict, **changes: Any) -> dict[str, Any]:
    return {**json.loads(clips["main"]["camera"].read_text()), **changes}


def refused_source(response: Any) -> str:
    """Assert a 422 naming `source` with a Chinese message; return the message."""
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    problems = error["details"]["problems"]
    assert [p["field"] for p in problems] == ["source"], problems
    message = problems[0]["message"]
    assert CJK.search(message) and "source" in message and CJK.search(error["message"]), error
    return message


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Replace the resolver: names resolve as the test says, and nothing goes to the network."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError(f"unknown host {host}")
        return answers[host]

    monkeypatch.setattr(sources, "resolve_host", resolve)
    return answers


@pytest.fixture
def loopback_app(database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Flask]:
    """An app whose settings allow cameras on this machine (to serve a camera from the test)."""
    application = make_app(database_url, tmp_path / "instance", clock, ONEWINDOW_CAMERA_NETWORKS="127.0.0.1/32",
                           ONEWINDOW_VIDEO_FETCH_TIMEOUT_SECONDS="1")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# -- files and folders --------------------------------------------------------------------------------


def test_files_outside_the_allowed_folders_are_refused(app: Flask, api: Api, clips: dict, tmp_path: Path) -> None:
    for target in ("/etc/passwd", "/etc/X11/rgb.txt", "/proc/self/environ"):
        refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=target)))
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    clip = shutil.copy(clips["main"]["clip"], outside / "clip.avi")  # a real video, in the wrong place
    message = refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(clip))))
    assert "ONEWINDOW_VIDEO_SOURCE_DIRS" in message
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, name="f", source=str(outside),
                                                                     source_kind="folder")))
    allowed = video_dir(app)
    allowed.mkdir(parents=True, exist_ok=True)
    dotdot = f"{allowed}/../../elsewhere/clip.avi"  # resolves outside
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=dotdot)))
    os.symlink(clip, allowed / "link.avi")  # a symlink inside pointing outside
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(allowed / "link.avi"))))
    os.symlink(outside, allowed / "linked-folder")
    refused_source(api.post("/api/cameras", "admin", json=config_of(
        clips, source=str(allowed / "linked-folder"), source_kind="folder")))
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source="instance/video/x.avi")))
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=f"{allowed}/a\x00.avi")))
    assert api.get("/api/cameras", "admin").get_json()["items"] == []


def test_only_real_video_and_image_files_are_accepted(app: Flask, api: Api, clips: dict) -> None:
    allowed = video_dir(app)
    allowed.mkdir(parents=True, exist_ok=True)
    fake = allowed / "rgb.mp4"
    fake.write_text("255 250 250\t\tsnow\n248 248 255\t\tghost white\n" * 40)  # text renamed .mp4
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(fake))))
    avi_as_mp4 = allowed / "clip.mp4"  # a real AVI, but not what .mp4 holds
    shutil.copy(clips["main"]["clip"], avi_as_mp4)
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(avi_as_mp4))))
    text = allowed / "notes.txt"
    text.write_text("hello")
    assert "只接受" in refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(text))))
    os.mkfifo(allowed / "pipe.mp4")  # opening a FIFO would block the request forever
    started = time.monotonic()
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(allowed / "pipe.mp4"))))
    assert time.monotonic() - started < 5
    refused_source(api.post("/api/cameras", "admin", json=config_of(clips, source=str(allowed / "gone.avi"))))
    real = allowed / "window.avi"
    shutil.copy(clips["main"]["clip"], real)
    assert api.post("/api/cameras", "admin", json=config_of(clips, source=str(real))).status_code == 201
    # and the clips folder, allowed through ONEWINDOW_VIDEO_SOURCE_DIRS
    assert api.post("/api/cameras", "admin", json=config_of(clips, name="b")).status_code == 201


def test_an_update_is_checked_like_a_registration(api: Api, clips: dict) -> None:
    camera = api.post("/api/cameras", "admin", json=config_of(clips)).get_json()
    changed = api.call("PUT", f"/api/cameras/{camera['id']}", "admin", json=config_of(clips, source="/etc/passwd"))
    refused_source(changed)
    changed = api.call("PUT", f"/api/cameras/{camera['id']}", "admin", json=config_of(
        clips, source="http://169.254.169.254/latest/meta-data/", source_kind="snapshot"))
    refused_source(changed)
    assert api.get(f"/api/cameras/{camera['id']}", "admin").get_json()["version"] == 1


def test_the_worker_checks_a_file_again_when_it_opens_it(app: Flask, api: Api, clips: dict, tmp_path: Path) -> None:
    allowed = video_dir(app)
    allowed.mkdir(parents=True, exist_ok=True)
    clip = allowed / "window.avi"
    shutil.copy(clips["main"]["clip"], clip)
    camera_id = api.post("/api/cameras", "admin", json=config_of(clips, source=str(clip))).get_json()["id"]
    secret = tmp_path / "secret.avi"
    shutil.copy(clips["main"]["clip"], secret)
    clip.unlink()
    os.symlink(secret, clip)  # swapped for a link out of the folder after registration
    stale = video_dir(app) / "cameras" / str(camera_id) / "latest.jpg"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(jpeg())  # a frame stored before: not shown any more once the source is refused
    with app.app_context():
        from api.video_cli import video_worker

        worker = video_worker(app, live_files=False)
        worker.start()
        assert isinstance(worker.runners[camera_id].source, RefusedSource)
        assert worker.step() == 0
        worker.close()
    assert api.get(f"/api/cameras/{camera_id}/frame", "admin").status_code == 404


def test_a_folder_source_reads_no_picture_that_leads_out_of_the_folder(app: Flask, tmp_path: Path) -> None:
    allowed = video_dir(app) / "uploads"
    allowed.mkdir(parents=True)
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg(200))
    policy = SourcePolicy(roots=(video_dir(app),))
    folder = FolderSource(allowed, SystemClock(), policy)
    os.symlink(secret, allowed / "0001.jpg")
    assert folder.read() is None
    (allowed / "0002.jpg").write_text("not a picture")
    assert folder.read() is None
    (allowed / "0003.jpg").write_bytes(jpeg(90))
    os.utime(allowed / "0003.jpg", (time.time() + 5, time.time() + 5))
    frame = folder.read()
    assert frame is not None and abs(int(frame.image.mean()) - 90) < 5


def test_file_headers_are_sniffed() -> None:
    assert sniff(b"\x00\x00\x00\x18ftypmp42" + bytes(8)) == "isobmff"
    assert sniff(b"RIFF\x00\x00\x00\x00AVI LIST") == "avi"
    assert sniff(b"\x1a\x45\xdf\xa3\x01") == "matroska"
    assert sniff(bytes([0x47]) + bytes(187) + bytes([0x47]) + bytes(187) + bytes([0x47]) + bytes(10)) == "mpeg-ts"
    assert sniff(jpeg()) == "jpeg"
    assert sniff(cv2.imencode(".png", np.zeros((4, 4, 3), np.uint8))[1].tobytes()) == "png"
    assert sniff(cv2.imencode(".bmp", np.zeros((4, 4, 3), np.uint8))[1].tobytes()) == "bmp"
    assert sniff(b"255 250 250\t\tsnow\n") is None and sniff(b"BMW 320i for sale") is None and sniff(b"") is None


# -- URLs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "url"), [
    ("snapshot", "http://127.0.0.1:5199/x.png"),
    ("snapshot", "http://localhost/x.jpg"),
    ("snapshot", "http://LOCALHOST./x.jpg"),
    ("snapshot", "http://cam.localhost/x.jpg"),
    ("snapshot", "http://169.254.169.254/latest/meta-data/"),
    ("snapshot", "http://[::1]/x.jpg"),
    ("snapshot", "http://[::ffff:127.0.0.1]/x.jpg"),
    ("snapshot", "http://[fe80::1]/x.jpg"),
    ("snapshot", "http://2130706433/x.jpg"),  # 127.0.0.1 written as one number
    ("snapshot", "http://0x7f.1/x.jpg"),
    ("snapshot", "http://0.0.0.0:5000/x.jpg"),
    ("snapshot", "https://224.0.0.251/x.jpg"),
    ("snapshot", "http://255.255.255.255/x.jpg"),
    ("snapshot", "http://8.8.8.8/x.jpg"),  # public: not a camera network by default
    ("snapshot", "http://192.168.1.5@127.0.0.1/x.jpg"),  # credentials-in-host trick: the host is loopback
    ("snapshot", "http://a@b@192.168.1.5/x.jpg"),
    ("snapshot", "http://192.168.1.5\\@127.0.0.1/x.jpg"),
    ("snapshot", "http://192.168.1.5:99999/x.jpg"),
    ("snapshot", "http:///x.jpg"),
    ("stream", "rtsp://0.0.0.0/live"),
    ("stream", "rtsp://127.0.0.1:8554/live"),
    ("stream", "http://[::]/mjpeg"),
    ("stream", "rtsp://user:pw@169.254.169.254/live"),
])
def test_internal_addresses_are_refused(api: Api, clips: dict, no_dns: dict, kind: str, url: str) -> None:
    response = api.post("/api/cameras", "admin", json=config_of(clips, source=url, source_kind=kind))
    if response.status_code == 400:  # the schema already refuses some shapes (naming source too)
        assert "source" in response.get_json()["error"]["details"]["fields"]
        return
    refused_source(response)


def test_a_host_name_is_resolved_and_every_address_checked(api: Api, clips: dict, no_dns: dict) -> None:
    no_dns["internal.example"] = ["127.0.0.1"]
    no_dns["mixed.example"] = ["192.168.1.20", "169.254.169.254"]
    no_dns["cam1.example"] = ["192.168.1.20", "fd00::20"]
    for host in ("internal.example", "mixed.example", "nowhere.example"):
        refused_source(api.post("/api/cameras", "admin", json=config_of(
            clips, source=f"http://{host}/snap.jpg", source_kind="snapshot")))
    ok = api.post("/api/cameras", "admin", json=config_of(clips, source="http://cam1.example:8080/snap.jpg",
                                                         source_kind="snapshot"))
    assert ok.status_code == 201, ok.get_json()
    ok = api.post("/api/cameras", "admin", json=config_of(clips, name="rtsp", source_kind="stream",
                                                         source="rtsp://admin:pa%40ss@10.1.2.3:8554/ch1"))
    assert ok.status_code == 201, ok.get_json()


def test_the_network_allow_list() -> None:
    policy = SourcePolicy(roots=())
    assert policy.address_problem("192.168.3.4") is None and policy.address_problem("10.9.8.7") is None
    assert policy.address_problem("fd12::1") is None
    assert "ONEWINDOW_CAMERA_NETWORKS" in str(policy.address_problem("8.8.8.8"))
    everything = policy.allowing("0.0.0.0/0", "::/0")
    assert everything.address_problem("8.8.8.8") is None
    for inside in ("127.0.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "::ffff:127.0.0.1"):
        assert everything.address_problem(inside) is not None, inside  # a broad entry never opens these
    lab = policy.allowing("127.0.0.1/32")
    assert lab.address_problem("127.0.0.1") is None and lab.address_problem("127.0.0.2") is not None
    assert lab.check_url("rtsp://u:p@127.0.0.1/live?ch=1", ("rtsp",)).pinned_url() == "rtsp://u:p@127.0.0.1:554/live?ch=1"


def test_camera_settings_are_checked_at_start(tmp_path: Path) -> None:
    from api.settings import load_settings

    with pytest.raises(RuntimeError, match="ONEWINDOW_CAMERA_NETWORKS"):
        load_settings(tmp_path, {"ONEWINDOW_CAMERA_NETWORKS": "10.0.0.0/8,intranet"})
    with pytest.raises(RuntimeError, match="ONEWINDOW_VIDEO_SOURCE_DIRS"):
        load_settings(tmp_path, {"ONEWINDOW_VIDEO_SOURCE_DIRS": "recordings"})
    with pytest.raises(RuntimeError, match="ONEWINDOW_VIDEO_FETCH_TIMEOUT_SECONDS"):
        load_settings(tmp_path, {"ONEWINDOW_VIDEO_FETCH_TIMEOUT_SECONDS": "600"})
    settings = load_settings(tmp_path, {"ONEWINDOW_VIDEO_SOURCE_DIRS": f"{tmp_path}/a:{tmp_path}/b"})
    assert settings.video_source_dirs == (tmp_path.resolve() / "a", tmp_path.resolve() / "b")
    assert settings.camera_networks == ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")


# -- fetching: only in the worker, bounded ------------------------------------------------------------


def loopback(timeout_s: float = 1.0, **kw: Any) -> SourcePolicy:
    """A policy that allows this machine (the test's camera), with a short deadline."""
    return SourcePolicy(roots=(), fetch_timeout_s=timeout_s, **kw).allowing("127.0.0.1/32")


def drip_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/jpeg")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"\xff")
        handler.wfile.flush()
        time.sleep(0.2)


def drip_headers(handler: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


@pytest.mark.parametrize("answer", [drip_body, drip_headers])
def test_a_camera_that_drips_bytes_is_cut_off_at_the_deadline(answer: Any) -> None:
    with LocalCamera(answer) as camera:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            fetch_snapshot(camera.url(), loopback(1.0))
        assert time.monotonic() - started < 2.5
        assert camera.hits == ["/snapshot.jpg"]


def test_pictures_above_the_size_cap_are_refused() -> None:
    def declared(handler: BaseHTTPRequestHandler) -> None:
        send_jpeg(handler, b"\xff\xd8\xff" + bytes(200_000))

    def undeclared(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(bytes(10_000))
        handler.close_connection = True

    for answer in (declared, undeclared):
        with LocalCamera(answer) as camera, pytest.raises(FetchError, match="larger"):
            fetch_snapshot(camera.url(), loopback(2.0, max_bytes=100_000))


def test_redirects_are_not_followed() -> None:
    with LocalCamera(send_jpeg) as internal:
        def redirect(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", internal.url("/admin"))
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        with LocalCamera(redirect) as camera, pytest.raises(FetchError, match="302"):
            fetch_snapshot(camera.url(), loopback())
        assert internal.hits == []


def test_the_host_is_checked_again_at_every_fetch(no_dns: dict) -> None:
    with LocalCamera(send_jpeg) as camera:
        no_dns["cam.example"] = ["127.0.0.1"]  # registered while it resolved elsewhere; now it points inside
        with pytest.raises(SourceRefused):
            fetch_snapshot(f"http://cam.example:{camera.port}/snapshot.jpg", SourcePolicy(roots=()))
        assert camera.hits == []
        data = fetch_snapshot(f"http://cam.example:{camera.port}/snapshot.jpg", loopback())
        assert data[:3] == b"\xff\xd8\xff" and camera.hits == ["/snapshot.jpg"]


def test_an_mjpeg_stream_is_read_picture_by_picture() -> None:
    def stream(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        handler.end_headers()
        for i, shade in enumerate((40, 120, 200)):
            data = jpeg(shade)
            length = f"Content-Length: {len(data)}\r\n" if i != 1 else ""  # one part without a length
            handler.wfile.write(f"--frame\r\nContent-Type: image/jpeg\r\n{length}\r\n".encode() + data + b"\r\n")
            handler.wfile.flush()
        handler.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n\r\n\xff")
        handler.wfile.flush()
        time.sleep(3)  # then nothing: the next picture is cut off at the deadline

    with LocalCamera(stream) as camera:
        reader = MjpegStream(camera.url("/mjpeg"), ("http",), loopback(1.0))
        try:
            shades = [int(cv2.imdecode(np.frombuffer(reader.next_jpeg(), np.uint8), cv2.IMREAD_COLOR).mean())
                      for _ in range(3)]
            assert [round(s / 10) for s in shades] == [4, 12, 20]
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                reader.next_jpeg()
            assert time.monotonic() - started < 2
        finally:
            reader.close()


def test_an_http_stream_source_goes_through_the_checked_mjpeg_reader(no_dns: dict) -> None:
    config = load_camera_config({"name": "s", "department": "zwfw", "source_kind": "stream",
                                 "source": "http://127.0.0.1:9/mjpeg",
                                 "zones": [{"name": "seat", "type": "seat", "polygon": [[0, 0], [1, 0], [1, 1]]}]})
    source = open_source(config, SystemClock(), SourcePolicy(roots=()))
    try:
        assert isinstance(source, MjpegSource)
        deadline = time.monotonic() + 5
        while source.problem is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert source.problem is not None and "SourceRefused" in source.problem and source.read() is None
    finally:
        source.close()


def test_get_frame_never_contacts_the_source(loopback_app: Flask) -> None:
    api = Api(loopback_app.test_client())
    with LocalCamera(send_jpeg) as camera:
        created = api.post("/api/cameras", "admin", json={
            "name": "hall", "department": "zwfw", "source_kind": "snapshot", "source": camera.url(),
            "zones": [{"name": "seat", "type": "seat", "polygon": [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]}]})
        assert created.status_code == 201, created.get_json()
        camera_id = created.get_json()["id"]
        assert camera.hits == []  # registering checks the address, it does not fetch
        missing = api.get(f"/api/cameras/{camera_id}/frame", "admin")
        assert missing.status_code == 404 and CJK.search(missing.get_json()["error"]["message"])
        assert api.post(f"/api/cameras/{camera_id}/reference", "admin").status_code == 404
        assert camera.hits == []  # neither the frame nor the reference fetched the snapshot

        with loopback_app.app_context():
            from api.video_cli import video_worker

            worker = video_worker(loopback_app)
        worker.start()
        deadline = time.monotonic() + 10
        while worker.step() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        worker.close()
        fetched = len(camera.hits)
        assert fetched >= 1  # the worker fetched it
        frame = api.get(f"/api/cameras/{camera_id}/frame", "admin")
        assert frame.status_code == 200 and frame.mimetype == "image/jpeg"
        assert api.post(f"/api/cameras/{camera_id}/reference", "admin").status_code == 200
        assert len(camera.hits) == fetched  # served from what the worker stored
