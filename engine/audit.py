"""Append audit events to an instance's keyed hash chain, verify a chain, and read chain heads cheaply.

Each event's hash is HMAC-SHA256, under the chain key (engine.chain_key), of the event together with
its predecessor's hash: an edit breaks the chain, and recomputing it takes the key, which is not in
the database. Cutting events off the end leaves no broken link; the anchor log
(monitor.chain_anchor) remembers each chain's head for that.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session

from .chain_key import ChainKey, chain_key_for
from .models import AuditEvent

__all__ = ["GENESIS_HASH", "append_event", "audit_hashes_at", "audit_heads", "event_hash", "event_message",
           "verify_chain"]

GENESIS_HASH = "0" * 64
# Keyed lookups are chunked so a query never carries more parameters than a driver accepts.
LOOKUP_CHUNK = 400


def event_message(prev_hash: str, instance_id: int, seq: int, at: datetime, actor: str | None, action: str,
                  task_id: str | None, details: dict[str, Any]) -> bytes:
    """The canonical bytes of an event and its predecessor's hash (the JSON the unkeyed chains hashed)."""
    return json.dumps(
        [prev_hash, instance_id, seq, at.isoformat(), actor, action, task_id, details],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    ).encode()


def event_hash(prev_hash: str, instance_id: int, seq: int, at: datetime, actor: str | None,
               action: str, task_id: str | None, details: dict[str, Any], *, key: ChainKey) -> str:
    """Hash an event together with its predecessor under the chain key, so an edit needs the key to hide."""
    return key.mac("audit_event", event_message(prev_hash, instance_id, seq, at, actor, action, task_id,
                                                details))


def append_event(session: Session, instance_id: int, at: datetime, actor: str | None, action: str,
                 task_id: str | None, details: dict[str, Any] | None, last: tuple[int, str]) -> AuditEvent:
    """Add the event after `last` (seq, hash) to an instance's chain; the caller holds the instance lock.

    The caller keeps the chain's head on the instance row, so appending reads nothing.
    """
    seq, prev = last[0] + 1, last[1]
    details = details or {}
    key = chain_key_for(session)
    digest = event_hash(prev, instance_id, seq, at, actor, action, task_id, details, key=key)
    event = AuditEvent(instance_id=instance_id, seq=seq, at=at, actor=actor, action=action,
                       task_id=task_id, details=details, prev_hash=prev, hash=digest)
    session.add(event)
    return event


def verify_chain(session: Session, instance_id: int, key: ChainKey | None = None) -> list[int]:
    """Return the sequence numbers whose hash does not match; an empty list means intact."""
    key = key or chain_key_for(session)
    broken: list[int] = []
    prev = GENESIS_HASH
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    )
    for ev in rows:
        expected = event_hash(prev, ev.instance_id, ev.seq, ev.at, ev.actor, ev.action, ev.task_id,
                              ev.details, key=key)
        if ev.prev_hash != prev or ev.hash != expected:
            broken.append(ev.seq)
        prev = ev.hash
    return broken


def audit_heads(session: Session) -> dict[int, tuple[int, str]]:
    """Every chain's head: instance id -> (last seq, its hash).

    One grouped query over the (instance_id, seq) unique index and one row per chain: no event
    payload is read, so the scheduler can afford it every few minutes.
    """
    last = (select(AuditEvent.instance_id, func.max(AuditEvent.seq).label("seq"))
            .group_by(AuditEvent.instance_id).subquery())
    rows = session.execute(
        select(AuditEvent.instance_id, AuditEvent.seq, AuditEvent.hash)
        .join(last, and_(AuditEvent.instance_id == last.c.instance_id, AuditEvent.seq == last.c.seq)))
    return {instance_id: (seq, digest) for instance_id, seq, digest in rows}


def audit_hashes_at(session: Session, wanted: dict[int, int]) -> dict[int, str]:
    """The stored hash of event `seq` of each chain in {instance id: seq}; absent chains are left out."""
    found: dict[int, str] = {}
    pairs = sorted(wanted.items())
    for start in range(0, len(pairs), LOOKUP_CHUNK):
        chunk = pairs[start:start + LOOKUP_CHUNK]
        rows = session.execute(select(AuditEvent.instance_id, AuditEvent.hash)
                               .where(tuple_(AuditEvent.instance_id, AuditEvent.seq).in_(chunk)))
        found.update({instance_id: digest for instance_id, digest in rows})
    return found
