"""keyed chains: audit and accountability hashes become HMAC-SHA256 under the chain key

Until now the chains were plain SHA-256, which anyone able to write the database could recompute
after an edit. From here on every hash is HMAC-SHA256 under the chain key (ONEWINDOW_CHAIN_KEY, or
the development key file instance/chain_key), which never enters the database; see
engine/chain_key.py.

A database that already has chains is re-keyed here, chain by chain, and one `chain_epoch` row
records when, under which key id, how many rows, and which links were already broken. A broken
link stays broken: a row whose old hash did not match keeps its old hash, a row whose link did not
hold keeps its old prev_hash, so re-keying never launders earlier tampering. A fresh database has
nothing to re-key and does not need the key here.

The key comes from the app when the migration runs inside it (`ow setup`, `ow migrate`), otherwise
from the same environment rules as the app (engine.chain_key.key_for_migration).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:00:00
"""
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import engine.models.base
from engine.audit import event_hash
from engine.chain_key import ChainKey, key_for_migration
from monitor.accountability_chain import record_hash

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
INSTANCES_PER_BATCH = 200
RECORDS_PER_BATCH = 1000
BROKEN_LISTED = 100

# The append-only guards of 0001 and 0003, lifted for the re-keying and put back in the same transaction.
SQLITE_GUARDS = {
    "audit_event": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "accountability_record": [
        "CREATE TRIGGER accountability_no_update BEFORE UPDATE ON accountability_record "
        "BEGIN SELECT RAISE(ABORT, 'accountability_record is append-only'); END",
        "CREATE TRIGGER accountability_no_delete BEFORE DELETE ON accountability_record "
        "BEGIN SELECT RAISE(ABORT, 'accountability_record is append-only'); END",
    ],
}
SQLITE_TRIGGER_NAMES = {"audit_event": ["audit_event_no_update", "audit_event_no_delete"],
                        "accountability_record": ["accountability_no_update", "accountability_no_delete"]}
POSTGRES_TRIGGER = {"audit_event": "audit_event_no_change", "accountability_record": "accountability_no_change"}

audit = sa.table(
    "audit_event", sa.column("id", sa.Integer), sa.column("instance_id", sa.Integer), sa.column("seq", sa.Integer),
    sa.column("at", engine.models.base.UTCDateTime()), sa.column("actor", sa.String),
    sa.column("action", sa.String), sa.column("task_id", sa.String), sa.column("details", sa.JSON),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
records = sa.table(
    "accountability_record", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
    sa.column("person", sa.String), sa.column("department_code", sa.String), sa.column("rung", sa.Integer),
    sa.column("measure", sa.String), sa.column("reason", sa.Text), sa.column("links", sa.JSON),
    sa.column("decided_by", sa.String), sa.column("decided_at", engine.models.base.UTCDateTime()),
    sa.column("corrects_id", sa.Integer), sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
epochs = sa.table(
    "chain_epoch", sa.column("at", engine.models.base.UTCDateTime()), sa.column("kind", sa.String),
    sa.column("algorithm", sa.String), sa.column("key_id", sa.String), sa.column("audit_chains", sa.Integer),
    sa.column("audit_events", sa.Integer), sa.column("accountability_records", sa.Integer),
    sa.column("details", sa.JSON))


# The unkeyed hashes as they were (frozen here: they must not follow later changes of the code).
def _legacy_event(prev: str, row: Any) -> str:
    canonical = json.dumps(
        [prev, row.instance_id, row.seq, row.at.isoformat(), row.actor, row.action, row.task_id, row.details],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _legacy_record(prev: str, row: Any) -> str:
    canonical = json.dumps(
        {"prev_hash": prev, "seq": row.seq, "person": row.person, "department_code": row.department_code,
         "rung": row.rung, "measure": row.measure, "reason": row.reason, "links": row.links,
         "decided_by": row.decided_by, "decided_at": row.decided_at.astimezone(UTC).isoformat(),
         "corrects_id": row.corrects_id},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _keyed_event(key: ChainKey) -> Callable[[str, Any], str]:
    return lambda prev, row: event_hash(prev, row.instance_id, row.seq, row.at, row.actor, row.action,
                                        row.task_id, row.details, key=key)


def _keyed_record(key: ChainKey) -> Callable[[str, Any], str]:
    return lambda prev, row: record_hash(prev, row.seq, row.person, row.department_code, row.rung, row.measure,
                                         row.reason, row.links, row.decided_by, row.decided_at, row.corrects_id,
                                         key=key)


class _Relinker:
    """Rewrite one chain from one hash function to another, keeping every broken link broken."""

    def __init__(self, old: Callable[[str, Any], str], new: Callable[[str, Any], str]) -> None:
        self.old, self.new = old, new
        self.old_prev = self.new_prev = GENESIS

    def step(self, row: Any) -> tuple[str, str, bool]:
        """Return the row's new (prev_hash, hash), and whether it was already broken."""
        link_ok = row.prev_hash == self.old_prev
        content_ok = row.hash == self.old(row.prev_hash, row)
        prev = self.new_prev if link_ok else row.prev_hash
        digest = self.new(prev, row) if content_ok else row.hash
        self.old_prev, self.new_prev = row.hash, digest
        return prev, digest, not (link_ok and content_ok)


def _lift_guard(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES[table]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {POSTGRES_TRIGGER[table]}")


def _restore_guard(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_GUARDS[table]:
            op.execute(statement)
    else:
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {POSTGRES_TRIGGER[table]}")


def _relink_audit(conn: sa.Connection, old: Callable[[str, Any], str],
                  new: Callable[[str, Any], str]) -> tuple[int, int, list[str]]:
    """Relink every instance's chain, a batch of instances at a time; return chains, events, broken."""
    instance_ids = list(conn.scalars(sa.select(audit.c.instance_id).distinct().order_by(audit.c.instance_id)))
    update = (sa.update(audit).where(audit.c.id == sa.bindparam("row_id"))
              .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")))
    events, broken = 0, []
    for start in range(0, len(instance_ids), INSTANCES_PER_BATCH):
        batch = instance_ids[start:start + INSTANCES_PER_BATCH]
        rows = conn.execute(sa.select(audit).where(audit.c.instance_id.in_(batch))
                            .order_by(audit.c.instance_id, audit.c.seq)).all()
        changes, relinker, current = [], None, None
        for row in rows:
            if row.instance_id != current:
                relinker, current = _Relinker(old, new), row.instance_id
            prev, digest, was_broken = relinker.step(row)
            if was_broken:
                broken.append(f"audit_event instance {row.instance_id} seq {row.seq}")
            changes.append({"row_id": row.id, "new_prev": prev, "new_hash": digest})
        if changes:
            conn.execute(update, changes)
        events += len(rows)
    return len(instance_ids), events, broken


def _relink_accountability(conn: sa.Connection, old: Callable[[str, Any], str],
                           new: Callable[[str, Any], str]) -> tuple[int, list[str]]:
    """Relink the one global accountability chain in seq order; return records and broken links."""
    update = (sa.update(records).where(records.c.id == sa.bindparam("row_id"))
              .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")))
    relinker, count, broken, after = _Relinker(old, new), 0, [], None
    while True:
        query = sa.select(records).order_by(records.c.seq).limit(RECORDS_PER_BATCH)
        if after is not None:
            query = query.where(records.c.seq > after)
        rows = conn.execute(query).all()
        if not rows:
            return count, broken
        changes = []
        for row in rows:
            prev, digest, was_broken = relinker.step(row)
            if was_broken:
                broken.append(f"accountability_record seq {row.seq}")
            changes.append({"row_id": row.id, "new_prev": prev, "new_hash": digest})
        conn.execute(update, changes)
        count, after = count + len(rows), rows[-1].seq


def _relink_all(conn: sa.Connection, to_keyed: bool) -> tuple[ChainKey, tuple[int, int, int, list[str]]] | None:
    """Relink both tables in one direction; None when there is nothing to relink (no key needed)."""
    if not conn.scalar(sa.select(audit.c.id).limit(1)) and not conn.scalar(sa.select(records.c.id).limit(1)):
        return None
    key = key_for_migration(conn)  # before touching anything: a missing production key stops here
    event_fns = (_legacy_event, _keyed_event(key))
    record_fns = (_legacy_record, _keyed_record(key))
    if not to_keyed:
        event_fns, record_fns = event_fns[::-1], record_fns[::-1]
    for table in ("audit_event", "accountability_record"):
        _lift_guard(table)
    chains, events, broken = _relink_audit(conn, *event_fns)
    record_count, record_broken = _relink_accountability(conn, *record_fns)
    for table in ("audit_event", "accountability_record"):
        _restore_guard(table)
    return key, (chains, events, record_count, broken + record_broken)


def upgrade() -> None:
    op.create_table('chain_epoch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('algorithm', sa.String(length=32), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('audit_chains', sa.Integer(), nullable=False),
    sa.Column('audit_events', sa.Integer(), nullable=False),
    sa.Column('accountability_records', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_epoch'))
    )
    relinked = _relink_all(op.get_bind(), to_keyed=True)
    if relinked is None:
        return
    key, (chains, events, record_count, broken) = relinked
    op.get_bind().execute(sa.insert(epochs).values(
        at=datetime.now(UTC), kind="rekeyed", algorithm="hmac-sha256", key_id=key.key_id, audit_chains=chains,
        audit_events=events, accountability_records=record_count,
        details={"migration": revision, "from": "sha256", "broken_before": broken[:BROKEN_LISTED],
                 "broken_before_count": len(broken)}))


def downgrade() -> None:
    # Back to the unkeyed hashes 0007 checks, with the same care for links that were broken.
    _relink_all(op.get_bind(), to_keyed=False)
    op.drop_table('chain_epoch')
