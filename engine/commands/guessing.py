"""The commands of the public-code guessing counter: count an unknown code, forget old misses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete

from ..command_context import CommandContext
from ..models.guessing import TrackingMiss
from ..tracking_guard import purge_old_misses

__all__ = ["PurgeOldMissesCommand", "RecordUnknownCodeCommand"]


@dataclass(frozen=True)
class RecordUnknownCodeCommand:
    """Count one unknown code against an address (and forget that address's misses that aged out)."""

    key: str
    window: timedelta

    def execute(self, ctx: CommandContext) -> None:
        """Insert the miss; old ones of the same address go in the same transaction."""
        now = ctx.now()
        ctx.session.execute(delete(TrackingMiss).where(TrackingMiss.address_key == self.key,
                                                       TrackingMiss.at <= now - self.window))
        ctx.session.add(TrackingMiss(address_key=self.key, at=now))


@dataclass(frozen=True)
class PurgeOldMissesCommand:
    """Drop misses older than a day, of addresses that never came back (the scheduler runs it daily)."""

    def execute(self, ctx: CommandContext) -> int:
        """Return how many rows went."""
        return purge_old_misses(ctx.session, ctx.now() - timedelta(days=1))
