"""Render a deterministic, seeded service-window scene (clip + per-frame truth) for tests and the demo.

A desk and the staff seat with a person-like figure who sits and fidgets, dozes, leaves and returns;
a row of waiting chairs that fill and empty; sensor noise; whole-frame lighting changes. The truth is
written from the script, never from the detector, so the detector can be checked against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .config import RuleSettings
from .pipeline import CAMERA_MOVED_AFTER_S, CROWD_ZONE, WHOLE_VIEW

__all__ = ["Appearance", "SceneScript", "expected_events", "render_scene", "write_scene"]


@dataclass(frozen=True)
class Appearance:
    """How the figures look: scale of the staff figure and BGR colours."""

    person_scale: float = 1.0
    clothes: tuple[int, int, int] = (150, 90, 60)
    skin: tuple[int, int, int] = (120, 150, 200)
    hair: tuple[int, int, int] = (25, 25, 30)


@dataclass(frozen=True)
class SceneScript:
    """What happens when: staff presence (awake/asleep), waiting chairs taken, lighting changes."""

    duration_s: float
    fps: float = 2.0
    width: int = 320
    height: int = 240
    seed: int = 1
    look: Appearance = field(default_factory=Appearance)
    staff: tuple[tuple[float, float, str], ...] = ()  # (from_s, to_s, "awake" | "asleep")
    chairs: int = 4
    waiting: tuple[tuple[int, float, float], ...] = ()  # (chair index, from_s, to_s)
    lighting: tuple[tuple[float, float, float], ...] = ()  # (at_s, gain, offset), abrupt
    noise: float = 3.0
    shake_px: float = 0.0  # each frame moved by up to this many pixels, as a wall camera shakes
    shake_deg: float = 0.0  # … and turned by up to this many degrees
    knocked: tuple[tuple[float, float, float, float, float], ...] = ()  # (from_s, to_s, dx, dy, degrees)
    jpeg_quality: int | None = None  # each frame through a JPEG of this quality, as a cheap camera sends it
    reference_chairs: tuple[int, ...] = ()  # waiting chairs taken in the reference picture (taken while open)
    reference_staff: bool = False  # the clerk sits in the reference picture too

    def knocked_at(self, t: float) -> tuple[float, float, float] | None:
        """Return how far the camera was knocked out of place at second `t` (dx, dy, degrees), or None."""
        return next(((dx, dy, deg) for a, b, dx, dy, deg in self.knocked if a <= t < b), None)

    def staff_at(self, t: float) -> str | None:
        """Return "awake", "asleep" or None (away) at second `t`."""
        return next((state for a, b, state in self.staff if a <= t < b), None)

    def taken_at(self, t: float) -> set[int]:
        """Return the waiting chairs taken at second `t`."""
        return {c for c, a, b in self.waiting if a <= t < b}

    def light_at(self, t: float) -> tuple[float, float]:
        """Return (gain, offset) of the lighting at second `t`."""
        current = (1.0, 0.0)
        for at, gain, offset in sorted(self.lighting):
            if at <= t:
                current = (gain, offset)
        return current


# The layout in relative coordinates (x0, y0, x1, y1); zones are drawn from the same numbers.
SEAT_ZONE = "窗口工位"  # the staff seat's zone as the bureau reads it in alerts
SEAT_BOX = (0.41, 0.14, 0.59, 0.56)
DESK_BOX = (0.22, 0.52, 0.78, 0.68)
CHAIR_ROW_Y = (0.74, 0.97)


def chair_box(index: int, chairs: int) -> tuple[float, float, float, float]:
    """Return the relative box of waiting chair `index` in the row along the bottom."""
    step = 0.9 / chairs
    x0 = 0.05 + index * step + step * 0.2
    return (x0, CHAIR_ROW_Y[0], x0 + step * 0.6, CHAIR_ROW_Y[1])


def zones_for(script: SceneScript) -> list[dict[str, Any]]:
    """Return the camera zones that match the scene's layout (the seat and every waiting chair)."""
    def rect(box: tuple[float, float, float, float]) -> list[list[float]]:
        x0, y0, x1, y1 = box
        return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]

    # Zone names are what the bureau reads in alerts ("监控区域 窗口工位"), so they are in Chinese.
    zones = [{"name": SEAT_ZONE, "type": "seat", "polygon": rect(SEAT_BOX)}]
    zones += [{"name": f"等候座椅{i + 1}", "type": "chair", "polygon": rect(chair_box(i, script.chairs))}
              for i in range(script.chairs)]
    return zones


class _Renderer:
    """Draws frames of one script; the static background is drawn once."""

    def __init__(self, script: SceneScript) -> None:
        self.s = script
        w, h = script.width, script.height
        rng = np.random.default_rng(script.seed)
        base = np.zeros((h, w, 3), np.uint8)
        base[:] = (200, 205, 210)  # light wall
        base[int(h * 0.70):] = (150, 150, 145)  # floor
        for _ in range(6):  # posters and signs give the wall some structure
            x, y = int(rng.integers(0, w - 40)), int(rng.integers(0, int(h * 0.4)))
            colour = tuple(int(c) for c in rng.integers(90, 180, 3))
            size = (int(rng.integers(15, 40)), int(rng.integers(10, 25)))
            cv2.rectangle(base, (x, y), (x + size[0], y + size[1]), colour, -1)
        self.rng_people = np.random.default_rng(script.seed + 1)
        self.seated = {c: tuple(int(v) for v in self.rng_people.integers(140, 240, 3))
                       for c in range(script.chairs)}
        x0, y0, x1, y1 = self._px(SEAT_BOX)
        chair_top = y0 + int((y1 - y0) * 0.25)
        cv2.rectangle(base, (x0 + 4, chair_top), (x1 - 4, y1), (45, 50, 55), -1)  # the staff chair's back
        for i in range(script.chairs):
            cx0, cy0, cx1, cy1 = self._px(chair_box(i, script.chairs))
            cv2.rectangle(base, (cx0, cy0 + 6), (cx1, cy1), (80, 70, 60), -1)
        self.base = base
        self.noise_rng = np.random.default_rng(script.seed + 2)
        # Drawing fresh Gaussian noise for every frame costs more than the rest of the rendering; a small
        # bank of noise fields, each frame taking one at a random shift, is as uncorrelated as tests need.
        self.noise_bank = [self.noise_rng.standard_normal((h, w, 3), dtype=np.float32) * script.noise
                           for _ in range(8)]
        self.fidget = np.random.default_rng(script.seed + 3)
        self.offset = (0, 0)
        self.shake = np.random.default_rng(script.seed + 4)  # its own stream: the scene stays the same

    def _px(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        w, h = self.s.width, self.s.height
        x0, y0, x1, y1 = box
        return round(x0 * (w - 1)), round(y0 * (h - 1)), round(x1 * (w - 1)), round(y1 * (h - 1))

    def _figure(self, img: np.ndarray, cx: int, top: int, scale: float, clothes: tuple[int, ...],
                skin: tuple[int, ...], hair: tuple[int, ...], droop: int = 0) -> None:
        h = self.s.height
        r = max(3, round(h * 0.045 * scale))
        head = (cx, top + r + droop)
        tw, th = round(h * 0.19 * scale), round(h * 0.24 * scale)
        shoulders = top + 2 * r + droop // 2
        cv2.rectangle(img, (cx - tw // 2, shoulders), (cx + tw // 2, shoulders + th), clothes, -1)
        cv2.circle(img, head, r, skin, -1)
        cv2.ellipse(img, (head[0], head[1] - r // 3), (r, max(1, r * 2 // 3)), 0, 180, 360, hair, -1)

    def frame(self, t: float, noisy: bool = True, empty: bool = False,
              seated: tuple[int, ...] = (), staff: bool = False) -> np.ndarray:
        """Render the scene at second `t`, or the reference scene.

        The reference (`empty`) may show the `seated` chairs taken and, with `staff`, the clerk seated.
        """
        img = self.base.copy()
        s = self.s
        state = ("awake" if staff else None) if empty else s.staff_at(t)
        x0, y0, x1, _ = self._px(SEAT_BOX)
        desk = self._px(DESK_BOX)
        if state is not None:
            if state == "awake" and not empty and self.fidget.random() < 0.7:
                self.offset = (int(self.fidget.integers(-4, 5)), int(self.fidget.integers(-3, 4)))
            dx, dy = self.offset if state == "awake" and not empty else (0, 0)
            droop = round((desk[1] - y0) * 0.3) if state == "asleep" else 0
            self._figure(img, (x0 + x1) // 2 + dx, y0 + 4 + dy, s.look.person_scale, s.look.clothes,
                         s.look.skin, s.look.hair, droop=droop)
        cv2.rectangle(img, (desk[0], desk[1]), (desk[2], desk[3]), (60, 100, 140), -1)
        for c in (sorted(seated) if empty else sorted(s.taken_at(t))):
            cx0, cy0, cx1, _ = self._px(chair_box(c, s.chairs))
            self._figure(img, (cx0 + cx1) // 2, cy0 - 8, 0.55, self.seated[c], (110, 140, 190), (30, 30, 30))
        if not empty and (s.shake_px or s.shake_deg):
            img = self._shaken(img)
        knock = None if empty else s.knocked_at(t)
        if knock is not None:
            img = _turned(img, *knock)
        gain, offset = (1.0, 0.0) if empty else s.light_at(t)
        out = img.astype(np.float32) * gain + offset
        if noisy:
            field = self.noise_bank[int(self.noise_rng.integers(len(self.noise_bank)))]
            shift = (int(self.noise_rng.integers(s.height)), int(self.noise_rng.integers(s.width)))
            out += np.roll(field, shift, axis=(0, 1))
        picture = np.clip(out, 0, 255).astype(np.uint8)
        if s.jpeg_quality is not None and not empty:
            encoded = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, s.jpeg_quality])[1]
            picture = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
        return picture


    def _shaken(self, img: np.ndarray) -> np.ndarray:
        """The picture as a shaking camera saw it: shifted and turned a little about its centre."""
        s = self.s
        dx, dy = self.shake.uniform(-s.shake_px, s.shake_px, 2)
        return _turned(img, float(dx), float(dy), float(self.shake.uniform(-s.shake_deg, s.shake_deg)))


def _turned(img: np.ndarray, dx: float, dy: float, degrees: float) -> np.ndarray:
    """The picture shifted by (dx, dy) pixels and turned about its centre, edges filled by reflection."""
    height, width = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    matrix[:, 2] += (dx, dy)
    return cv2.warpAffine(img, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def render_scene(script: SceneScript) -> tuple[list[np.ndarray], np.ndarray]:
    """Return every frame of the script and the empty-seat reference picture."""
    renderer = _Renderer(script)
    count = int(script.duration_s * script.fps)
    frames = [renderer.frame(i / script.fps) for i in range(count)]
    return frames, renderer.frame(0.0, noisy=False, empty=True, seated=script.reference_chairs,
                                  staff=script.reference_staff)


def expected_events(script: SceneScript, rules: RuleSettings) -> list[dict[str, Any]]:
    """Work out the events the rules should report, from the script alone (every second counts as working)."""
    step = 1.0 / script.fps
    times = [i * step for i in range(int(script.duration_s * script.fps))]
    events: list[dict[str, Any]] = []

    def runs(kind: str, zone: str, holding: list[bool], hold_s: float) -> None:
        since: float | None = None
        open_start: float | None = None
        quiet = -1e9
        for t, held in zip(times, holding, strict=True):
            if open_start is not None:
                if not held:
                    events.append({"kind": kind, "zone": zone, "start_s": open_start, "end_s": t})
                    open_start, quiet, since = None, t + rules.cooldown_s, None
                continue
            if held:
                since = t if since is None else since
                if t - since >= hold_s and t >= quiet:
                    open_start = t
            else:
                since = None
        if open_start is not None:
            events.append({"kind": kind, "zone": zone, "start_s": open_start, "end_s": None})

    if rules.off_post:
        runs("off_post", SEAT_ZONE, [script.staff_at(t) is None for t in times], rules.off_post_s)
    if rules.asleep:
        runs("asleep", SEAT_ZONE, [script.staff_at(t) == "asleep" for t in times], rules.asleep_s)
    if rules.crowding and script.chairs:
        runs("crowding", CROWD_ZONE, [len(script.taken_at(t)) >= rules.crowding_count for t in times],
             rules.crowding_s)
    for start, end, *_ in script.knocked:  # counted at every hour, with no cooldown
        events.append({"kind": "camera_moved", "zone": WHOLE_VIEW, "start_s": start + CAMERA_MOVED_AFTER_S,
                       "end_s": end if end < script.duration_s else None})
    return sorted(events, key=lambda e: (e["start_s"], e["kind"]))


def write_scene(script: SceneScript, folder: Path, rules: RuleSettings, *, name: str = "scene",
                department: str = "zwfw", always: bool = True) -> dict[str, Path]:
    """Write clip.avi, reference.png, truth.json and camera.json into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    frames, reference = render_scene(script)
    clip = folder / f"{name}.avi"
    size = (script.width, script.height)
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), script.fps, size)
    for image in frames:
        writer.write(image)
    writer.release()
    ref_path = folder / f"{name}-reference.png"
    cv2.imwrite(str(ref_path), reference)
    per_frame = [{"t": i / script.fps, "staff": script.staff_at(i / script.fps),
                  "chairs_taken": len(script.taken_at(i / script.fps)),
                  "light": list(script.light_at(i / script.fps))} for i in range(len(frames))]
    truth = {"frames": per_frame, "events": expected_events(script, rules)}
    truth_path = folder / f"{name}-truth.json"
    truth_path.write_text(json.dumps(truth, indent=1))
    camera = {"name": name, "department": department, "source": str(clip), "source_kind": "file",
              "sample_rate": script.fps, "zones": zones_for(script),
              "rules": {"off_post_s": rules.off_post_s, "asleep_s": rules.asleep_s,
                        "crowding_count": rules.crowding_count, "crowding_s": rules.crowding_s,
                        "cooldown_s": rules.cooldown_s, "off_post": rules.off_post, "asleep": rules.asleep,
                        "crowding": rules.crowding},
              "schedule": {"always": always}}
    camera_path = folder / f"{name}-camera.json"
    camera_path.write_text(json.dumps(camera, indent=1, ensure_ascii=False))
    return {"clip": clip, "reference": ref_path, "truth": truth_path, "camera": camera_path}
