"""Evaluation sessions and the composite score of the founding documents.

composite = 0.3 × daily + 0.2 × mid-year report + 0.25 × public questioning + 0.25 × social survey,
each part out of 100, the total rounded to two decimals. The daily part is the period's score from the
data, scaled to 100. Each session part is the mean of that kind's session means for the department,
over the sessions held from 1 January of the period's year to the period's last day: a mid-year
report held in June stands for the rest of the year, and a second session of a kind averages in. A
part without any session leaves the composite empty (None) rather than making one up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import COMPOSITE_WEIGHTS, EVALUATION_KINDS, EvaluationScore, EvaluationSession

__all__ = ["composite", "evaluation_parts", "sessions_of_year", "with_composites"]


def _session_means(session: Session, first: date, last: date) -> list[tuple[EvaluationSession, float, int]]:
    rows = session.execute(
        select(EvaluationSession, func.avg(EvaluationScore.score), func.count(EvaluationScore.id))
        .join(EvaluationScore, EvaluationScore.session_id == EvaluationSession.id)
        .where(EvaluationSession.held_on >= first, EvaluationSession.held_on <= last)
        .group_by(EvaluationSession.id).order_by(EvaluationSession.held_on, EvaluationSession.id))
    return [(s, float(mean), int(count)) for s, mean, count in rows]


def evaluation_parts(session: Session, first: date, last: date) -> dict[str, dict[str, float]]:
    """{department: {kind: mean of its session means}} over the sessions held from `first` to `last`."""
    collected: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for held, mean, _ in _session_means(session, first, last):
        collected[held.department_code][held.kind].append(mean)
    return {dept: {kind: sum(means) / len(means) for kind, means in kinds.items()}
            for dept, kinds in collected.items()}


def composite(daily: float, parts: Mapping[str, float]) -> dict[str, Any]:
    """The four parts (out of 100) and their weighted total, None until every part has a value."""
    values: dict[str, float | None] = {"daily": daily, **{kind: parts.get(kind) for kind in EVALUATION_KINDS}}
    total = (None if any(v is None for v in values.values())
             else round(sum(COMPOSITE_WEIGHTS[k] * float(v) for k, v in values.items() if v is not None), 2))
    return {**{k: (None if v is None else round(v, 2)) for k, v in values.items()}, "total": total}


def with_composites(session: Session, report: dict[str, Any], first: date, last: date) -> dict[str, Any]:
    """Add each department's composite to a scores report (monitor.queries.scores.scores) in place."""
    parts = evaluation_parts(session, first, last)
    scale = 100 / report["max_score"] if report["max_score"] else 0
    for row in report["departments"]:
        row["composite"] = composite(row["score"] * scale, parts.get(row["department"], {}))
    return report


def sessions_of_year(session: Session, year: int) -> list[tuple[EvaluationSession, float, int]]:
    """Every session held in a year, with its mean score and its number of raters, oldest first."""
    return _session_means(session, date(year, 1, 1), date(year, 12, 31))
