"""The accountability record chain's arithmetic: canonical bytes and keyed hash of one record.

Records are append-only (database triggers refuse UPDATE and DELETE) and hash-chained in one
global sequence with HMAC-SHA256 under the chain key (engine.chain_key), so an edit, a deletion or a
reordering done directly in the database shows up in `monitor.chain.verify_accountability_chain`
and cannot be hidden by recomputing the chain without the key. Records cut off the end are caught by
the anchor log (monitor.chain_anchor). Pure functions: appending is
`monitor.commands.accountability.append_record`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from engine.chain_key import ChainKey

from .models import AccountabilityRecord

__all__ = ["GENESIS_HASH", "record_hash", "record_hash_of", "record_message"]

GENESIS_HASH = "0" * 64


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
