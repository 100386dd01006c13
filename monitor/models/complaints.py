"""Complaints (投诉), each tied to the approval it is about, and the process that handles them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["COMPLAINT_CHANNELS", "COMPLAINT_PROCESS", "OUTCOME_SATISFACTION", "Complaint"]

COMPLAINT_PROCESS = "complaint_handling"
"""The process every complaint's handling runs as (bpmn/complaint_handling.bpmn)."""
COMPLAINT_CHANNELS = ("public", "window", "bureau")
OUTCOME_SATISFACTION = {"end_satisfied": True, "end_dissatisfied": False}
"""End events of complaint_handling.bpmn that carry the complainant's satisfaction."""


class Complaint(Base):
    """A complaint; its handling runs as an instance of bpmn/complaint_handling.bpmn."""

    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_filed", "filed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the complainant's tracking code
    approval_instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    handling_instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    department_code: Mapped[str | None] = mapped_column(String(32))  # the department complained about
    channel: Mapped[str] = mapped_column(String(16))  # public | window | bureau
    complainant_name: Mapped[str | None] = mapped_column(String(255))
    complainant_contact: Mapped[str | None] = mapped_column(String(255))  # shown to the bureau only
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filed_by: Mapped[str | None] = mapped_column(String(64))
    source_ip: Mapped[str | None] = mapped_column(String(64))
    satisfied: Mapped[bool | None]
