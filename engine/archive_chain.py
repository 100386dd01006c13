"""Hashing and checking the chain of archive records (engine.models.archive.ArchivedInstance).

Keyed like the audit and accountability chains (engine.chain_key), under a purpose of its own, so a
record cannot be forged, edited or removed without the key, and `ow verify-chain` walks it too.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from .audit import LOOKUP_CHUNK
from .chain_key import ChainKey
from .models import ArchivedInstance

__all__ = ["GENESIS_HASH", "archive_head", "archived_heads", "broken_archive_records", "record_hash"]

GENESIS_HASH = "0" * 64


def record_hash(record: ArchivedInstance, prev_hash: str, key: ChainKey) -> str:
    """The record's hash as if it followed `prev_hash`: every field but its own hash."""
    message = json.dumps({
        "prev_hash": prev_hash, "seq": record.seq, "instance_id": record.instance_id,
        "query_code": record.query_code, "project_code": record.project_code,
        "project_name": record.project_name, "definition_key": record.definition_key,
        "completed_at": record.completed_at.astimezone(UTC).isoformat(),
        "archived_at": record.archived_at.astimezone(UTC).isoformat(), "archived_by": record.archived_by,
        "archive_file": record.archive_file, "archive_sha256": record.archive_sha256,
        "head_seq": record.head_seq, "head_hash": record.head_hash,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return key.mac("archived_instance", message)


def archive_head(session: Session) -> tuple[int, str]:
    """The last record's (seq, hash), or (0, genesis) before the first archiving."""
    last = session.execute(select(ArchivedInstance.seq, ArchivedInstance.hash)
                           .order_by(ArchivedInstance.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS_HASH)


def archived_heads(session: Session, instance_ids: Collection[int]) -> dict[int, tuple[int, str]]:
    """Of these instances, those archived: instance id → the head its audit chain had then."""
    found: dict[int, tuple[int, str]] = {}
    wanted = sorted(instance_ids)
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.update({row.instance_id: (row.head_seq, row.head_hash) for row in session.execute(
            select(ArchivedInstance.instance_id, ArchivedInstance.head_seq, ArchivedInstance.head_hash)
            .where(ArchivedInstance.instance_id.in_(wanted[start:start + LOOKUP_CHUNK])))})
    return found


def broken_archive_records(session: Session, key: ChainKey) -> list[tuple[int, str]]:
    """(seq, reason) of every record whose link does not hold, in seq order."""
    broken: list[tuple[int, str]] = []
    prev, expected = GENESIS_HASH, 1
    for record in session.scalars(select(ArchivedInstance).order_by(ArchivedInstance.seq)
                                  .execution_options(yield_per=1000)):
        reasons = []
        if record.seq != expected:
            reasons.append(f"缺少第 {expected} 条（被删除或重新编号）")
        if record.prev_hash != prev:
            reasons.append("与前一条记录的哈希值不衔接")
        if record.hash != record_hash(record, record.prev_hash, key):
            reasons.append("哈希值不符（内容被修改）")
        if reasons:
            broken.append((record.seq, "；".join(reasons)))
        prev, expected = record.hash, record.seq + 1
    return broken
