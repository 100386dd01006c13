"""Signals from zone readings over time: occupied (hysteresis + minimum duration), still, chairs taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .analysis import ZoneReading
from .config import Zone

__all__ = ["EDGES_OFF", "EDGES_ON", "OccupancyTracker", "StillnessTracker", "ZoneSignal", "is_gone"]

EDGES_ON = 0.02
"""Share of new edges (ZoneReading.edges) from which a zone reads as occupied whatever its colours say."""
EDGES_OFF = 0.01
"""… and below which the edges agree that it is empty."""


@dataclass(frozen=True)
class ZoneSignal:
    """A zone's smoothed state: occupied or not since when, and (for seats) still since when."""

    zone: str
    occupied: bool
    since: datetime
    confidently_empty: bool
    still_since: datetime | None = None
    settling: bool = False  # a flip is pending (seen, not yet confirmed): no new event should start now


class OccupancyTracker:
    """Occupied/empty with two thresholds and a minimum duration, so noise and a passing arm do not flip it.

    A flip is dated back to the first frame that disagreed with the old state: a person who left at
    10:00:00 left then, not when the minimum duration confirmed it.
    """

    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self.occupied: bool | None = None
        self.since: datetime | None = None
        self._doubt_since: datetime | None = None

    def update(self, reading: ZoneReading, at: datetime) -> ZoneSignal:
        """Feed one reading; return the zone's state after it."""
        z = self.zone
        diff, edges = reading.difference, reading.edges
        # Two cues: either one seeing someone is enough, and empty needs both to agree, so a person
        # whose clothes match the chair (no colour change) is still seen by the outline they add.
        # A change that takes the reference's edges away and adds few is someone who was in the
        # reference picture and has gone: empty, whatever the colours say.
        gone = is_gone(reading)
        says_occupied = not gone and (diff >= z.occupied_on or edges >= EDGES_ON)
        says_empty = gone or (diff < z.occupied_off and edges < EDGES_OFF)
        if self.occupied is None or self.since is None:
            self.occupied, self.since = says_occupied, at
        contradicts = says_empty if self.occupied else says_occupied
        if not contradicts:
            self._doubt_since = None
        else:
            if self._doubt_since is None:
                self._doubt_since = at
            if (at - self._doubt_since).total_seconds() >= z.min_duration_s:
                self.occupied, self.since, self._doubt_since = not self.occupied, self._doubt_since, None
        confident = (not self.occupied and self._doubt_since is None and diff < z.occupied_off / 2
                     and edges < EDGES_OFF / 2)
        settling = self._doubt_since is not None
        return ZoneSignal(z.name, bool(self.occupied), self.since, confident, settling=settling)


def is_gone(reading: ZoneReading) -> bool:
    """Whether what differs from the reference is mostly something it showed that is no longer there.

    Someone who has left takes their outline with them (the reference's edges go missing) and
    uncovers a little of the chair behind (a few new edges); someone who arrives adds an outline
    and hides little. Missing edges at least twice the new ones tell the first from the second.
    """
    return reading.missing >= EDGES_ON and reading.edges * 2 < reading.missing


class StillnessTracker:
    """How long an occupied seat has shown (almost) no motion: the asleep signal."""

    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self.still_since: datetime | None = None

    def update(self, occupied: bool, reading: ZoneReading, at: datetime) -> datetime | None:
        """Feed one reading; return since when the sitter has been still, or None."""
        if not occupied or reading.motion is None or reading.motion >= self.zone.motion_threshold:
            self.still_since = None
        elif self.still_since is None:
            self.still_since = at
        return self.still_since
