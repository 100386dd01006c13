"""Camera registry for video supervision of the service windows: cameras, references, frames, events.

The web process never opens a camera's source: a source is checked against the source policy when a
camera is saved, and only the video worker reads it. The zone editor's frame and the reference taken
without an upload are the latest frame the worker stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import cv2
import numpy as np
from flask import Response, request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import UnsupportedMediaType

from engine.exceptions import InvalidError, NotFoundError, Problem
from monitor.commands.cameras import (
    CreateCameraCommand,
    RetireCameraCommand,
    SetCameraReferenceCommand,
    UpdateCameraCommand,
)
from monitor.models import Camera, VideoEvent
from monitor.queries.cameras import all_cameras, camera_event_for, camera_events_page, camera_or_404
from monitor.video.config import (
    MAX_POINTS,
    CameraConfigSchema,
    DayHoursSchema,
    RuleSettings,
    RulesSchema,
    ScheduleConfig,
    ScheduleSchema,
    ZoneSchema,
    default_days,
    dump_camera_config,
)
from monitor.video.evidence import VideoStore
from monitor.video.rules import EVENT_KINDS

from ..auth import current_actor, requires, run_command
from ..presenters import iso
from ..schema_fields import instant, whole_number
from ..video_cli import camera_source_policy
from ..wiring import Blueprint, request_session, services

blp = Blueprint("cameras", __name__, url_prefix="/api/cameras", description="Video supervision cameras")

CAMERA_VIEW = ("admin", "supervisor")
IMAGE_TYPES = ("image/jpeg", "image/png")
MAX_IMAGE_BYTES = 8 * 1024 * 1024
BINARY = {"type": "string", "format": "binary"}


CAMERA_STATUSES = ("unknown", "online", "offline")
EVENT_STATES = ("open", "ended", "interrupted")
CROSS_FIELD_RULES = (
    "Refused with 400 although each field fits the schema: a polygon whose edges cross or that has "
    "(almost) no area; occupied_off not below occupied_on; zone names repeated; a day's close not after "
    "its open, or a lunch break not inside the hours or given by one end only; a source that does not "
    "fit source_kind (snapshot: http(s):// URL; stream: rtsp(s)://, http(s)://; file and folder: a "
    "path). Refused with 422: an unknown department, a name another camera has, or a source outside "
    "the folders and networks this server allows.")


class EventQuerySchema(Schema):
    """Which page of a camera's events to list, optionally of one rule only."""

    kind = fields.String(load_default=None, validate=validate.OneOf(EVENT_KINDS),
                         metadata={"description": "only events of this rule"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ZoneSettingsSchema(ZoneSchema):
    """A zone as monitor's ZoneSchema checks it, with the polygon's bounds stated in the document.

    monitor checks the point count and range in a schema-level hook the document cannot show; here they
    are field rules with the same messages, so clients learn them from the schema.
    """

    polygon = fields.List(
        fields.List(fields.Float(allow_nan=False, validate=validate.Range(
            min=0, max=1, error="坐标按画面宽、高的比例计，须在0至1之间")),
            validate=validate.Length(equal=2, error="每个点须为 [x, y]")),
        required=True, validate=validate.Length(min=3, max=MAX_POINTS,
                                                error=f"区域范围须有3至{MAX_POINTS}个点"),
        metadata={"description": "[[x, y], ...] relative to width and height (0..1); the edges may not "
                                 "cross and the area may not be (almost) zero"})


class WeekSchema(Schema):
    """Opening hours per weekday: a day left out or null is closed (no weekday names beyond mon..sun)."""

    mon = fields.Nested(DayHoursSchema, allow_none=True)
    tue = fields.Nested(DayHoursSchema, allow_none=True)
    wed = fields.Nested(DayHoursSchema, allow_none=True)
    thu = fields.Nested(DayHoursSchema, allow_none=True)
    fri = fields.Nested(DayHoursSchema, allow_none=True)
    sat = fields.Nested(DayHoursSchema, allow_none=True)
    sun = fields.Nested(DayHoursSchema, allow_none=True)


class ScheduleSettingsSchema(ScheduleSchema):
    """monitor's ScheduleSchema with the weekdays named in the document instead of any string key."""

    days = fields.Nested(WeekSchema, load_default=None, metadata={
        "description": "hours per weekday (mon..sun); null or absent: closed. "
                       "Default Mon–Fri 08:30–17:30, lunch 12:00–13:30"})


class RuleSettingsSchema(RulesSchema):
    """monitor's RulesSchema taking K as JSON Schema means an integer (15.0 is 15)."""

    crowding_count = whole_number(load_default=15, validate=validate.Range(min=1, max=500),
                                  metadata={"description": "K: occupied chairs that make the hall crowded"})


class CameraSettingsSchema(CameraConfigSchema):
    """The camera configuration monitor validates, its structural rules stated in the document.

    Only the rules across fields (CROSS_FIELD_RULES) remain in schema-level hooks. The overrides would
    be better placed in monitor.video.config itself.

    Sent when saving a camera and returned, completed with the defaults, as the camera's `config`.
    """

    analysis_width = whole_number(load_default=640, validate=validate.Range(min=80, max=1920), metadata={
        "description": "frames wider than this are scaled down first"})
    zones = fields.List(fields.Nested(ZoneSettingsSchema), required=True,
                        validate=validate.Length(min=1, max=64),
                        metadata={"description": "the seat(s) and waiting chairs to watch"})
    rules = fields.Nested(RuleSettingsSchema, load_default=lambda: RuleSettings(), metadata={
        "description": "rule parameters (the defaults apply to what is left out)"})
    schedule = fields.Nested(ScheduleSettingsSchema, load_default=lambda: ScheduleConfig(days=default_days()),
                             metadata={"description": "working hours"})


REFERENCE_STATES = ("captured", "confirmed", "renewed")


class ReferenceZoneSchema(Schema):
    """One zone's reference: as captured, confirmed by an empty zone, or renewed from one."""

    zone = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(REFERENCE_STATES))
    since = instant(required=True, allow_none=True, metadata={
        "description": "when it was confirmed or renewed; null while it is the captured picture"})


class CameraSchema(Schema):
    """A registered camera as camera_json describes it: configuration, health and reference."""

    id = fields.Integer(required=True)
    active = fields.Boolean(required=True, metadata={"description": "false once retired"})
    version = fields.Integer(required=True, metadata={"description": "bumped on every change"})
    status = fields.String(required=True, validate=validate.OneOf(CAMERA_STATUSES))
    last_frame_at = instant(required=True, allow_none=True)
    reference_sha256 = fields.String(required=True, allow_none=True)
    reference_at = instant(required=True, allow_none=True)
    reference_zones = fields.List(fields.Nested(ReferenceZoneSchema), required=True, metadata={
        "description": "how far each zone's part of the reference can be trusted, as the video worker last "
                       "said; empty until it has watched the camera"})
    created_at = instant(required=True)
    updated_at = instant(required=True)
    config = fields.Nested(CameraSettingsSchema, required=True)


class CameraListSchema(Schema):
    """Every registered camera, active first."""

    items = fields.List(fields.Nested(CameraSchema), required=True)


class VideoEventSchema(Schema):
    """An off-post, asleep, crowding or camera-moved event as event_json describes it."""

    id = fields.Integer(required=True)
    camera_id = fields.Integer(required=True)
    zone = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    state = fields.String(required=True, validate=validate.OneOf(EVENT_STATES))
    condition_since = instant(required=True)
    started_at = instant(required=True)
    ended_at = instant(required=True, allow_none=True)
    peak = fields.Float(required=True, allow_none=True)
    snapshot_sha256 = fields.String(required=True, allow_none=True)
    alert_id = fields.Integer(required=True, allow_none=True)
    snapshot_url = fields.String(required=True, allow_none=True, metadata={
        "description": "where the evidence picture is; null when none was kept"})


class VideoEventPageSchema(Schema):
    """A page of a camera's events, newest first."""

    items = fields.List(fields.Nested(VideoEventSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


def video_store() -> VideoStore:
    """Return the store of snapshots, references and latest frames."""
    return VideoStore(services().settings.video_dir)


def _reference_zones(camera_id: int) -> list[dict[str, Any]]:
    """The worker's file read defensively: an entry it cannot have written is left out, not a 500."""
    zones = []
    for zone in video_store().reference_status(camera_id):
        if not isinstance(zone, dict) or zone.get("state") not in REFERENCE_STATES:
            continue
        since = zone.get("since")
        try:
            at = datetime.fromisoformat(since) if isinstance(since, str) else None
        except ValueError:
            at = None
        if at is not None and at.tzinfo is None:
            at = None
        zones.append({"zone": str(zone.get("zone")), "state": zone["state"], "since": iso(at)})
    return zones


def camera_json(camera: Camera) -> dict[str, Any]:
    """Describe a camera: its configuration, health and reference."""
    return {"id": camera.id, "active": camera.active, "version": camera.version, "status": camera.status,
            "last_frame_at": iso(camera.last_frame_at), "reference_sha256": camera.reference_sha256,
            "reference_at": iso(camera.reference_at),
            "reference_zones": _reference_zones(camera.id),
            "created_at": iso(camera.created_at),
            "updated_at": iso(camera.updated_at), "config": camera.config}


def event_json(event: VideoEvent) -> dict[str, Any]:
    """Describe a video event and where its evidence is."""
    return {"id": event.id, "camera_id": event.camera_id, "zone": event.zone, "kind": event.kind,
            "state": event.state, "condition_since": iso(event.condition_since),
            "started_at": iso(event.started_at), "ended_at": iso(event.ended_at), "peak": event.peak,
            "snapshot_sha256": event.snapshot_sha256, "alert_id": event.alert_id,
            "snapshot_url": (f"/api/cameras/{event.camera_id}/events/{event.id}/snapshot"
                             if event.snapshot else None)}


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=CameraListSchema, success=True)
@requires(*CAMERA_VIEW)
def list_cameras() -> dict[str, Any]:
    """List the registered cameras, active first."""
    return {"items": [camera_json(c) for c in all_cameras(request_session())]}


@blp.route("", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], description=CROSS_FIELD_RULES)
@blp.arguments(CameraSettingsSchema)
@blp.alt_response(201, schema=CameraSchema, success=True)
@requires("admin")
def create_camera(config: Any) -> tuple[dict[str, Any], int]:
    """Register a camera (then capture its empty-scene reference)."""
    command = CreateCameraCommand(dump_camera_config(config), camera_source_policy(services().settings))
    return camera_json(run_command(command)), 201


@blp.route("/<int:camera_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=CameraSchema, success=True)
@requires(*CAMERA_VIEW)
def get_camera(camera_id: int) -> dict[str, Any]:
    """Return one camera."""
    return camera_json(camera_or_404(request_session(), camera_id))


@blp.route("/<int:camera_id>", methods=["PUT"])
@blp.doc(security=[{"bearerAuth": []}], description=CROSS_FIELD_RULES)
@blp.arguments(CameraSettingsSchema)
@blp.alt_response(200, schema=CameraSchema, success=True)
@requires("admin")
def update_camera(config: Any, camera_id: int) -> dict[str, Any]:
    """Replace a camera's configuration."""
    policy = camera_source_policy(services().settings)
    command = UpdateCameraCommand(camera_id, dump_camera_config(config), policy)
    return camera_json(run_command(command))


@blp.route("/<int:camera_id>", methods=["DELETE"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=CameraSchema, success=True, description="the retired camera")
@requires("admin")
def retire_camera(camera_id: int) -> dict[str, Any]:
    """Stop watching a camera; its events and alerts remain."""
    return camera_json(run_command(RetireCameraCommand(camera_id)))


NO_FRAME = ("这台摄像头还没有画面：视频采集进程（video worker）尚未存下它的最新一帧，"
            "请确认采集进程在运行后稍候再试")


def _stored_frame(camera: Camera) -> bytes:
    """Return the latest frame the worker stored (JPEG bytes); the source itself is never opened here."""
    data = video_store().latest_jpeg(camera.id)
    if not data:
        raise NotFoundError(NO_FRAME, camera_id=camera.id)
    return data


@blp.route("/<int:camera_id>/frame", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], description=(
    "The latest frame the video worker stored (refreshed every ONEWINDOW_VIDEO_LATEST_FRAME_SECONDS); "
    "404 until the worker has read the camera once."))
@blp.alt_response(200, schema=BINARY, content_type="image/jpeg", success=True, description="the frame")
@requires(*CAMERA_VIEW)
def latest_frame(camera_id: int) -> Response:
    """Return the camera's latest frame as JPEG (the zone editor draws polygons over it)."""
    camera = camera_or_404(request_session(), camera_id)
    return Response(_stored_frame(camera), mimetype="image/jpeg", headers={"Cache-Control": "no-store"})


@blp.route("/<int:camera_id>/reference", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], description=(
    "Capture the empty-scene reference: send a JPEG/PNG body, or no body to use the latest frame the video "
    "worker stored (404 while there is none). "
    "Take it while the seats and chairs are empty. A body that is not a readable image answers 422."),
    requestBody={"required": False, "content": {
        kind: {"schema": {**BINARY, "maxLength": MAX_IMAGE_BYTES}} for kind in IMAGE_TYPES}})
@blp.alt_response(200, schema=CameraSchema, success=True)
@requires("admin")
def capture_reference(camera_id: int) -> dict[str, Any]:
    """Store the empty-scene reference the zones are compared with."""
    camera = camera_or_404(request_session(), camera_id)
    body = request.get_data(cache=False)
    if body:
        if request.mimetype not in IMAGE_TYPES:
            raise UnsupportedMediaType(f"基准画面请以 {' 或 '.join(IMAGE_TYPES)} 格式上传，或不附请求体")
        if len(body) > MAX_IMAGE_BYTES:
            raise InvalidError("图片过大", [Problem(f"最多 {MAX_IMAGE_BYTES} 字节", field="body")])
        image = cv2.imdecode(np.frombuffer(body, dtype=np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise InvalidError("请求体不是可读取的图片", [Problem("无法解码图片", field="body")])
    else:
        data = _stored_frame(camera)
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise NotFoundError(NO_FRAME, camera_id=camera.id)
    sha = video_store().save_reference(camera.id, image)
    return camera_json(run_command(SetCameraReferenceCommand(camera.id, sha)))


@blp.route("/<int:camera_id>/events", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(EventQuerySchema, location="query")
@blp.alt_response(200, schema=VideoEventPageSchema, success=True)
@requires(*CAMERA_VIEW)
def list_events(args: dict[str, Any], camera_id: int) -> dict[str, Any]:
    """List a camera's events, newest first."""
    session = request_session()
    camera = camera_or_404(session, camera_id)
    rows, total = camera_events_page(session, camera.id, kind=args["kind"], page=args["page"],
                                     per_page=args["per_page"])
    return {"items": [event_json(e) for e in rows], "total": total, "page": args["page"],
            "per_page": args["per_page"]}


@blp.route("/<int:camera_id>/events/<int:event_id>/snapshot", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.alt_response(200, schema=BINARY, content_type="image/jpeg", success=True, description="the picture",
                  headers={"X-Content-SHA256": {"schema": {"type": "string"},
                                                "description": "the picture's SHA-256 the event records"}})
@requires()
def event_snapshot(camera_id: int, event_id: int) -> Response:
    """Return an event's evidence picture: supervision sees all, a department its own cameras'."""
    event = camera_event_for(request_session(), current_actor(), camera_id, event_id)
    path = video_store().resolve(event.snapshot) if event.snapshot else None
    if path is None:
        raise NotFoundError("抓拍图片已超过保存期限，不再保留", event_id=event_id)
    return Response(path.read_bytes(), mimetype="image/jpeg",
                    headers={"X-Content-SHA256": event.snapshot_sha256 or ""})
