"""One camera's per-frame work: analysis → signals → rules, returning the event changes a frame causes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from .analysis import FrameAnalyzer, ZoneReading
from .capture import Frame
from .config import CameraConfig
from .references import ZoneReference
from .rules import ConditionRule, EventChange
from .schedule import WorkingHours
from .signals import OccupancyTracker, StillnessTracker, ZoneSignal

__all__ = ["CAMERA_MOVED_AFTER_S", "CROWD_ZONE", "WHOLE_VIEW", "CameraPipeline", "FrameResult"]

CROWD_ZONE = "等候区"
"""The zone name crowding events carry (the bureau reads it in alerts): the count is over all chair
zones of the camera."""
WHOLE_VIEW = "整个画面"
"""The zone a camera-moved event carries: it concerns the camera, not one zone."""
CAMERA_MOVED_AFTER_S = 10.0
"""Frames that cannot be aligned to the reference for this long mean the camera was moved (or covered),
not shaken: a "camera moved" event, like "camera offline", so someone puts it back."""


@dataclass
class FrameResult:
    """What one frame produced: readings and signals per zone, the chair count, and event changes."""

    frame: Frame
    readings: list[ZoneReading]
    signals: dict[str, ZoneSignal]
    chairs_taken: int
    working: bool
    changes: list[EventChange] = field(default_factory=list)


class CameraPipeline:
    """Analyse a camera's frames in time order; pure apart from the images (no database, no clock)."""

    def __init__(self, config: CameraConfig, reference: np.ndarray, hours: WorkingHours) -> None:
        self.config = config
        self.hours = hours
        self.analyzer = FrameAnalyzer(config, reference)
        self.trackers = {z.name: OccupancyTracker(z) for z in config.zones if z.type in ("seat", "chair")}
        self.references = {name: ZoneReference(tracker.zone) for name, tracker in self.trackers.items()}
        self.stillness = {z.name: StillnessTracker(z) for z in config.zones_of("seat")}
        r = config.rules
        self.rules: list[ConditionRule] = []
        for z in config.zones_of("seat"):
            if r.off_post:
                self.rules.append(ConditionRule("off_post", z.name, r.off_post_s, r.cooldown_s))
            if r.asleep:
                self.rules.append(ConditionRule("asleep", z.name, r.asleep_s, r.cooldown_s))
        self.crowd_rule = (ConditionRule("crowding", CROWD_ZONE, r.crowding_s, r.cooldown_s)
                           if r.crowding and config.zones_of("chair") else None)
        self._working_since: datetime | None = None
        self._crowd_since: datetime | None = None
        self.moved_rule = ConditionRule("camera_moved", WHOLE_VIEW, CAMERA_MOVED_AFTER_S, 0.0)
        self._unaligned_since: datetime | None = None

    def process(self, frame: Frame) -> FrameResult:
        """Run one frame through every stage."""
        at = frame.at
        working = self.hours.is_working(at)
        if not working:
            self._working_since = None
        elif self._working_since is None:
            self._working_since = at
        readings = self.analyzer.analyse(frame.image)
        moved = self._camera_moved(at)
        if not self.analyzer.registration.trusted:
            # The zones no longer lie where they were drawn: nothing is read from this frame, and the
            # events already open stay as they were until the picture lines up again.
            return FrameResult(frame, readings, {}, 0, working, moved)
        by_zone = {r.zone: r for r in readings}
        signals: dict[str, ZoneSignal] = {}
        for name, tracker in self.trackers.items():
            signal = tracker.update(by_zone[name], at)
            if name in self.stillness:
                still = self.stillness[name].update(signal.occupied, by_zone[name], at)
                signal = replace(signal, still_since=still)
            signals[name] = signal
            if self.references[name].update(by_zone[name], signal, at):
                self.analyzer.adopt(name)
            elif signal.confidently_empty:
                self.analyzer.learn_empty(name)
        chairs = [signals[z.name] for z in self.config.zones_of("chair")]
        taken = sum(1 for s in chairs if s.occupied)
        result = FrameResult(frame, readings, signals, taken, working, moved)
        for rule in self.rules:
            s = signals[rule.zone]
            if rule.kind == "off_post":
                change = rule.step(at, not s.occupied, s.since, working, self._working_since,
                                   ended_at=s.since if s.occupied else None, may_start=not s.settling)
            else:
                holding = s.occupied and s.still_since is not None
                change = rule.step(at, holding, s.still_since, working, self._working_since,
                                   ended_at=None if s.occupied else s.since, may_start=not s.settling)
            if change is not None:
                result.changes.append(change)
        if self.crowd_rule is not None:
            result.changes.extend(self._crowding(at, chairs, taken, working))
        return result

    def _camera_moved(self, at: datetime) -> list[EventChange]:
        """Step the camera-moved rule; it counts every hour, since a moved camera watches nothing."""
        unaligned = not self.analyzer.registration.trusted
        if not unaligned:
            ended_at, self._unaligned_since = self._unaligned_since and at, None
        else:
            ended_at = None
            self._unaligned_since = self._unaligned_since or at
        change = self.moved_rule.step(at, unaligned, self._unaligned_since, True, None, ended_at=ended_at)
        return [change] if change is not None else []

    def _crowding(self, at: datetime, chairs: list[ZoneSignal], taken: int,
                  working: bool) -> list[EventChange]:
        """Step the crowding rule: the count holds since the arrival that brought it to K."""
        assert self.crowd_rule is not None
        crowded = taken >= self.config.rules.crowding_count
        ended_at = None
        if crowded and self._crowd_since is None:
            self._crowd_since = max(s.since for s in chairs if s.occupied)
        elif not crowded:
            if self._crowd_since is not None:
                ended_at = max((s.since for s in chairs if not s.occupied), default=at)
            self._crowd_since = None
        change = self.crowd_rule.step(at, crowded, self._crowd_since, working, self._working_since,
                                      ended_at=ended_at, value=float(taken))
        return [change] if change is not None else []

    def reference_status(self) -> list[dict[str, Any]]:
        """How far each zone's reference can be trusted (monitor.video.references), for the camera page."""
        return [reference.status() for reference in self.references.values()]

    def _all_rules(self) -> list[ConditionRule]:
        return [*self.rules, *([self.crowd_rule] if self.crowd_rule else []), self.moved_rule]

    def finish(self, at: datetime) -> list[EventChange]:
        """End every open event (watching stops)."""
        return [c for c in (r.finish(at) for r in self._all_rules()) if c is not None]

    def open_events(self) -> list[EventChange]:
        """Return the events open now."""
        return [r.open for r in self._all_rules() if r.open is not None]
