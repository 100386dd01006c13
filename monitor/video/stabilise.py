"""Register each frame to the empty-scene reference before anything is compared with it.

A camera on a wall shakes when doors slam or trucks pass. Shifted by two pixels, an empty chair's
edges no longer line up with the reference and the chair reads as taken; every frame also looks like
motion, so a sleeper never looks still. Each frame's shift and turn against the reference are found
by ECC image alignment (OpenCV's findTransformECC) on a small grey copy, looking only at the
background outside the zones: people come and go inside the zones, and phase correlation over the
whole picture was pulled off by them (a seated crowd made it report shifts of forty pixels). ECC
scores a correlation coefficient, so a change of lighting does not disturb it. The frame is then
moved back before the zones are measured. A frame that cannot be aligned, or only by a shift too
large for shake, means the camera itself was moved, turned or covered.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["ALIGNED", "MAX_SHIFT_SHARE", "MIN_CORRELATION", "REGISTRATION_WIDTH", "Registration",
           "Stabiliser"]

REGISTRATION_WIDTH = 160
"""Width of the grey copy the alignment is measured on: a quarter of a 640-pixel analysis picture
keeps it to a few milliseconds and still resolves about half a pixel at full size."""
MAX_SHIFT_SHARE = 0.06
"""A shift beyond this share of the picture's width is not shake: the camera was knocked or turned."""
MAX_TURN_DEG = 3.0
"""A turn beyond this is not shake either."""
MIN_CORRELATION = 0.6
"""Below this correlation of the background with the reference's, the frame does not show the
scene the zones were drawn on (camera turned away, covered, or the scene rebuilt)."""
_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 1e-3)
_IGNORED_PX = 0.25
"""A shift under this many (analysis) pixels, without a turn, is left alone: moving it would only blur."""


@dataclass(frozen=True)
class Registration:
    """How a frame lay against the reference: shift (analysis pixels), turn (degrees), and trust."""

    dx: float
    dy: float
    turn_deg: float
    correlation: float
    trusted: bool


ALIGNED = Registration(0.0, 0.0, 0.0, 1.0, True)


class Stabiliser:
    """Measures each frame's shift and turn against the reference and moves the frame back by them."""

    def __init__(self, reference: np.ndarray, background: np.ndarray) -> None:
        """`reference`: the prepared (scaled, blurred) empty scene; `background`: 255 outside the zones."""
        height, width = reference.shape[:2]
        self.size = (width, height)
        self.scale = min(1.0, REGISTRATION_WIDTH / width)
        self.small = (max(16, round(width * self.scale)), max(16, round(height * self.scale)))
        self.reference = self._grey(reference)
        mask = cv2.resize(background, self.small, interpolation=cv2.INTER_NEAREST)
        # a margin around the zones: a person leaning out of a chair should not steer the alignment
        self.mask = cv2.erode(mask, np.ones((5, 5), np.uint8))
        if cv2.countNonZero(self.mask) < 0.05 * self.mask.size:
            self.mask = np.full_like(self.mask, 255)
        self.max_shift = MAX_SHIFT_SHARE * width

    def _grey(self, prepared: np.ndarray) -> np.ndarray:
        grey = cv2.cvtColor(prepared, cv2.COLOR_BGR2GRAY) if prepared.ndim == 3 else prepared
        return cv2.resize(grey, self.small, interpolation=cv2.INTER_AREA).astype(np.float32)

    def register(self, prepared: np.ndarray) -> tuple[np.ndarray, Registration]:
        """Return the frame moved onto the reference, and how it lay; an untrusted frame is returned as is."""
        warp = np.eye(2, 3, dtype=np.float32)
        try:
            correlation, warp = cv2.findTransformECC(self.reference, self._grey(prepared), warp,
                                                     cv2.MOTION_EUCLIDEAN, _CRITERIA, self.mask, 1)
        except cv2.error:  # did not converge: nothing in the background lines up any more
            return prepared, Registration(0.0, 0.0, 0.0, 0.0, False)
        dx, dy = float(warp[0, 2]) / self.scale, float(warp[1, 2]) / self.scale
        turn = -float(np.degrees(np.arctan2(warp[1, 0], warp[0, 0])))  # anticlockwise as seen, like cv2's
        trusted = (correlation >= MIN_CORRELATION and np.hypot(dx, dy) <= self.max_shift
                   and abs(turn) <= MAX_TURN_DEG)
        registration = Registration(dx, dy, turn, float(correlation), bool(trusted))
        if not trusted or (abs(dx) < _IGNORED_PX and abs(dy) < _IGNORED_PX and abs(turn) < 0.05):
            return prepared, registration
        full = warp.copy()
        full[:, 2] = (dx, dy)
        moved = cv2.warpAffine(prepared, full, self.size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)
        return moved, registration
