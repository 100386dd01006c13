"""The append-only, hash-chained audit log attached to each instance, and the chains' epochs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["AuditEvent", "ChainEpoch"]


class AuditEvent(Base):
    """One thing that happened to an instance; never updated, never deleted."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainEpoch(Base):
    """A change in how every chain is hashed, e.g. migration 0008 re-keying the unkeyed chains.

    Kept so that whoever reads a chain later knows its hashes were rewritten once, when, under which
    key (its public id, never the key) and which links were already broken then — a re-keying keeps
    those broken, it never launders them.
    """

    __tablename__ = "chain_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))  # "rekeyed": unkeyed sha256 -> hmac-sha256 (0008)
    algorithm: Mapped[str] = mapped_column(String(32))
    key_id: Mapped[str] = mapped_column(String(32))
    audit_chains: Mapped[int]
    audit_events: Mapped[int]
    accountability_records: Mapped[int]
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
