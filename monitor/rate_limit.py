"""Limit how fast the public files complaints, counting the complaint rows themselves.

The count lives in the database, so every web worker sees the same numbers, and only complaints
that were accepted count: a refused attempt costs nothing, and a complaint once accepted is never
undone by a later flood. The check runs inside the filing command's transaction, after taking a
lock per limited key (SQLite's writer lock, or PostgreSQL advisory locks), so two requests racing
on the same key cannot both slip under the limit.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from engine.exceptions import EngineError

from .models import Complaint

__all__ = ["ComplaintRateLimited", "ComplaintRateLimits", "check_complaint_rate"]


@dataclass(frozen=True)
class ComplaintRateLimits:
    """How many public complaints one address and one approval may file in a sliding window."""

    per_ip: int = 5
    ip_window: timedelta = timedelta(hours=1)
    per_query_code: int = 3
    query_code_window: timedelta = timedelta(days=1)


class ComplaintRateLimited(EngineError):
    """Too many complaints from one address, or about one approval; retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int, scope: str) -> None:
        super().__init__(message, "too_many_requests", {"scope": scope, "retry_after": retry_after})
        self.retry_after = retry_after
        self.scope = scope


def check_complaint_rate(session: Session, now: datetime, limits: ComplaintRateLimits, *,
                         source_ip: str | None, approval_instance_id: int) -> None:
    """Raise ComplaintRateLimited when one more public complaint would exceed a limit."""
    keys = [f"ip:{source_ip}"] if source_ip else []
    keys.append(f"approval:{approval_instance_id}")
    _serialize(session, keys)
    public = Complaint.channel == "public"
    if source_ip:
        _check(session, now, limits.per_ip, limits.ip_window, public & (Complaint.source_ip == source_ip),
               "ip", "too many complaints from this address; please try again later")
    _check(session, now, limits.per_query_code, limits.query_code_window,
           public & (Complaint.approval_instance_id == approval_instance_id),
           "query_code", "too many complaints about this application today; please try again later")


def _check(session: Session, now: datetime, limit: int, window: timedelta, scope_filter: ColumnElement[Any],
           scope: str, message: str) -> None:
    """Count the scope's complaints in the window; when full, say when enough of them age out."""
    filed = list(session.scalars(select(Complaint.filed_at)
                                 .where(scope_filter, Complaint.filed_at > now - window)
                                 .order_by(Complaint.filed_at)))
    if len(filed) < limit:
        return
    # After the (len - limit + 1) oldest leave the window, one more complaint fits.
    frees_at = filed[len(filed) - limit] + window
    retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
    raise ComplaintRateLimited(message, retry_after, scope)


def _serialize(session: Session, keys: list[str]) -> None:
    """Make count-then-insert atomic per key; SQLite already holds its database-wide writer lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    # A fixed order of locks across requests means two requests can never wait on each other in a cycle.
    for lock_id in sorted(_lock_id(key) for key in keys):
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def _lock_id(key: str) -> int:
    """Map a key to a signed 64-bit advisory lock id."""
    digest = hashlib.sha256(f"onewindow:complaint-rate:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
