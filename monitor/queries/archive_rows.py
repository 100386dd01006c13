"""Which completed applications are past their retention, and every stored row that belongs to each.

Retention is counted from completion, in years, per catalogue item (or process, for work registered
under no item), with a default (monitor.retention). The rows of an application are found from the
schema itself: every table with a foreign key to `instance.id`, or to `task.id` of its tasks. A table
added later is archived without anyone remembering to list it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, Base, Instance, TaskRecord

from ..models import ApplicationItem, ServiceItem, ServiceItemVersion
from ..retention import RetentionSettings

__all__ = ["application_records", "linked_tables", "past_retention"]

BATCH = 200


def past_retention(session: Session, settings: RetentionSettings, now: datetime) -> list[int]:
    """Completed instances whose retention ended before `now`, oldest completion first."""
    rows = session.execute(
        select(Instance.id, Instance.definition_key, Instance.completed_at, ServiceItem.code)
        .outerjoin(ApplicationItem, ApplicationItem.instance_id == Instance.id)
        .outerjoin(ServiceItemVersion, ServiceItemVersion.id == ApplicationItem.item_version_id)
        .outerjoin(ServiceItem, ServiceItem.id == ServiceItemVersion.item_id)
        .where(Instance.status == "completed", Instance.completed_at.is_not(None),
               Instance.completed_at < settings.earliest_cutoff(now))
        .order_by(Instance.completed_at, Instance.id))
    return [instance_id for instance_id, key, completed_at, item in rows
            if settings.expired(completed_at, item, key, now)]


def linked_tables() -> dict[str, list[Column[Any]]]:
    """Table name → its columns that refer to an instance or a task, read from the schema."""
    found: dict[str, list[Column[Any]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in ("instance", "audit_event"):
            continue
        columns = [column for column in table.columns
                   if any(fk.column.table.name in ("instance", "task") and fk.column.name == "id"
                          for fk in column.foreign_keys)]
        if columns:
            found[table.name] = columns
    return found


def _columns(table: Table) -> list[str]:
    return [column.name for column in table.columns]


def describe_tables() -> dict[str, list[str]]:
    """The columns of every table an archive line may hold, for the file's self-describing header."""
    tables = {"instance": _columns(Instance.__table__), "audit_event": _columns(AuditEvent.__table__)}
    for name in linked_tables():
        tables[name] = _columns(Base.metadata.tables[name])
    return tables


def application_records(session: Session, instance_ids: list[int]) -> Iterator[dict[str, Any]]:
    """One record per instance: its row, its audit chain in order, and its rows in every linked table."""
    links = linked_tables()
    for start in range(0, len(instance_ids), BATCH):
        ids = instance_ids[start:start + BATCH]
        instances = {row["id"]: dict(row) for row in session.execute(
            select(Instance.__table__).where(Instance.id.in_(ids))).mappings()}
        task_ids = {row.id: row.instance_id for row in session.execute(
            select(TaskRecord.id, TaskRecord.instance_id).where(TaskRecord.instance_id.in_(ids)))}
        audit: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in session.execute(select(AuditEvent.__table__).where(AuditEvent.instance_id.in_(ids))
                                   .order_by(AuditEvent.instance_id, AuditEvent.seq)).mappings():
            audit[row["instance_id"]].append(dict(row))
        linked: dict[int, dict[str, list[dict[str, Any]]]] = {i: {} for i in ids}
        for name, columns in links.items():
            table = Base.metadata.tables[name]
            for row in _rows_of(session, table, columns, ids, list(task_ids)):
                owners = {row[c.name] if c.foreign_keys and _to_instance(c) else task_ids.get(row[c.name])
                          for c in columns}
                for owner in owners & set(ids):
                    linked[owner].setdefault(name, []).append(row)
        for instance_id in ids:
            yield {"instance": instances[instance_id], "audit": audit[instance_id],
                   "linked": linked[instance_id]}


def _to_instance(column: Column[Any]) -> bool:
    return any(fk.column.table.name == "instance" for fk in column.foreign_keys)


def _rows_of(session: Session, table: Table, columns: list[Column[Any]], ids: list[int],
             task_ids: list[str]) -> list[dict[str, Any]]:
    """The rows of `table` referring to any of the instances or their tasks, each once."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    key_columns = list(table.primary_key.columns) or list(table.columns)
    for column in columns:
        wanted: list[Any] = ids if _to_instance(column) else task_ids
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            if not chunk:
                continue
            for row in session.execute(select(table).where(column.in_(chunk))).mappings():
                seen.setdefault(tuple(row[c.name] for c in key_columns), dict(row))
    return list(seen.values())
