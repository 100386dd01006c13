"""Analysis stage: measure each zone against its empty reference and against the previous frame.

Each frame is first moved back onto the reference by the shift the camera's shaking gave it
(monitor.video.stabilise), so both comparisons see the scene, not the shake.
Whole-frame lighting changes are taken out first: the frame's brightness is matched to the reference
with a gain and offset estimated from robust percentiles of the area outside the zones, so dimmed lights
or sun on the glass do not look like a person arriving or leaving.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .config import CameraConfig, Zone
from .stabilise import ALIGNED, Stabiliser

__all__ = ["DIFF_LEVEL", "EDGE_LEVEL", "MOTION_LEVEL", "FrameAnalyzer", "ZoneReading", "edge_map",
           "scaled_size"]

DIFF_LEVEL = 28.0
"""Levels (after blur and brightness matching, in the channel that differs most) by which a pixel
must differ from the reference."""
MOTION_LEVEL = 18.0
"""Levels by which a pixel must change between two samples to count as motion."""
REFERENCE_RATE = 0.03
"""Share of a confidently empty zone's new look blended into its reference per sample (slow drift)."""
_PERCENTILES = (20.0, 50.0, 80.0)


EDGE_LEVEL = 24
"""Grey-level gradient (Sobel, halved) above which a pixel is an edge."""


@dataclass(frozen=True)
class ZoneReading:
    """What one frame says about one zone, by two independent cues, and how much it moved.

    `difference`: share differing in colour from the empty reference. `edges`: share of edges the
    empty reference does not have (within a pixel) — an outline, a face, a collar — which stays
    when clothes have the colour of the chair and the colour cue sees nothing. `missing`: share of
    the reference's edges the frame no longer has: what differs is something gone from the
    reference picture (it was taken with someone in the chair), not someone come. `motion`: share
    that changed since the previous frame.
    """

    zone: str
    difference: float
    motion: float | None
    edges: float = 0.0
    missing: float = 0.0


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


_NEIGHBOURS = np.ones((3, 3), np.uint8)


def edge_map(grey: np.ndarray) -> np.ndarray:
    """Where a grey patch has edges: gradient magnitude above EDGE_LEVEL."""
    gx = cv2.convertScaleAbs(cv2.Sobel(grey, cv2.CV_16S, 1, 0))
    gy = cv2.convertScaleAbs(cv2.Sobel(grey, cv2.CV_16S, 0, 1))
    return cv2.addWeighted(gx, 0.5, gy, 0.5, 0) > EDGE_LEVEL


def _moved_beyond_a_pixel(grey: np.ndarray, before: np.ndarray) -> np.ndarray:
    """How far each pixel's brightness lies outside the range its neighbourhood had in the previous view.

    Two aligned frames still differ by the alignment's own error (a fraction of a pixel), which
    along a sharp outline looks like motion and would keep a sleeper from ever looking still; a
    person who moves shifts by more than that, so only changes no neighbour explains are counted.
    Brightness only: JPEG keeps colour at half resolution, so colour edges jump by whole blocks
    from frame to frame while nothing moves.
    """
    low, high = cv2.erode(before, _NEIGHBOURS), cv2.dilate(before, _NEIGHBOURS)
    return cv2.max(cv2.subtract(low, grey), cv2.subtract(grey, high))


class FrameAnalyzer:
    """Per-frame measurements for one camera; holds the reference and each zone's previous view.

    Colour is kept: dark-blue clothes on a dark-grey chair differ little in grey but clearly in blue.
    Brightness is matched per channel (a warmer sun changes red more than blue) from histograms of
    the background, and only the zones' patches are transformed and compared, in 8 bits.
    """

    def __init__(self, config: CameraConfig, reference: np.ndarray) -> None:
        self.config = config
        height, width = reference.shape[:2]
        self.size = scaled_size(width, height, config.analysis_width)
        self.masks = [_ZoneMask(z, *self.size) for z in config.zones]
        prepared = self._prepare(reference)
        # The float copy accumulates the slow drift; the 8-bit copy is what frames are compared with.
        self._ref_float = {m.zone.name: prepared[m.box].astype(np.float32) for m in self.masks}
        self.references: dict[str, np.ndarray] = {}
        self._ref_edges: dict[str, np.ndarray] = {}
        self._ref_edges_exact: dict[str, np.ndarray] = {}
        for m in self.masks:
            self._set_reference(m.zone.name, prepared[m.box].copy())
        outside = np.full(self.size[::-1], 255, dtype=np.uint8)
        for m in self.masks:
            outside[m.full > 0] = 0
        if cv2.countNonZero(outside) < 0.05 * outside.size:  # zones cover the picture: match on all of it
            outside[:] = 255
        self._background = outside
        self._ref_levels = self._levels(prepared)
        self.stabiliser = Stabiliser(prepared, outside)
        self.registration = ALIGNED
        self._previous: dict[str, np.ndarray] = {}
        self._previous_grey: dict[str, np.ndarray] = {}
        self.gain = np.ones(3, np.float32)
        self.offset = np.zeros(3, np.float32)

    def _prepare(self, image: np.ndarray) -> np.ndarray:
        """Scale and blur a picture (3 channels, 8 bits) into what every comparison uses."""
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        if image.shape[1] != self.size[0] or image.shape[0] != self.size[1]:
            image = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        return cv2.GaussianBlur(image, (5, 5), 0)

    def _levels(self, prepared: np.ndarray) -> np.ndarray:
        """Return the background's percentiles per channel, shape (3 percentiles, 3 channels)."""
        levels = np.empty((len(_PERCENTILES), 3), np.float32)
        for channel in range(3):
            hist = cv2.calcHist([prepared], [channel], self._background, [256], [0, 256]).ravel()
            cdf = np.cumsum(hist)
            levels[:, channel] = np.searchsorted(cdf, cdf[-1] * np.array(_PERCENTILES) / 100.0)
        return levels

    def _match_brightness(self, prepared: np.ndarray) -> np.ndarray:
        """Return the 3×4 matrix mapping the frame's colours onto the reference's (gain and offset)."""
        low, mid, high = self._levels(prepared)
        ref_low, ref_mid, ref_high = self._ref_levels
        self.gain = np.clip((ref_high - ref_low) / np.maximum(high - low, 1.0), 0.2, 5.0).astype(np.float32)
        self.offset = (ref_mid - self.gain * mid).astype(np.float32)
        return np.hstack([np.diag(self.gain), self.offset[:, None]]).astype(np.float32)

    def analyse(self, image: np.ndarray) -> list[ZoneReading]:
        """Measure every zone of a frame; also remember each zone's view for the next motion measurement."""
        prepared, self.registration = self.stabiliser.register(self._prepare(image))
        matrix = self._match_brightness(prepared)
        readings = []
        for m in self.masks:
            patch = cv2.transform(prepared[m.box], matrix)  # 8 bits, saturating
            difference = self._share(cv2.absdiff(patch, self.references[m.zone.name]), DIFF_LEVEL, m)
            grey = cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)  # once, for the edges and the motion
            frame_edges = edge_map(grey)
            new_edges = frame_edges & ~self._ref_edges[m.zone.name] & m.mask
            edges = float(np.count_nonzero(new_edges)) / m.area
            widened = cv2.dilate(frame_edges.astype(np.uint8), _NEIGHBOURS) > 0
            missing = float(np.count_nonzero(self._ref_edges_exact[m.zone.name] & ~widened & m.mask)) / m.area
            before = self._previous_grey.get(m.zone.name)
            moved = None if before is None else _moved_beyond_a_pixel(grey, before)
            motion = None if moved is None else self._share(moved, MOTION_LEVEL, m)
            self._previous[m.zone.name], self._previous_grey[m.zone.name] = patch, grey
            readings.append(ZoneReading(m.zone.name, difference, motion, edges, missing))
        return readings

    @staticmethod
    def _share(diff: np.ndarray, level: float, m: _ZoneMask) -> float:
        """Share of the zone whose most-changed channel (or grey level) moved by more than `level`."""
        strongest = diff if diff.ndim == 2 else cv2.max(cv2.max(diff[:, :, 0], diff[:, :, 1]), diff[:, :, 2])
        return float(np.count_nonzero((strongest > level) & m.mask)) / m.area

    def learn_empty(self, zone_name: str) -> None:
        """Blend the last view of a confidently empty zone into its reference (slow drift only)."""
        previous = self._previous.get(zone_name)
        if previous is None:
            return
        mask = next(m.mask for m in self.masks if m.zone.name == zone_name)
        ref = self._ref_float[zone_name]
        blended = ref * (1 - REFERENCE_RATE) + previous.astype(np.float32) * REFERENCE_RATE
        ref[mask] = blended[mask]
        self._set_reference(zone_name, cv2.convertScaleAbs(ref))

    def adopt(self, zone_name: str) -> None:
        """Take the zone's last view as its empty reference outright (the old one showed someone)."""
        previous = self._previous.get(zone_name)
        if previous is None:
            return
        self._ref_float[zone_name] = previous.astype(np.float32)
        self._set_reference(zone_name, previous.copy())

    def _set_reference(self, zone_name: str, reference: np.ndarray) -> None:
        """Keep a zone's reference with its edges, computed once for every frame compared with it.

        Exact edges are what may go missing; widened by a pixel, what an edge the alignment left a
        bit off is checked against (it is not new).
        """
        exact = edge_map(cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY))
        self.references[zone_name] = reference
        self._ref_edges_exact[zone_name] = exact
        self._ref_edges[zone_name] = cv2.dilate(exact.astype(np.uint8), _NEIGHBOURS) > 0

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
