"""Supervision orders (督办单), recommendations (监察建议书) and yellow/red cards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

from .alerts import AlertSignal

__all__ = ["ORDER_KINDS", "ORDER_STATES", "OVERDUE_TITLES", "Card", "SupervisionOrder",
           "order_overdue_signal"]

ORDER_KINDS = ("order", "recommendation")
ORDER_STATES = ("issued", "replied", "accepted")  # a rejected reply re-opens: back to issued
OVERDUE_TITLES = {"order": "督办单逾期未回复", "recommendation": "监察建议书逾期未回复"}


class SupervisionOrder(Base):
    """A written demand to a department with a reply deadline in working days."""

    __tablename__ = "supervision_order"
    __table_args__ = (
        Index("ix_supervision_order_department", "department_code", "status"),
        Index("ix_supervision_order_open_due", "due_at", postgresql_where=text("status = 'issued'"),
              sqlite_where=text("status = 'issued'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    department_code: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    reply_working_days: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # reply deadline missed


class Card(Base):
    """A yellow or red card shown to a department until the bureau lifts it (摘牌)."""

    __tablename__ = "card"
    __table_args__ = (Index("ix_card_department", "department_code", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(32))
    color: Mapped[str] = mapped_column(String(8))  # yellow | red
    reason: Mapped[str] = mapped_column(Text)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_order.id"))
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lift_reason: Mapped[str | None] = mapped_column(Text)


def order_overdue_signal(order: SupervisionOrder) -> AlertSignal:
    """Describe an unanswered order as an alert condition of its own (one per order)."""
    return AlertSignal(
        source="order", kind="order_overdue", level="escalated", dedup_key=f"order:{order.id}",
        subject=f"order:{order.id}", title=OVERDUE_TITLES.get(order.kind, OVERDUE_TITLES["order"]),
        department_code=order.department_code, instance_id=order.instance_id,
        details={"order_id": order.id, "order_kind": order.kind, "alert_id": order.alert_id,
                 "instance_id": order.instance_id, "due_at": order.due_at.isoformat()},
    )
