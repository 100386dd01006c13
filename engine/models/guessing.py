"""Unknown query codes asked for, per (hashed) address, so every web process slows the same guesser."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["TrackingMiss"]


class TrackingMiss(Base):
    """One unknown code asked for. The address is stored only as a keyed hash, never in clear."""

    __tablename__ = "tracking_miss"
    __table_args__ = (Index("ix_tracking_miss_address_at", "address_key", "at"),
                      Index("ix_tracking_miss_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
