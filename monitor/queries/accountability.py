"""Read paths for accountability: the escalation proposal for a new case and the chain's head."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from ..accountability_chain import GENESIS_HASH
from ..models import AccountabilityRecord, EscalationPolicy, Proposal, measure_for

__all__ = ["accountability_hash_at", "accountability_head", "effective_records", "previous_count", "propose",
           "propose_rung"]


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


def accountability_head(session: Session) -> tuple[int, str]:
    """The chain's head (last seq, its hash), or (0, genesis) while it is empty; one indexed row."""
    last = session.execute(select(AccountabilityRecord.seq, AccountabilityRecord.hash)
                           .order_by(AccountabilityRecord.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def accountability_hash_at(session: Session, seq: int) -> str | None:
    """The stored hash of record `seq`, None if there is no such record."""
    return session.scalar(select(AccountabilityRecord.hash).where(AccountabilityRecord.seq == seq))
