"""Recording the fee of a charged item at the window (一窗收费), once per application, with its receipt."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from engine.models import Instance

from ..models import ApplicationFee, ApplicationItem, ServiceItemVersion

__all__ = ["MAX_AMOUNT_TEXT", "MAX_FEE", "MAX_RECEIPT_NO", "RecordFeeCommand"]

MAX_FEE = Decimal("9999999999.99")
MAX_RECEIPT_NO = 64
MAX_AMOUNT_TEXT = 20
"""Yuan as typed: up to ten digits, a point and two decimals, with room for stray spaces."""
COLLECTING_ROLES = frozenset({"window", "admin"})


def _amount(value: object) -> Decimal | None:
    """A positive amount of yuan with at most two decimals (fen), given as a number or text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    fen = Decimal("0.01")
    if not amount.is_finite() or amount <= 0 or amount > MAX_FEE or amount != amount.quantize(fen):
        return None
    return amount.quantize(fen)


@dataclass(frozen=True)
class RecordFeeCommand:
    """Record what the applicant paid for a charged item, and the number of the receipt handed over."""

    instance_id: int
    amount: object
    receipt_no: object

    def execute(self, ctx: CommandContext) -> ApplicationFee:
        """404 unknown application; 422 a free item, a bad amount or receipt; 409 already recorded."""
        if ctx.actor.role not in COLLECTING_ROLES:
            raise ForbiddenError("只有窗口人员可以登记收费")
        if ctx.session.get(Instance, self.instance_id) is None:
            raise NotFoundError(f"未找到办件 #{self.instance_id}", instance_id=self.instance_id)
        version = ctx.session.scalar(
            select(ServiceItemVersion)
            .join(ApplicationItem, ApplicationItem.item_version_id == ServiceItemVersion.id)
            .where(ApplicationItem.instance_id == self.instance_id))
        problems: list[Problem] = []
        if version is None or not (version.content.get("fees") or {}).get("charged"):
            raise InvalidError("此申请不收费", [Problem("此申请所办事项不收费，无需登记收费",
                                                       field="amount")])
        amount = _amount(self.amount)
        if amount is None:
            problems.append(Problem("金额须为大于0的数，最多两位小数（元）", field="amount"))
        receipt = self.receipt_no.strip() if isinstance(self.receipt_no, str) else ""
        if not receipt or len(receipt) > MAX_RECEIPT_NO:
            problems.append(Problem(f"请填写收费票据号（1至{MAX_RECEIPT_NO}个字符）", field="receipt_no"))
        if problems:
            raise InvalidError("收费信息有误", problems)
        if ctx.session.get(ApplicationFee, self.instance_id, with_for_update=True) is not None:
            raise ConflictError("本件已登记收费", instance_id=self.instance_id)
        fee = ApplicationFee(instance_id=self.instance_id, amount=amount, receipt_no=receipt,
                             recorded_at=ctx.now(), recorded_by=ctx.actor_name or "system")
        ctx.session.add(fee)
        ctx.session.flush()
        return fee
