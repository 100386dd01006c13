"""Limit how fast the public files complaints and asks questions, counting the stored rows themselves.

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

from .models import Complaint, Inquiry

__all__ = ["ComplaintRateLimits", "InquiryRateLimits", "PublicRateLimited", "check_complaint_rate",
           "check_inquiry_rate"]


@dataclass(frozen=True)
class ComplaintRateLimits:
    """How many public complaints one address and one approval may file in a sliding window."""

    per_ip: int = 5
    ip_window: timedelta = timedelta(hours=1)
    per_query_code: int = 3
    query_code_window: timedelta = timedelta(days=1)


@dataclass(frozen=True)
class InquiryRateLimits:
    """How many questions one address may ask online in a sliding window."""

    per_ip: int = 10
    ip_window: timedelta = timedelta(hours=1)


class PublicRateLimited(EngineError):
    """Too many filings from one address, or about one approval; retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int, scope: str) -> None:
        super().__init__(message, "too_many_requests", {"scope": scope, "retry_after": retry_after})
        self.retry_after = retry_after
        self.scope = scope


def check_complaint_rate(session: Session, now: datetime, limits: ComplaintRateLimits, *,
                         source_ip: str | None, approval_instance_id: int) -> None:
    """Raise PublicRateLimited when one more public complaint would exceed a limit."""
    keys = [f"ip:{source_ip}"] if source_ip else []
    keys.append(f"approval:{approval_instance_id}")
    _serialize(session, keys)
    public = Complaint.channel == "public"
    if source_ip:
        _check(session, now, limits.per_ip, limits.ip_window, public & (Complaint.source_ip == source_ip),
               "ip", "此网络地址提交投诉过于频繁，请稍后再试")
    _check(session, now, limits.per_query_code, limits.query_code_window,
           public & (Complaint.approval_instance_id == approval_instance_id),
           "query_code", "今日针对此办件的投诉次数过多，请稍后再试")


def check_inquiry_rate(session: Session, now: datetime, limits: InquiryRateLimits, *,
                       source_ip: str | None) -> None:
    """Raise PublicRateLimited when one more online question from this address would exceed the limit."""
    if not source_ip:
        return
    _serialize(session, [f"inquiry-ip:{source_ip}"])
    _check(session, now, limits.per_ip, limits.ip_window,
           (Inquiry.channel == "web") & (Inquiry.source_ip == source_ip),
           "ip", "此网络地址提交查询过于频繁，请稍后再试", at=Inquiry.asked_at)


def _check(session: Session, now: datetime, limit: int, window: timedelta, scope_filter: ColumnElement[Any],
           scope: str, message: str, at: Any = Complaint.filed_at) -> None:
    """Count the scope's rows filed (`at`) in the window; when full, say when enough of them age out."""
    filed = list(session.scalars(select(at).where(scope_filter, at > now - window).order_by(at)))
    if len(filed) < limit:
        return
    # After the (len - limit + 1) oldest leave the window, one more complaint fits.
    frees_at = filed[len(filed) - limit] + window
    retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
    raise PublicRateLimited(message, retry_after, scope)


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
