"""Keep each zone's empty reference true over time, starting from a picture taken while the hall is open.

A centre can only photograph its hall during opening hours, so the reference often shows someone in
a chair. That zone then reads wrongly in both directions: taken when it is empty, free when that
person's look-alike sits there. The analysis already tells such a zone apart (signals.is_gone: the
colour differs, no edge was added, the reference's edges are missing). When a zone has looked like
that, and stayed still, for REFERENCE_SETTLE_S, its current view replaces its reference. Each zone
also says how far its reference can be trusted, for the administrator's camera page:

- captured: the picture as taken (the camera's reference_at), not yet seen to match an empty zone;
- confirmed: the zone matched it, confidently empty, for CONFIRM_S without a break (at `since`);
- renewed: replaced from the zone's own empty view at `since`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .analysis import ZoneReading
from .config import Zone
from .signals import ZoneSignal, is_gone

__all__ = ["CONFIRM_S", "GAP_S", "REFERENCE_SETTLE_S", "ZoneReference"]

REFERENCE_SETTLE_S = 30.0
"""How long a zone must show only the absence of what its reference had, and no motion, before its
view becomes the reference: a documented bound on how soon a picture with people in it is put right
for a chair that is empty (it is met the first time that chair stays empty for this long)."""
CONFIRM_S = 30.0
"""How long a zone must match its reference, confidently empty, to count it as confirmed."""
GAP_S = 2.0
"""Disagreeing readings shorter than this do not interrupt the count towards renewal."""


@dataclass
class ZoneReference:
    """The trust in one zone's reference, and the timer that renews it."""

    zone: Zone
    state: str = "captured"
    since: datetime | None = None
    _gone_since: datetime | None = None
    _gone_last: datetime | None = None
    _empty_since: datetime | None = None

    def update(self, reading: ZoneReading, signal: ZoneSignal, at: datetime) -> bool:
        """Feed one reading; return True when the zone's view should now become its reference.

        A frame or two that disagree (a jolt of the camera, a passer-by's shadow) do not restart
        the count; GAP_S of disagreement does.
        """
        still = reading.motion is None or reading.motion < self.zone.motion_threshold
        if is_gone(reading) and still:
            self._gone_since, self._gone_last = self._gone_since or at, at
        elif self._gone_last is not None and (at - self._gone_last).total_seconds() > GAP_S:
            self._gone_since = self._gone_last = None
        if (self._gone_since is not None and self._gone_last == at
                and (at - self._gone_since).total_seconds() >= REFERENCE_SETTLE_S):
            self.state, self.since, self._empty_since = "renewed", at, None
            self._gone_since = self._gone_last = None
            return True
        self._empty_since = (self._empty_since or at) if signal.confidently_empty else None
        if (self.state == "captured" and self._empty_since is not None
                and (at - self._empty_since).total_seconds() >= CONFIRM_S):
            self.state, self.since = "confirmed", at
        return False

    def status(self) -> dict[str, Any]:
        """The zone's reference as the camera page shows it."""
        return {"zone": self.zone.name, "state": self.state,
                "since": self.since.isoformat() if self.since is not None else None}
