"""Camera registry commands: add, change, retire a camera and record its empty-scene reference.

An administrator manages cameras; the configuration and its source are checked against the source
policy (monitor.video.config, monitor.video.sources) before any database work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select

from engine.command_context import CommandContext
from engine.exceptions import InvalidError, NotFoundError, Problem
from engine.models import Department

from ..models import Camera
from ..roles import require_role
from ..video.config import CameraConfig, dump_camera_config, load_camera_config
from ..video.sources import SourcePolicy, SourceRefused

__all__ = ["REGISTRY_ROLES", "CreateCameraCommand", "RetireCameraCommand", "SetCameraReferenceCommand",
           "UpdateCameraCommand", "load_camera"]

REGISTRY_ROLES = frozenset({"admin", "system"})


def _require_admin(ctx: CommandContext) -> None:
    require_role(ctx.actor, REGISTRY_ROLES, "只有管理员可以管理摄像头")


def load_camera(ctx: CommandContext, camera_id: int, *, lock: bool = True) -> Camera:
    """Load a camera or raise NotFoundError (404)."""
    camera = ctx.session.get(Camera, camera_id, with_for_update=lock)
    if camera is None:
        raise NotFoundError(f"未找到摄像头 #{camera_id}", camera_id=camera_id)
    return camera


def _checked(raw: dict[str, Any], policy: SourcePolicy) -> CameraConfig:
    """Validate the configuration and its source against the policy, before any database work.

    The source check may resolve a host name; done first, it never holds a lock while it waits.
    """
    try:
        config = load_camera_config(raw)
    except ValidationError as exc:
        problems = [Problem(str(m), field=f) for f, m in _flatten(exc.messages)]
        raise InvalidError("摄像头配置有误", problems) from None
    try:
        policy.check(config.source_kind, config.source)
    except SourceRefused as exc:
        raise InvalidError("摄像头的视频源（source）不被允许", [Problem(str(exc), field="source")]) from None
    return config


def _validated(ctx: CommandContext, config: CameraConfig, camera_id: int | None) -> dict[str, Any]:
    """Check what the schema cannot know: the department exists, the name is unique."""
    problems = []
    if ctx.session.scalar(select(Department.id).where(Department.code == config.department)) is None:
        problems.append(Problem(f"未知部门：{config.department}", field="department"))
    same_name = select(Camera.id).where(func.lower(Camera.name) == config.name.lower())
    if camera_id is not None:
        same_name = same_name.where(Camera.id != camera_id)
    if ctx.session.scalar(same_name) is not None:
        problems.append(Problem(f"已有名为“{config.name}”的摄像头", field="name"))
    if problems:
        raise InvalidError("摄像头无法保存", problems)
    return dump_camera_config(config)


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix, "; ".join(messages))]
    return [(prefix, str(messages))]


@dataclass(frozen=True)
class CreateCameraCommand:
    """Register a camera; its source must pass the source policy (files, folders, networks allowed)."""

    config: dict[str, Any]
    policy: SourcePolicy

    def execute(self, ctx: CommandContext) -> Camera:
        """Validate and store the camera; it starts without a reference."""
        _require_admin(ctx)
        stored = _validated(ctx, _checked(self.config, self.policy), None)
        now = ctx.now()
        camera = Camera(name=stored["name"], department_code=stored["department"], config=stored, active=True,
                        version=1, status="unknown", created_at=now, updated_at=now)
        ctx.session.add(camera)
        ctx.session.flush()
        return camera


@dataclass(frozen=True)
class UpdateCameraCommand:
    """Replace a camera's configuration (the worker rebuilds its pipeline on the new version)."""

    camera_id: int
    config: dict[str, Any]
    policy: SourcePolicy

    def execute(self, ctx: CommandContext) -> Camera:
        """Validate and store the new configuration."""
        _require_admin(ctx)
        config = _checked(self.config, self.policy)
        camera = load_camera(ctx, self.camera_id)
        stored = _validated(ctx, config, camera.id)
        camera.name, camera.department_code, camera.config = stored["name"], stored["department"], stored
        camera.version += 1
        camera.updated_at = ctx.now()
        return camera


@dataclass(frozen=True)
class RetireCameraCommand:
    """Stop watching a camera; its events and alerts stay as records."""

    camera_id: int

    def execute(self, ctx: CommandContext) -> Camera:
        """Mark the camera inactive."""
        _require_admin(ctx)
        camera = load_camera(ctx, self.camera_id)
        camera.active = False
        camera.version += 1
        camera.updated_at = ctx.now()
        return camera


@dataclass(frozen=True)
class SetCameraReferenceCommand:
    """Record that a new empty-scene reference was stored for the camera."""

    camera_id: int
    sha256: str
    captured_at: datetime | None = None

    def execute(self, ctx: CommandContext) -> Camera:
        """Remember the reference's hash; the worker reloads it when the hash changes."""
        _require_admin(ctx)
        camera = load_camera(ctx, self.camera_id)
        camera.reference_sha256 = self.sha256
        camera.reference_at = self.captured_at or ctx.now()
        camera.updated_at = ctx.now()
        return camera
