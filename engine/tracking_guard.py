"""Slow down anyone guessing query codes: after a few unknown codes, an address must wait.

The misses are rows in the database, so several web processes (and hosts) count one guesser
together. Only unknown codes are written — someone following their own application costs nothing —
and the address is kept as a keyed hash, since an IP address is personal data the centre need not hold.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models.guessing import TrackingMiss

__all__ = ["GuessingLimits", "address_key", "purge_old_misses", "seconds_to_wait"]


@dataclass(frozen=True)
class GuessingLimits:
    """`limit` unknown codes per address within `window`; then wait until the oldest ages out."""

    limit: int = 5
    window: timedelta = timedelta(minutes=10)


def address_key(secret: str, address: str) -> str:
    """A stable pseudonym for an address (HMAC-SHA256 with the app's secret)."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def seconds_to_wait(session: Session, key: str, now: datetime, limits: GuessingLimits) -> int | None:
    """How long the address must wait before asking again, or None when it may ask now."""
    misses = list(session.scalars(
        select(TrackingMiss.at).where(TrackingMiss.address_key == key, TrackingMiss.at > now - limits.window)
        .order_by(TrackingMiss.at.desc()).limit(limits.limit)))
    if len(misses) < limits.limit:
        return None
    return max(1, math.ceil((misses[-1] + limits.window - now).total_seconds()))


def purge_old_misses(session: Session, before: datetime) -> int:
    """Delete misses recorded before `before`; return how many."""
    return session.execute(delete(TrackingMiss).where(TrackingMiss.at < before)).rowcount or 0
