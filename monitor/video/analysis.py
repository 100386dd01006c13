"""Analysis stage: measure each zone against its empty reference and against the previous frame.

Whole-frame lighting changes are taken out first: the frame's brightness is matched to the reference
with a gain and offset estimated from robust percentiles of the area outside the zones, so dimmed lights
or sun on the glass do not look like a person arriving or leaving.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .config import CameraConfig, Zone

__all__ = ["DIFF_LEVEL", "MOTION_LEVEL", "FrameAnalyzer", "ZoneReading", "scaled_size"]

DIFF_LEVEL = 28.0
"""Grey levels (after blur and brightness matching) by which a pixel must differ from the reference."""
MOTION_LEVEL = 18.0
"""Grey levels by which a pixel must change between two samples to count as motion."""
REFERENCE_RATE = 0.03
"""Share of a confidently empty zone's new look blended into its reference per sample (slow drift)."""
_PERCENTILES = (20.0, 50.0, 80.0)


@dataclass(frozen=True)
class ZoneReading:
    """What one frame says about one zone: share differing from the empty reference, share moving."""

    zone: str
    difference: float
    motion: float | None


def scaled_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    """Return the analysis size: frames wider than `max_width` are scaled down, keeping the aspect."""
    if width <= max_width:
        return width, height
    return max_width, max(1, round(height * max_width / width))


class _ZoneMask:
    """A zone rasterised at the analysis size: its bounding box and the mask inside that box."""

    def __init__(self, zone: Zone, width: int, height: int) -> None:
        points = np.array([[round(x * (width - 1)), round(y * (height - 1))] for x, y in zone.polygon],
                          dtype=np.int32)
        full = np.zeros((height, width), dtype=np.uint8)
        cv2.fillPoly(full, [points], 255)
        x, y, w, h = cv2.boundingRect(points)
        self.zone = zone
        self.points = points
        self.box = (slice(y, y + max(h, 1)), slice(x, x + max(w, 1)))
        self.mask = full[self.box] > 0
        self.area = max(int(self.mask.sum()), 1)
        self.full = full


class FrameAnalyzer:
    """Per-frame measurements for one camera; holds the reference and the previous frame."""

    def __init__(self, config: CameraConfig, reference: np.ndarray) -> None:
        self.config = config
        height, width = reference.shape[:2]
        self.size = scaled_size(width, height, config.analysis_width)
        self.masks = [_ZoneMask(z, *self.size) for z in config.zones]
        self.reference = self._prepare(reference)
        outside = np.ones(self.size[::-1], dtype=bool)
        for m in self.masks:
            outside &= m.full == 0
        if outside.sum() < 0.05 * outside.size:  # zones cover the picture: match on all of it
            outside[:] = True
        # Every 3rd pixel of the background is plenty for percentiles and keeps them cheap.
        self._sample = np.flatnonzero(outside.ravel())[::3]
        self._ref_levels = np.percentile(self.reference.ravel()[self._sample], _PERCENTILES)
        self._previous: np.ndarray | None = None
        self.gain, self.offset = 1.0, 0.0

    def _prepare(self, image: np.ndarray) -> np.ndarray:
        """Scale, grey and blur a picture into the float image every comparison uses."""
        if image.shape[1] != self.size[0] or image.shape[0] != self.size[1]:
            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        return cv2.GaussianBlur(grey, (5, 5), 0).astype(np.float32)

    def _match_brightness(self, grey: np.ndarray) -> np.ndarray:
        """Map the frame's grey levels onto the reference's (gain and offset from robust percentiles)."""
        low, mid, high = np.percentile(grey.ravel()[self._sample], _PERCENTILES)
        ref_low, ref_mid, ref_high = self._ref_levels
        spread = max(high - low, 1.0)
        gain = float(np.clip((ref_high - ref_low) / spread, 0.2, 5.0))
        offset = float(ref_mid - gain * mid)
        self.gain, self.offset = gain, offset
        return grey * gain + offset

    def analyse(self, image: np.ndarray) -> list[ZoneReading]:
        """Measure every zone of a frame; also remember the frame for the next motion measurement."""
        grey = self._match_brightness(self._prepare(image))
        readings = []
        for m in self.masks:
            patch = grey[m.box]
            changed = np.abs(patch - self.reference[m.box]) > DIFF_LEVEL
            difference = float(np.count_nonzero(changed & m.mask)) / m.area
            motion = None
            if self._previous is not None:
                moved = np.abs(patch - self._previous[m.box]) > MOTION_LEVEL
                motion = float(np.count_nonzero(moved & m.mask)) / m.area
            readings.append(ZoneReading(m.zone.name, difference, motion))
        self._previous = grey
        return readings

    def learn_empty(self, zone_name: str) -> None:
        """Blend the last frame's view of a confidently empty zone into its reference (slow drift only)."""
        if self._previous is None:
            return
        for m in self.masks:
            if m.zone.name == zone_name:
                ref = self.reference[m.box]
                blended = ref * (1 - REFERENCE_RATE) + self._previous[m.box] * REFERENCE_RATE
                ref[m.mask] = blended[m.mask]

    def draw(self, image: np.ndarray, zone_names: set[str]) -> np.ndarray:
        """Return a copy of the frame with the named zones outlined (red) and the others (grey)."""
        out = image.copy()
        height, width = out.shape[:2]
        for m in self.masks:
            points = np.array([[round(x * (width - 1)), round(y * (height - 1))] for x, y in m.zone.polygon],
                              dtype=np.int32)
            hot = m.zone.name in zone_names
            cv2.polylines(out, [points], True, (0, 0, 255) if hot else (160, 160, 160), 3 if hot else 1)
            cv2.putText(out, m.zone.name, tuple(int(v) for v in points[0]), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                        (0, 0, 255) if hot else (200, 200, 200), 1)
        return out
