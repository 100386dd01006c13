"""Rules stage: turn signals into event lifecycles (start → update → end), one open event per zone × rule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

__all__ = ["EVENT_KINDS", "ConditionRule", "EventChange", "Lifecycle", "worth_persisting"]

EVENT_KINDS = ("off_post", "asleep", "crowding", "camera_moved")


class Lifecycle(Enum):
    """Where an event is in its life."""

    START = "start"
    UPDATE = "update"
    END = "end"


@dataclass(frozen=True)
class EventChange:
    """One step of an event's life, as the rules see it (nothing persisted yet)."""

    lifecycle: Lifecycle
    kind: str
    zone: str
    condition_since: datetime
    started_at: datetime
    at: datetime
    ended_at: datetime | None = None
    value: float | None = None
    peak: float | None = None


class ConditionRule:
    """An event when a condition has held for `hold_s` of working time; a cooldown after each event.

    The caller says whether the condition holds, since when (dated back by the signal), and since when
    the current working period runs; time outside working hours never counts towards `hold_s`.
    """

    def __init__(self, kind: str, zone: str, hold_s: float, cooldown_s: float) -> None:
        self.kind, self.zone = kind, zone
        self.hold = timedelta(seconds=hold_s)
        self.cooldown = timedelta(seconds=cooldown_s)
        self.open: EventChange | None = None
        self.quiet_until: datetime | None = None

    def step(self, at: datetime, holding: bool, since: datetime | None, working: bool,
             working_since: datetime | None, *, ended_at: datetime | None = None,
             value: float | None = None, may_start: bool = True) -> EventChange | None:
        """Advance the rule to `at`; return the lifecycle change this causes, if any.

        `may_start` False holds back a new event while the signal is about to flip (a return seen but not
        yet confirmed), so an event never starts in the moment its condition is ending.
        """
        if self.open is not None:
            if holding and working:
                if value is not None and value != self.open.value:
                    peak = max(value, self.open.peak or value)
                    self.open = replace(self.open, lifecycle=Lifecycle.UPDATE, at=at, value=value, peak=peak)
                    return self.open
                return None
            end = at if not working or ended_at is None else max(ended_at, self.open.started_at)
            change = replace(self.open, lifecycle=Lifecycle.END, at=at, ended_at=end)
            self.open, self.quiet_until = None, end + self.cooldown
            return change
        if not (holding and working and may_start) or since is None:
            return None
        begun = max(since, working_since) if working_since is not None else since
        if at - begun < self.hold or (self.quiet_until is not None and at < self.quiet_until):
            return None
        self.open = EventChange(Lifecycle.START, self.kind, self.zone, begun, at, at, value=value, peak=value)
        return self.open

    def finish(self, at: datetime) -> EventChange | None:
        """End an open event because watching stops (end of a clip, the camera removed)."""
        if self.open is None:
            return None
        change = replace(self.open, lifecycle=Lifecycle.END, at=at, ended_at=at)
        self.open = None
        return change


def worth_persisting(change: EventChange, last_saved: EventChange | None,
                     min_interval_s: float = 60.0) -> bool:
    """Decide whether a lifecycle change is stored, since the database is not a frame log.

    Starts and ends always are; an update is when the peak rose or the last stored state is older
    than `min_interval_s`.
    """
    if change.lifecycle is not Lifecycle.UPDATE or last_saved is None:
        return True
    if change.peak is not None and (last_saved.peak is None or change.peak > last_saved.peak):
        return True
    return (change.at - last_saved.at).total_seconds() >= min_interval_s
