"""Read paths for accountability: the register, the escalation proposal for a new case, the chain's head."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from engine.command_context import Actor
from engine.exceptions import NotFoundError
from engine.queries.paging import page_of
from engine.workdays import SHANGHAI

from ..accountability_chain import GENESIS_HASH
from ..models import AccountabilityRecord, EscalationPolicy, Proposal, measure_for
from ..roles import DEPARTMENT_ROLES, LIST_ALL_ROLES, can_see_accountability_record

__all__ = ["accountability_hash_at", "accountability_head", "accountability_page",
           "accountability_record_for", "corrected_by", "effective_records", "previous_count", "propose",
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


def accountability_page(session: Session, actor: Actor, *, person: str | None = None,
                        department: str | None = None, year: int | None = None, page: int = 1,
                        per_page: int = 50) -> tuple[list[AccountabilityRecord], int]:
    """Return one page of the records the caller may list, newest first (by chain position), and the total.

    Supervision lists every record (or a department's); department staff list the records naming their
    own department; anyone else lists none. `year` is the year as the centre counts it, in Beijing time.
    """
    query = select(AccountabilityRecord)
    if actor.role not in LIST_ALL_ROLES:
        if actor.role not in DEPARTMENT_ROLES or not actor.department_code:
            return [], 0
        query = query.where(AccountabilityRecord.department_code == actor.department_code)
    elif department:
        query = query.where(AccountabilityRecord.department_code == department)
    if person:
        query = query.where(AccountabilityRecord.person == person)
    if year:
        start = datetime(year, 1, 1, tzinfo=SHANGHAI)
        end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
        query = query.where(AccountabilityRecord.decided_at >= start, AccountabilityRecord.decided_at < end)
    return page_of(session, query, AccountabilityRecord.seq.desc(), page=page, per_page=per_page)


def accountability_record_for(session: Session, actor: Actor, record_id: int) -> AccountabilityRecord:
    """Load a record the caller may see; one the caller may not see is not found, so it stays hidden."""
    record = session.get(AccountabilityRecord, record_id)
    if record is None or not can_see_accountability_record(actor, record):
        raise NotFoundError(f"未找到问责记录 #{record_id}", record_id=record_id)
    return record


def corrected_by(session: Session, record_ids: list[int]) -> dict[int, int]:
    """Map each of these records to the record correcting it, if any: a record shows its correction."""
    if not record_ids:
        return {}
    rows = session.execute(select(AccountabilityRecord.corrects_id, AccountabilityRecord.id)
                           .where(AccountabilityRecord.corrects_id.in_(record_ids)))
    return {corrected: by for corrected, by in rows}
