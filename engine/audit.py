"""Append audit events to an instance's hash chain, and verify a chain."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent

__all__ = ["GENESIS_HASH", "append_event", "event_hash", "verify_chain"]

GENESIS_HASH = "0" * 64


def event_hash(prev_hash: str, instance_id: int, seq: int, at: datetime, actor: str | None,
               action: str, task_id: str | None, details: dict[str, Any]) -> str:
    """Hash an event together with its predecessor so any later edit breaks the chain."""
    canonical = json.dumps(
        [prev_hash, instance_id, seq, at.isoformat(), actor, action, task_id, details],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def append_event(session: Session, instance_id: int, at: datetime, actor: str | None, action: str,
                 task_id: str | None = None, details: dict[str, Any] | None = None,
                 last: tuple[int, str] | None = None) -> AuditEvent:
    """Add the next event of an instance's chain; the caller holds the instance lock."""
    if last is None:
        row = session.execute(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.instance_id == instance_id)
            .order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        last = (row[0], row[1]) if row else (0, GENESIS_HASH)
    seq, prev = last[0] + 1, last[1]
    details = details or {}
    digest = event_hash(prev, instance_id, seq, at, actor, action, task_id, details)
    event = AuditEvent(instance_id=instance_id, seq=seq, at=at, actor=actor, action=action,
                       task_id=task_id, details=details, prev_hash=prev, hash=digest)
    session.add(event)
    return event


def verify_chain(session: Session, instance_id: int) -> list[int]:
    """Return the sequence numbers whose hash does not match; an empty list means intact."""
    broken: list[int] = []
    prev = GENESIS_HASH
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    )
    for ev in rows:
        expected = event_hash(prev, ev.instance_id, ev.seq, ev.at, ev.actor, ev.action, ev.task_id,
                              ev.details)
        if ev.prev_hash != prev or ev.hash != expected:
            broken.append(ev.seq)
        prev = ev.hash
    return broken
