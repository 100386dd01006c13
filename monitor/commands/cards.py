"""Yellow and red cards (黄牌/红牌) shown to a department until the bureau lifts them (摘牌).

A card is a public sanction that counts against the department's monthly score while it hangs,
so issuing and lifting are both the bureau's acts and both must say why; a card is lifted once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem

from ..models import Card, SupervisionOrder
from ..roles import require_supervisor
from .alerts import decide_by_measure, required_text
from .orders import department_problem, linked_alert

__all__ = ["CARD_COLORS", "IssueCardCommand", "LiftCardCommand"]

CARD_COLORS = ("yellow", "red")
_COLOR_LABELS = {"yellow": "黄牌", "red": "红牌"}


def _linked_order(session: Session, order_id: int | None, problems: list[Problem]) -> None:
    if order_id is not None and session.get(SupervisionOrder, order_id) is None:
        problems.append(Problem(f"未找到督办单 #{order_id}", field="order_id"))


@dataclass(frozen=True)
class IssueCardCommand:
    """The bureau shows a department a yellow or red card, optionally about an alert or an order."""

    department_code: str
    color: str
    reason: str
    alert_id: int | None = None
    order_id: int | None = None

    def execute(self, ctx: CommandContext) -> Card:
        """Hang the card; a linked undecided alert is decided as "card"."""
        require_supervisor(ctx.actor)
        session, problems = ctx.session, []
        if self.color not in CARD_COLORS:
            colors = "、".join(f"{_COLOR_LABELS.get(c, c)}（{c}）" for c in CARD_COLORS)
            problems.append(Problem(f"牌色须为以下之一：{colors}", field="color"))
        problem = department_problem(session, self.department_code)
        if problem is not None:
            problems.append(problem)
        if not (self.reason or "").strip() or len(self.reason) > 5000:
            problems.append(Problem("请填写亮牌理由（1至5000个字）", field="reason"))
        alert = linked_alert(session, self.alert_id, problems)
        _linked_order(session, self.order_id, problems)
        if problems:
            raise InvalidError("红黄牌填写有误", problems)
        now = ctx.now()
        card = Card(department_code=self.department_code, color=self.color, reason=self.reason.strip(),
                    alert_id=self.alert_id, order_id=self.order_id, issued_by=ctx.actor_name, issued_at=now)
        session.add(card)
        session.flush()
        reason = f"{'黄牌' if self.color == 'yellow' else '红牌'} #{card.id}"
        if alert is not None:
            decide_by_measure(alert, "card", reason, ctx.actor_name, now)
        return card


@dataclass(frozen=True)
class LiftCardCommand:
    """The bureau lifts a card (摘牌) after follow-up (回访) shows the problem fixed."""

    card_id: int
    reason: str

    def execute(self, ctx: CommandContext) -> Card:
        """Lift a hanging card, exactly once."""
        require_supervisor(ctx.actor)
        reason = required_text(self.reason, "reason")
        card = ctx.session.get(Card, self.card_id, with_for_update=True)
        if card is None:
            raise NotFoundError(f"未找到红黄牌 #{self.card_id}", card_id=self.card_id)
        if card.lifted_at is not None:
            raise ConflictError(f"此牌已由{card.lifted_by}摘牌，不能重复摘牌", card_id=card.id)
        card.lifted_by, card.lifted_at, card.lift_reason = ctx.actor_name, ctx.now(), reason
        return card
