"""What the bureau found against a department in a period: complaints upheld and video alerts upheld.

The score's 投诉查实 and 视频监察 parts count these, and the scores page lists them; both read the
selections here so a part and its list cannot disagree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from engine.models import TaskRecord

from ..models import Alert, Complaint
from .periods import Period, in_period

__all__ = ["FINDING_COUNTS", "complaint_findings", "finding_of", "video_upheld"]

FINDING_COUNTS = {"upheld": "complaints_upheld", "partly_upheld": "complaints_partly_upheld"}
"""The investigation's decisions that count against the department, and the tally each adds to."""


def complaint_findings(period: Period) -> Select[Any]:
    """Complaints with their investigation (the `handle` step) completed in the period, any decision.

    The department is the complaint's (corrected when the handling ends); the caller keeps the
    decisions of FINDING_COUNTS, read from the step's submission with `finding_of`.
    """
    return (select(Complaint, TaskRecord)
            .join(TaskRecord, TaskRecord.instance_id == Complaint.handling_instance_id)
            .where(TaskRecord.bpmn_id == "handle", TaskRecord.status == "completed",
                   in_period(TaskRecord.completed_at, period), Complaint.department_code.is_not(None))
            .order_by(TaskRecord.completed_at))


def finding_of(task: TaskRecord) -> str | None:
    """The investigation's decision when it counts against the department (upheld, partly), else None."""
    decision = (task.submission or {}).get("decision")
    return decision if decision in FINDING_COUNTS else None


def video_upheld(period: Period) -> ColumnElement[bool]:
    """Video alerts the bureau decided in the period by any measure but dismissal."""
    return (in_period(Alert.decided_at, period) & (Alert.source == "video") & (Alert.decision != "dismiss")
            & Alert.department_code.is_not(None))
