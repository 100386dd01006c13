"""Proposing 服务之星 and 优质服务窗口 candidates by the rules, and the bureau's decision on each.

Proposals are computed from the same scores the bureau reads, for a period that has ended (a month
still running would change under the candidates). Proposing again replaces the candidates not yet
decided; a confirmed or rejected one stays as decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, NotFoundError, Problem
from engine.workdays import SHANGHAI

from ..models import AccountabilityRecord, Selection
from ..models.selections import SELECTION_KINDS
from ..queries.evaluations import composite, evaluation_parts
from ..queries.periods import in_period, parse_period
from ..queries.scores import ScoreSettings, scores
from ..queries.selections import selections_of
from ..roles import require_supervisor
from ..selection_rules import SelectionSettings, rank_stars, rank_windows

__all__ = ["MAX_NOTE", "DecideSelectionCommand", "ProposeSelectionsCommand"]

MAX_NOTE = 500
_MONTH, _YEAR = re.compile(r"(20\d{2}|2100)-(0[1-9]|1[0-2])"), re.compile(r"20\d{2}|2100")


def _finished_month(text: object, now: datetime) -> str | None:
    if not isinstance(text, str) or not _MONTH.fullmatch(text):
        return None
    return text if parse_period(text).end <= now else None


def _finished_year(text: object, now: datetime) -> str | None:
    if not isinstance(text, str) or not _YEAR.fullmatch(text):
        return None
    return text if int(text) < now.astimezone(SHANGHAI).year else None


def _stars(ctx: CommandContext, month: str, settings: ScoreSettings,
           rules: SelectionSettings) -> list[dict[str, Any]]:
    period = parse_period(month)
    report = scores(ctx.session, ctx.runtime.calendar, period, settings, ctx.now())
    sanctioned = set(ctx.session.scalars(select(AccountabilityRecord.person).where(
        in_period(AccountabilityRecord.decided_at, period), AccountabilityRecord.person.is_not(None))))
    return rank_stars(report["windows"], sanctioned, rules)


def _windows(ctx: CommandContext, year: str, settings: ScoreSettings,
             rules: SelectionSettings) -> list[dict[str, Any]]:
    monthly: dict[str, list[float]] = {}
    for month in range(1, 13):
        report = scores(ctx.session, ctx.runtime.calendar, parse_period(f"{year}-{month:02d}"), settings,
                        ctx.now())
        scale = 100 / report["max_score"] if report["max_score"] else 0
        for row in report["departments"]:
            if row["counts"]["due"] or row["counts"]["completed"]:  # a month it had work in
                monthly.setdefault(row["department"], []).append(row["score"] * scale)
    parts = evaluation_parts(ctx.session, date(int(year), 1, 1), date(int(year), 12, 31))
    rows = [{"department": code, "active": True, "daily": sum(scores_) / len(scores_), "months": len(scores_),
             "composite": composite(sum(scores_) / len(scores_), parts.get(code, {}))}
            for code, scores_ in monthly.items()]
    return rank_windows(rows, rules)


@dataclass(frozen=True)
class ProposeSelectionsCommand:
    """Propose the candidates of one selection for a finished month (服务之星) or year (优质服务窗口)."""

    kind: object
    period: object
    settings: ScoreSettings = field(default_factory=ScoreSettings)
    rules: SelectionSettings = field(default_factory=SelectionSettings)

    def execute(self, ctx: CommandContext) -> list[Selection]:
        """Every candidate of the selection afterwards (decided ones included), by rank."""
        require_supervisor(ctx.actor, "只有监察局（效能办）可以提名评选")
        now = ctx.now()
        problems = []
        if self.kind not in SELECTION_KINDS:
            problems.append(Problem("评选类别只能是服务之星（service_star）或优质服务窗口（quality_window）",
                                    field="kind"))
        elif self.kind == "service_star" and _finished_month(self.period, now) is None:
            problems.append(Problem("服务之星按已结束的月份评选，格式如 2026-11", field="period"))
        elif self.kind == "quality_window" and _finished_year(self.period, now) is None:
            problems.append(Problem("优质服务窗口按已结束的年度评选，格式如 2025", field="period"))
        if problems:
            raise InvalidError("评选条件有误", problems)
        kind, period = str(self.kind), str(self.period)
        ranked = (_stars(ctx, period, self.settings, self.rules) if kind == "service_star"
                  else _windows(ctx, period, self.settings, self.rules))
        session = ctx.session
        session.execute(delete(Selection).where(Selection.kind == kind, Selection.period == period,
                                                Selection.status == "proposed"))
        decided = set(session.scalars(select(Selection.subject).where(Selection.kind == kind,
                                                                      Selection.period == period)))
        for rank, candidate in enumerate(ranked, start=1):
            if candidate["subject"] not in decided:
                session.add(Selection(kind=kind, period=period, subject=candidate["subject"],
                                      department_code=candidate["department"], rank=rank,
                                      figures=candidate["figures"], status="proposed", proposed_at=now))
        session.flush()
        return selections_of(session, kind, period)


@dataclass(frozen=True)
class DecideSelectionCommand:
    """The bureau confirms a candidate (then published) or rejects it with its reason."""

    selection_id: int
    decision: object
    note: object = None

    def execute(self, ctx: CommandContext) -> Selection:
        """409 when already decided; 422 for a rejection without its reason."""
        require_supervisor(ctx.actor, "只有监察局（效能办）可以确定评选结果")
        selection = ctx.session.scalar(select(Selection).where(Selection.id == self.selection_id)
                                       .with_for_update())
        if selection is None:
            raise NotFoundError("没有这条评选提名", selection_id=self.selection_id)
        if selection.status != "proposed":
            raise ConflictError("这条提名已经确定，不能再更改", selection_id=selection.id)
        note = self.note.strip() if isinstance(self.note, str) else ""
        problems = []
        if self.decision not in ("confirm", "reject"):
            problems.append(Problem("只能确定（confirm）或不予确定（reject）", field="decision"))
        elif self.decision == "reject" and not note:
            problems.append(Problem("不予确定须写明理由", field="note"))
        if len(note) > MAX_NOTE:
            problems.append(Problem(f"说明不能超过{MAX_NOTE}个字", field="note"))
        if problems:
            raise InvalidError("评选决定有误", problems)
        selection.status = "confirmed" if self.decision == "confirm" else "rejected"
        selection.note, selection.decided_at = note or None, ctx.now()
        selection.decided_by = ctx.actor.username
        ctx.session.flush()
        return selection
