"""Reading departments' public commitments: a year's, with each one's progress reports in order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CommitmentProgress, DepartmentCommitment

__all__ = ["commitments_of_year", "progress_reports"]


def commitments_of_year(session: Session, year: int,
                        department: str | None = None) -> list[DepartmentCommitment]:
    """A year's commitments by department, then by due date (the order the public page lists them)."""
    query = select(DepartmentCommitment).where(DepartmentCommitment.year == year)
    if department:
        query = query.where(DepartmentCommitment.department_code == department)
    order = (DepartmentCommitment.department_code, DepartmentCommitment.due_on, DepartmentCommitment.id)
    return list(session.scalars(query.order_by(*order)))


def progress_reports(session: Session, commitment_ids: list[int]) -> dict[int, list[CommitmentProgress]]:
    """Each commitment's progress reports, oldest first (one query for a whole list)."""
    reports: dict[int, list[CommitmentProgress]] = {i: [] for i in commitment_ids}
    if commitment_ids:
        for report in session.scalars(select(CommitmentProgress)
                                      .where(CommitmentProgress.commitment_id.in_(commitment_ids))
                                      .order_by(CommitmentProgress.reported_at, CommitmentProgress.id)):
            reports[report.commitment_id].append(report)
    return reports
