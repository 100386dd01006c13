"""The record of each application removed from the live tables by archiving: a chain of its own.

An instance's audit chain is deleted with it when it is archived. Without a record, a missing chain
is exactly what tampering looks like (the anchor log still remembers its head). So each removal
appends one row here, before anything is deleted: which application, its chain's head, and the
archive file (name and SHA-256) that keeps it. The rows are hash-chained under the chain key
(engine.archive_chain) and append-only in the database, and the audit log's delete guard admits a
deletion only for events this table covers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["ArchivedInstance"]


class ArchivedInstance(Base):
    """One archived application: where it went and the head of the chain that went with it."""

    __tablename__ = "archived_instance"
    __table_args__ = (Index("ix_archived_instance_query_code", "query_code"),
                      Index("ix_archived_instance_project_code", "project_code"))

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    instance_id: Mapped[int] = mapped_column(unique=True)
    query_code: Mapped[str] = mapped_column(String(16))
    project_code: Mapped[str] = mapped_column(String(64))
    project_name: Mapped[str] = mapped_column(String(255))
    definition_key: Mapped[str] = mapped_column(String(255))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived_by: Mapped[str] = mapped_column(String(64))
    archive_file: Mapped[str] = mapped_column(String(255))
    archive_sha256: Mapped[str] = mapped_column(String(64))
    head_seq: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
