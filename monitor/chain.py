"""Verify the hash chains: every instance's audit log, the accountability chain and the archive records.

Both tables are append-only in the database; these checks catch what the triggers cannot — someone
with raw database access who switched the guard off and edited, deleted or reordered rows. The
hashes are keyed (engine.chain_key), so recomputing a chain after an edit needs the key too. Rows
cut off the end of a chain, or a chain deleted whole, leave no broken link behind: those are found
by comparing the chains with the latest anchor of their heads (monitor.chain_anchor).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.archive_chain import broken_archive_records
from engine.audit import GENESIS_HASH as AUDIT_GENESIS
from engine.audit import event_hash, verify_chain
from engine.chain_key import ChainKey, chain_key_for
from engine.models import AuditEvent, Instance

from .accountability_chain import GENESIS_HASH, record_hash_of
from .chain_anchor import check_anchor
from .chain_names import chain_name, position
from .models import AccountabilityRecord

__all__ = ["BrokenLink", "ChainReport", "check_accountability_chain", "check_chains",
           "verify_accountability_chain", "verify_all_chains"]


@dataclass(frozen=True)
class BrokenLink:
    """One row whose link in its chain does not hold, and why."""

    table: str
    seq: int | None
    reason: str
    instance_id: int | None = None

    def __str__(self) -> str:
        """Render the line `ow verify-chain` prints and the bureau reads (办件 12 的办理记录链第 5 条：…)."""
        return f"{chain_name(self.table, self.instance_id)}{position(self.table, self.seq)}：{self.reason}"


def _reasons(seq: int, expected_seq: int, prev_hash: str, expected_prev: str, content_ok: bool) -> list[str]:
    """Name what is wrong with one row: a gap before it, a broken link, or edited content."""
    reasons = []
    if seq > expected_seq:  # rows come in seq order and seq is unique, so it can only skip ahead
        missing = f"第 {expected_seq} 条" if seq == expected_seq + 1 else f"第 {expected_seq}–{seq - 1} 条"
        reasons.append(f"缺少{missing}（被删除或重新编号）")
    if not content_ok:
        reasons.append("哈希值不符（内容被修改）")
    if prev_hash != expected_prev:
        reasons.append("与前一条记录的哈希值不衔接")
    return reasons


@dataclass(frozen=True)
class ChainReport:
    """The broken chains, and what their heads were checked against (for `ow verify-chain`)."""

    broken: list[BrokenLink]
    anchor_note: str


def check_accountability_chain(session: Session, key: ChainKey | None = None) -> list[BrokenLink]:
    """Walk the accountability chain in seq order and describe every broken link."""
    key = key or chain_key_for(session)
    broken: list[BrokenLink] = []
    prev, expected_seq = GENESIS_HASH, 1
    rows = session.scalars(select(AccountabilityRecord).order_by(AccountabilityRecord.seq)
                           .execution_options(yield_per=1000))
    for record in rows:
        content_ok = record.hash == record_hash_of(record, record.prev_hash, key)
        reasons = _reasons(record.seq, expected_seq, record.prev_hash, prev, content_ok)
        if reasons:
            broken.append(BrokenLink("accountability_record", record.seq, "；".join(reasons)))
        prev, expected_seq = record.hash, record.seq + 1
    return broken


def verify_accountability_chain(session: Session) -> list[int]:
    """Return the seqs whose link is broken; an empty list means the chain is intact."""
    return [link.seq for link in check_accountability_chain(session) if link.seq is not None]


def _describe_audit_break(session: Session, instance_id: int, seq: int, key: ChainKey) -> str:
    """Explain why `engine.audit.verify_chain` rejected this event (it only reports the seq)."""
    event = session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                    AuditEvent.seq == seq))
    before = session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                     AuditEvent.seq < seq)
                            .order_by(AuditEvent.seq.desc()).limit(1))
    if event is None:
        return "记录链断裂"
    content_ok = event.hash == event_hash(event.prev_hash, event.instance_id, event.seq, event.at,
                                          event.actor, event.action, event.task_id, event.details, key=key)
    expected_seq, expected_prev = (before.seq + 1, before.hash) if before else (1, AUDIT_GENESIS)
    return "；".join(_reasons(seq, expected_seq, event.prev_hash, expected_prev, content_ok)) or "记录链断裂"


def _audit_breaks(session: Session, key: ChainKey) -> list[BrokenLink]:
    """Return the first broken link of each instance's audit chain, by instance id."""
    broken: list[BrokenLink] = []
    chained = select(AuditEvent.instance_id).distinct().order_by(AuditEvent.instance_id)
    for instance_id in session.scalars(chained).all():
        bad = verify_chain(session, instance_id, key)
        if bad:
            reason = _describe_audit_break(session, instance_id, bad[0], key)
            broken.append(BrokenLink("audit_event", bad[0], reason, instance_id))
    # Every instance is audited from its start, so one with no events at all lost its whole chain.
    silent = select(Instance.id).where(
        ~select(AuditEvent.id).where(AuditEvent.instance_id == Instance.id).exists()).order_by(Instance.id)
    for instance_id in session.scalars(silent):
        broken.append(BrokenLink("audit_event", None, "没有任何办理记录（整条记录链被删除）", instance_id))
    return sorted(broken, key=lambda link: link.instance_id or 0)


def check_chains(session: Session) -> ChainReport:
    """Walk every chain, then compare the heads with the latest anchor; one line per broken chain.

    A chain both broken inside and at odds with its anchor is reported once: its first broken link,
    with the anchor's finding added to the reason.
    """
    key = chain_key_for(session)
    broken = _audit_breaks(session, key)
    accountability = check_accountability_chain(session, key)
    if accountability:
        broken.append(accountability[0])
    archive = broken_archive_records(session, key)
    if archive:
        broken.append(BrokenLink("archived_instance", *archive[0]))
    anchor = check_anchor(session)
    by_chain = {(link.table, link.instance_id): n for n, link in enumerate(broken)}
    for finding in anchor.findings:
        chain = (finding.table, finding.instance_id)
        if chain in by_chain and finding.table != "chain_anchor":
            first = broken[by_chain[chain]]
            broken[by_chain[chain]] = BrokenLink(first.table, first.seq, f"{first.reason}；{finding.reason}",
                                                 first.instance_id)
        else:
            by_chain[chain] = len(broken)
            broken.append(BrokenLink(finding.table, finding.seq, finding.reason, finding.instance_id))
    order = {"chain_epoch": 0, "chain_anchor": 1, "audit_event": 2, "accountability_record": 3,
             "archived_instance": 4}
    broken.sort(key=lambda link: (order.get(link.table, 9), link.instance_id or 0))
    return ChainReport(broken, anchor.note)


def verify_all_chains(session: Session) -> list[BrokenLink]:
    """Return the FIRST broken link of every broken chain; an empty list means all chains are intact."""
    return check_chains(session).broken
