"""Offline analysis of a clip: run the whole pipeline over a file and list the events, no database needed."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from engine.workdays import ChineseOfficialCalendar

from .capture import IMAGE_SUFFIXES, FileSource, read_image
from .config import CameraConfig, load_camera_config
from .pipeline import CameraPipeline
from .rules import EventChange, Lifecycle
from .schedule import WorkingHours

__all__ = ["CLIP_EPOCH", "analyze_clip", "dumps", "find_reference", "load_reference", "median_reference"]

CLIP_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Instant of a clip's first frame when no start time is given (the schedule is then not applied)."""


def median_reference(paths: list[Path]) -> np.ndarray:
    """Build an empty-seat reference as the per-pixel median of pictures (noise and passers-by drop out)."""
    images = [img for img in (read_image(p) for p in paths) if img is not None]
    if not images:
        raise ValueError("no readable images for the reference")
    shape = images[0].shape
    same = [img for img in images if img.shape == shape]
    return np.median(np.stack(same), axis=0).astype(np.uint8)


def load_reference(path: Path) -> np.ndarray:
    """Read a reference picture, or the median of a folder of them."""
    if path.is_dir():
        return median_reference(sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES))
    image = read_image(path)
    if image is None:
        raise ValueError(f"cannot read the reference image {path}")
    return image


def find_reference(clip: Path) -> Path | None:
    """Find the reference that sits beside a clip: <stem>-reference.png/.jpg or a <stem>-reference/ folder."""
    for suffix in (".png", ".jpg", ".jpeg", ""):
        candidate = clip.with_name(f"{clip.stem}-reference{suffix}")
        if candidate.exists():
            return candidate
    return None


def analyze_clip(clip: Path, config: CameraConfig | dict[str, Any], reference: np.ndarray,
                 start: datetime | None = None) -> list[dict[str, Any]]:
    """Return the events of a clip as {kind, zone, start_s, end_s}; an event open at the end has end_s None.

    Without `start` every moment counts as working time (a clip has no wall-clock time of its own).
    """
    if isinstance(config, dict):
        config = load_camera_config(config)
    if start is None:
        config = replace(config, schedule=replace(config.schedule, always=True))
    epoch = start or CLIP_EPOCH
    hours = WorkingHours(config.schedule, ChineseOfficialCalendar())
    pipeline = CameraPipeline(config, reference, hours)
    source = FileSource(clip, config.sample_rate, epoch)
    if not source.opened:
        raise ValueError(f"cannot open the clip {clip}")
    events: dict[tuple[str, str, datetime], dict[str, Any]] = {}
    try:
        while (frame := source.read()) is not None:
            for change in pipeline.process(frame).changes:
                _record(events, change, epoch)
        for change in pipeline.open_events():
            events[(change.kind, change.zone, change.started_at)]["end_s"] = None
    finally:
        source.close()
    return sorted(events.values(), key=lambda e: (e["start_s"], e["kind"], e["zone"]))


def _record(events: dict[tuple[str, str, datetime], dict[str, Any]], change: EventChange,
            epoch: datetime) -> None:
    key = (change.kind, change.zone, change.started_at)
    entry = events.setdefault(key, {"kind": change.kind, "zone": change.zone,
                                    "start_s": _seconds(change.started_at, epoch), "end_s": None})
    if change.lifecycle is Lifecycle.END and change.ended_at is not None:
        entry["end_s"] = _seconds(change.ended_at, epoch)
    if change.peak is not None:
        entry["peak"] = change.peak


def _seconds(at: datetime, epoch: datetime) -> float:
    return round((at - epoch).total_seconds(), 2)


def dumps(events: list[dict[str, Any]]) -> str:
    """Return the events as the CLI's JSON."""
    return json.dumps(events, ensure_ascii=False)

