"""The accountability ladder, the escalation policy that proposes a rung, and the global record chain.

Records are append-only (database triggers refuse UPDATE and DELETE) and hash-chained in one
global sequence with HMAC-SHA256 under the chain key (engine.chain_key), so an edit, a deletion or a
reordering done directly in the database shows up in `monitor.chain.verify_accountability_chain`
and cannot be hidden by recomputing the chain without the key. Records cut off the end are caught by
the anchor log (monitor.chain_anchor).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session, aliased

from engine.chain_key import ChainKey, chain_key_for

from .models import LADDER, AccountabilityRecord

__all__ = ["CHAIN_LOCK_KEY", "GENESIS_HASH", "LADDER", "LINK_KINDS", "EscalationPolicy", "Proposal",
           "accountability_hash_at", "accountability_head", "append_record", "effective_records",
           "lock_chain", "measure_for", "previous_count", "propose", "propose_rung", "record_hash",
           "record_hash_of", "record_message"]

GENESIS_HASH = "0" * 64
LINK_KINDS = ("alerts", "complaints", "orders")
# Key of the PostgreSQL transaction-level advisory lock that serializes appends to the chain
# ("owac" in ASCII); any constant works as long as nothing else in the database uses it.
CHAIN_LOCK_KEY = 0x6F776163


@dataclass(frozen=True)
class EscalationPolicy:
    """How earlier cases within a window raise the proposed rung (a setting).

    The proposal is `first_rung + previous cases`, capped at `max_rung`: heavier measures above the
    cap (transfer, dismissal, referral) are a human decision the system never proposes on its own.
    """

    window_days: int = 365
    first_rung: int = 1
    max_rung: int = 5

    def __post_init__(self) -> None:
        """Refuse a policy that could propose a rung outside the ladder."""
        if self.window_days < 1:
            raise ValueError("window_days must be at least 1")
        if not min(LADDER) <= self.first_rung <= self.max_rung <= max(LADDER):
            raise ValueError(f"need {min(LADDER)} <= first_rung <= max_rung <= {max(LADDER)}")

    def rung_for(self, previous: int) -> int:
        """Return the rung proposed after `previous` cases within the window."""
        return min(self.first_rung + max(previous, 0), self.max_rung)


@dataclass(frozen=True)
class Proposal:
    """The rung the system proposes for a new case, and the count it is based on."""

    rung: int
    measure: str
    previous_count: int


def measure_for(rung: int) -> str:
    """Name the measure of a rung; KeyError for a rung that is not on the ladder."""
    return LADDER[rung]


def effective_records() -> ColumnElement[bool]:
    """Filter to the current version of each case: records that no later record corrects.

    A correction restates the case, so counting both the original and its correction would
    escalate the person twice for one case.
    """
    newer = aliased(AccountabilityRecord)
    return ~select(newer.id).where(newer.corrects_id == AccountabilityRecord.id).exists()


def previous_count(session: Session, person: str | None, department_code: str | None, now: datetime,
                   policy: EscalationPolicy) -> int:
    """Count the cases of the same person (else the same department) decided within the window.

    Without a person, every case naming the department counts: the unit answers for the cases of
    its staff too ("the unit's leaders are accountable too").
    """
    if person:
        subject = AccountabilityRecord.person == person
    elif department_code:
        subject = AccountabilityRecord.department_code == department_code
    else:
        return 0
    since = now - timedelta(days=policy.window_days)
    return session.scalar(
        select(func.count()).select_from(AccountabilityRecord).where(
            subject, AccountabilityRecord.decided_at > since, AccountabilityRecord.decided_at <= now,
            effective_records())
    ) or 0


def propose(session: Session, person: str | None, department_code: str | None, now: datetime,
            policy: EscalationPolicy) -> Proposal:
    """Propose the next rung for a case, with the count behind it."""
    count = previous_count(session, person, department_code, now, policy)
    rung = policy.rung_for(count)
    return Proposal(rung, measure_for(rung), count)


def propose_rung(session: Session, person: str | None, department_code: str | None, now: datetime,
                 policy: EscalationPolicy) -> int:
    """Return just the proposed rung."""
    return propose(session, person, department_code, now, policy).rung


def record_message(prev_hash: str, seq: int, person: str | None, department_code: str | None, rung: int,
                   measure: str, reason: str, links: dict[str, Any], decided_by: str, decided_at: datetime,
                   corrects_id: int | None) -> bytes:
    """The canonical bytes of a record and its predecessor's hash (the same JSON the unkeyed chain had).

    The time is taken in UTC so the bytes do not depend on the zone the clock or driver used.
    """
    return json.dumps(
        {"prev_hash": prev_hash, "seq": seq, "person": person, "department_code": department_code,
         "rung": rung, "measure": measure, "reason": reason, "links": links, "decided_by": decided_by,
         "decided_at": decided_at.astimezone(UTC).isoformat(), "corrects_id": corrects_id},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    ).encode()


def record_hash(prev_hash: str, seq: int, person: str | None, department_code: str | None, rung: int,
                measure: str, reason: str, links: dict[str, Any], decided_by: str, decided_at: datetime,
                corrects_id: int | None, *, key: ChainKey) -> str:
    """Hash a record with its predecessor's hash under the chain key: a later edit needs the key to hide."""
    return key.mac("accountability_record", record_message(
        prev_hash, seq, person, department_code, rung, measure, reason, links, decided_by, decided_at,
        corrects_id))


def record_hash_of(record: AccountabilityRecord, prev_hash: str, key: ChainKey) -> str:
    """Recompute a stored record's hash as if it followed `prev_hash`."""
    return record_hash(prev_hash, record.seq, record.person, record.department_code, record.rung,
                       record.measure, record.reason, record.links, record.decided_by, record.decided_at,
                       record.corrects_id, key=key)


def accountability_head(session: Session) -> tuple[int, str]:
    """The chain's head (last seq, its hash), or (0, genesis) while it is empty; one indexed row."""
    last = session.execute(select(AccountabilityRecord.seq, AccountabilityRecord.hash)
                           .order_by(AccountabilityRecord.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def accountability_hash_at(session: Session, seq: int) -> str | None:
    """The stored hash of record `seq`, None if there is no such record."""
    return session.scalar(select(AccountabilityRecord.hash).where(AccountabilityRecord.seq == seq))


def lock_chain(session: Session) -> None:
    """Serialize appenders so two supervisors recording at once cannot fork the chain.

    PostgreSQL: a transaction-level advisory lock (works on the empty table too, where there is no
    last row to lock). SQLite: the command session already began with BEGIN IMMEDIATE, which holds
    the database-wide writer lock. Either way the unique `seq` turns a lost race into a retry.
    Taking it twice in one transaction is harmless (it is released at commit or rollback).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def append_record(session: Session, *, person: str | None, department_code: str | None, rung: int,
                  reason: str, links: dict[str, Any], decided_by: str, decided_at: datetime,
                  corrects_id: int | None = None) -> AccountabilityRecord:
    """Add the next record of the global chain; adds and flushes, the executor commits."""
    lock_chain(session)
    last_seq, prev = accountability_head(session)
    seq = last_seq + 1
    measure = measure_for(rung)
    record = AccountabilityRecord(
        seq=seq, person=person, department_code=department_code, rung=rung, measure=measure,
        reason=reason, links=links, decided_by=decided_by, decided_at=decided_at, corrects_id=corrects_id,
        prev_hash=prev,
        hash=record_hash(prev, seq, person, department_code, rung, measure, reason, links, decided_by,
                         decided_at, corrects_id, key=chain_key_for(session)),
    )
    session.add(record)
    session.flush()
    return record
