"""Turn rows into the JSON shapes of the API contract; times in ISO 8601 with the Shanghai offset."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.commands.intake import INTAKE_PROCESS
from engine.models import (
    OPEN_TASK_STATUSES,
    AuditEvent,
    Extension,
    Instance,
    Pause,
    ProcessDefinition,
    Shortfall,
    TaskRecord,
)
from engine.queries.board import BoardRow
from engine.query_codes import format_query_code
from engine.state_codes import (
    BLZT_NAMES,
    instance_state_code,
    is_refusal,
    passed_with_shortfall,
    task_state_code,
)
from engine.workdays import SHANGHAI, WorkingCalendar, touches_provisional, working_days_between

__all__ = ["PUBLIC_INCIDENT", "board_row_json", "definition_json", "event_json", "extension_json",
           "incident_json", "instance_json", "iso", "pause_json", "provisional_due", "shortfall_json",
           "task_json", "tracking_json", "working_days_left", "countdown"]

PUBLIC_INCIDENT = "办理异常，中心已知悉并处理中"
"""What the applicant reads while an incident stops the approval (no internal details)."""


def iso(value: datetime | None) -> str | None:
    """Render a stored UTC time in Beijing time, the zone every user reads."""
    return value.astimezone(SHANGHAI).isoformat() if value is not None else None


def definition_json(definition: ProcessDefinition) -> dict[str, Any]:
    """Describe one deployed version."""
    return {"id": definition.id, "key": definition.key, "version": definition.version,
            "name": definition.name, "deployed_at": iso(definition.deployed_at),
            "deployed_by": definition.deployed_by, "sha256": definition.xml_sha256}


def working_days_left(calendar: WorkingCalendar | None, row: TaskRecord, now: datetime | None) -> int | None:
    """Working days from today to the due day (negative once late): the countdown staff and applicants read.

    A stopped clock counts from the day it stopped, since the deadline moves on when it restarts; a
    finished task or one without a deadline has no countdown.
    """
    if row.status not in OPEN_TASK_STATUSES:
        return None
    stopped = row.paused_at if row.pause_kind is not None and row.paused_at is not None else None
    return countdown(calendar, row.due_at, stopped or now)


def countdown(calendar: WorkingCalendar | None, due_at: datetime | None, now: datetime | None) -> int | None:
    """Working days from `now`'s Beijing day to the due day; negative once late."""
    if calendar is None or now is None or due_at is None:
        return None
    today = now.astimezone(SHANGHAI).date()
    due_day = due_at.astimezone(SHANGHAI).date()
    try:
        if due_day >= today:
            return working_days_between(calendar, today, due_day)
        return -working_days_between(calendar, due_day, today)
    except LookupError:  # a day outside the loaded calendar: show no countdown rather than fail the page
        return None


def provisional_due(calendar: WorkingCalendar | None, row: TaskRecord) -> bool:
    """Whether an open task's deadline was reckoned over a provisional year (shown as 暂定)."""
    if calendar is None or row.due_at is None or row.status not in OPEN_TASK_STATUSES:
        return False
    return touches_provisional(calendar, row.created_at.astimezone(SHANGHAI).date(),
                               row.due_at.astimezone(SHANGHAI).date())


def incident_json(instance: Instance) -> dict[str, Any] | None:
    """What staff see of an incident: the reason and the step, never the whole engine trace."""
    if instance.status != "incident":
        return None
    error = instance.error or {}
    return {"reason": error.get("message"), "task": error.get("task_name") or error.get("task"),
            "at": error.get("at")}


def task_json(row: TaskRecord, now: datetime | None = None,
              calendar: WorkingCalendar | None = None) -> dict[str, Any]:
    """Describe a task as worklists and instance pages show it (with a countdown when given the calendar)."""
    return {
        "id": row.id, "instance_id": row.instance_id, "definition_key": row.definition_key,
        "bpmn_id": row.bpmn_id, "name": row.name, "department": row.department_code, "status": row.status,
        "assignee": row.assignee, "created_at": iso(row.created_at), "claimed_at": iso(row.claimed_at),
        "due_at": iso(row.due_at), "completed_at": iso(row.completed_at), "completed_by": row.completed_by,
        # A stopped clock is not late: the deadline moves when the clock restarts.
        "overdue": bool(now and row.due_at and row.status in OPEN_TASK_STATUSES and row.due_at < now
                        and row.pause_kind is None),
        "warning_level": row.warning_level, "limit_days": row.limit_days,
        "working_days_left": working_days_left(calendar, row, now),
        "provisional": provisional_due(calendar, row),
        "submission": row.submission,
        **_code(task_state_code(row)),
        "pause": _task_pause(row),
    }


def _code(code: int | None) -> dict[str, Any]:
    """Render a BLZT code with its Chinese name (both null for a step that no longer counts)."""
    return {"blzt": code, "blzt_name": BLZT_NAMES.get(code) if code is not None else None}


def _task_pause(row: TaskRecord) -> dict[str, Any] | None:
    """Describe a task's clock stop in force, or None while its clock runs."""
    if row.pause_kind is None:
        return None
    return {"kind": row.pause_kind, "reason": row.pause_reason, "since": iso(row.paused_at)}


def pause_json(pause: Pause) -> dict[str, Any]:
    """Describe one clock stop; the frozen timer values stay internal."""
    details = pause.details or {}
    return {"id": pause.id, "task_id": pause.task_id, "scope": "task" if pause.task_id else "instance",
            "kind": pause.kind, "reason": pause.reason, "missing_documents": details.get("missing_documents"),
            "tasks": details.get("tasks") if pause.task_id is None else None,
            "started_at": iso(pause.started_at), "started_by": pause.started_by,
            "ended_at": iso(pause.ended_at), "ended_by": pause.ended_by,
            "paused_working_days": pause.paused_working_days}


def extension_json(extension: Extension) -> dict[str, Any]:
    """Describe one extension request and its decision."""
    return {"id": extension.id, "instance_id": extension.instance_id, "task_id": extension.task_id,
            "working_days": extension.working_days, "reason": extension.reason, "status": extension.status,
            "requested_by": extension.requested_by, "requested_at": iso(extension.requested_at),
            "decided_by": extension.decided_by, "decided_at": iso(extension.decided_at),
            "decision_reason": extension.decision_reason}


def shortfall_json(shortfall: Shortfall | None) -> dict[str, Any] | None:
    """Describe a 容缺 shortfall: what is missing, by when, and whether it arrived."""
    if shortfall is None:
        return None
    return {"documents": shortfall.documents, "commitment": shortfall.commitment,
            "due_at": iso(shortfall.due_at), "status": shortfall.status,
            "supplied_at": iso(shortfall.supplied_at)}


def _outcome(instance: Instance, shortfall: Shortfall | None) -> dict[str, Any] | None:
    """The end event reached; `shortfall: true` when it passed with documents outstanding (容缺通过).

    The key is added only then, so the outcome of every other instance keeps its original shape.
    """
    status = shortfall.status if shortfall is not None else None
    if instance.outcome is None or not passed_with_shortfall(instance, status):
        return instance.outcome
    return {**instance.outcome, "shortfall": True}


def event_json(event: AuditEvent) -> dict[str, Any]:
    """Describe one audit event, with its chain hash so clients can verify it."""
    return {"seq": event.seq, "at": iso(event.at), "actor": event.actor, "action": event.action,
            "task_id": event.task_id, "details": event.details, "hash": event.hash}


def instance_json(instance: Instance, tasks: list[TaskRecord], history: list[AuditEvent],
                  now: datetime, *, pauses: list[Pause] | None = None,
                  extensions: list[Extension] | None = None,
                  shortfall: Shortfall | None = None,
                  calendar: WorkingCalendar | None = None,
                  departments: dict[str, str] | None = None,
                  task_forms: dict[str, Any] | None = None) -> dict[str, Any]:
    """Describe an instance for staff: everything, including applicant contact and history.

    `task_forms` are the decisions and opinion its steps declare, so the work page offers exactly those
    and names recorded decisions in the diagram's words.
    """
    shortfall_status = shortfall.status if shortfall is not None else None
    return {
        "id": instance.id, "query_code": instance.query_code, "definition_key": instance.definition_key,
        "definition_version": instance.definition_version, "status": instance.status,
        "outcome": _outcome(instance, shortfall), "error": instance.error,
        "incident": incident_json(instance),
        "provisional": any(provisional_due(calendar, t) for t in tasks),
        **_code(instance_state_code(instance, tasks, shortfall_status)),
        "pause": ({"kind": instance.pause_kind, "reason": instance.pause_reason,
                   "since": iso(instance.paused_at)} if instance.pause_kind else None),
        "pauses": [pause_json(p) for p in pauses or []],
        "extensions": [extension_json(e) for e in extensions or []],
        "shortfall": shortfall_json(shortfall),
        "project": {"name": instance.project_name, "code": instance.project_code,
                    "investment": float(instance.investment)},
        "applicant": {"name": instance.applicant_name, "contact": instance.applicant_contact},
        "data": instance.data, "created_at": iso(instance.created_at), "updated_at": iso(instance.updated_at),
        "completed_at": iso(instance.completed_at),
        "tasks": [task_json(t, now, calendar) for t in tasks],
        "departments": {t.department_code: (departments or {}).get(t.department_code, t.department_code)
                        for t in tasks},
        "history": [event_json(e) for e in history],
        "task_forms": {t.bpmn_id: forms[t.bpmn_id] for forms in [task_forms or {}] for t in tasks
                       if t.bpmn_id in forms},
    }


# The decisions that refuse an application, whose opinion is the reason the applicant is told.
REFUSING_DECISIONS = frozenset({"refuse", "reject", "not_approve", "not_accepted"})


def _refusal_reason(instance: Instance, tasks: list[TaskRecord]) -> str | None:
    """Why an application was refused: the opinion given with the last refusing decision.

    A refusal must state its reasons to the applicant (不予受理/不予许可 告知理由), so this one opinion is
    public, unlike the others.
    """
    if instance.status != "completed" or not is_refusal(instance.outcome):
        return None
    refusing = [t for t in tasks if t.status == "completed" and (t.submission or {}).get("opinion")
                and (t.submission or {}).get("decision") in REFUSING_DECISIONS]
    latest = max(refusing, key=lambda t: t.completed_at or t.created_at, default=None)
    return (latest.submission or {}).get("opinion") if latest is not None else None


def tracking_json(instance: Instance, tasks: list[TaskRecord], departments: dict[str, str], *,
                  shortfall: Shortfall | None = None, correction: Pause | None = None,
                  now: datetime | None = None, calendar: WorkingCalendar | None = None) -> dict[str, Any]:
    """Describe progress for the public: no contact details, no staff names, no internal data.

    Clock stops are shown with their reason on purpose: for a correction it says what the applicant
    must supply.
    """
    shortfall_status = shortfall.status if shortfall is not None else None
    open_names = [t.name for t in tasks if t.status in OPEN_TASK_STATUSES]
    stage = "、".join(dict.fromkeys(open_names)) if open_names else (
        (instance.outcome or {}).get("name") or instance.status)
    if instance.status == "incident":
        stage = PUBLIC_INCIDENT  # the applicant is told it is known and handled, not the engine's words
    return {
        "query_code": format_query_code(instance.query_code),
        "project_name": instance.project_name,
        "status": instance.status,
        "stage": stage,
        "provisional": any(provisional_due(calendar, t) for t in tasks),
        "accepted_at": iso(instance.created_at),
        "completed_at": iso(instance.completed_at),
        "outcome": (instance.outcome or {}).get("name"),
        "refusal_reason": _refusal_reason(instance, tasks),
        # An intake record that ended without acceptance (不予受理, 一次性告知): received, never accepted.
        "accepted": not (instance.definition_key == INTAKE_PROCESS and instance.status == "completed"
                         and (instance.outcome or {}).get("end_event") != "end_accepted"),
        **_code(instance_state_code(instance, tasks, shortfall_status)),
        "passed_with_shortfall": passed_with_shortfall(instance, shortfall_status),
        "correction": ({"reason": correction.reason, "since": iso(correction.started_at),
                        "missing_documents": (correction.details or {}).get("missing_documents") or []}
                       if correction is not None and correction.ended_at is None else None),
        "shortfall": ({"documents": shortfall.documents, "due_at": iso(shortfall.due_at),
                       "status": shortfall.status} if shortfall is not None else None),
        "tasks": [{
            "name": t.name, "bpmn_id": t.bpmn_id, "department": t.department_code,
            "department_name": departments.get(t.department_code, t.department_code),
            "state": {"ready": "pending", "claimed": "in_progress"}.get(t.status, t.status),
            "due_at": iso(t.due_at), "completed_at": iso(t.completed_at),
            "working_days_left": working_days_left(calendar, t, now),
            "provisional": provisional_due(calendar, t),
            "overdue": bool(now and t.due_at and t.status in OPEN_TASK_STATUSES and t.due_at < now
                            and t.pause_kind is None),
            "decision": (t.submission or {}).get("decision"),
            **_code(task_state_code(t)),
            "paused": _task_pause(t),
        } for t in tasks if t.status != "cancelled"],
    }


def board_row_json(row: BoardRow, departments: dict[str, str], now: datetime,
                   calendar: WorkingCalendar | None) -> dict[str, Any]:
    """Describe one instance on the lead department's stage board: co-reviews, opinions and its decision."""
    co = []
    for bpmn_id, department in row.stage.co_reviews.items():
        task = row.co_reviews.get(bpmn_id)
        submission = (task.submission or {}) if task is not None else {}
        co.append({"bpmn_id": bpmn_id, "department": department,
                   "department_name": departments.get(department, department),
                   "task": task_json(task, now, calendar) if task is not None else None,
                   "decision": submission.get("decision"), "opinion": submission.get("opinion"),
                   "pending_extension": (extension_json(row.pending_extensions[bpmn_id])
                                         if bpmn_id in row.pending_extensions else None)})
    done = all(c["task"] is not None and c["task"]["status"] == "completed" for c in co)
    lead = row.lead_task
    return {
        "instance_id": row.instance.id, "query_code": row.instance.query_code,
        "project": {"name": row.instance.project_name, "code": row.instance.project_code},
        "status": row.instance.status, "incident": incident_json(row.instance),
        "accepted_at": iso(row.instance.created_at),
        "stage": {"lead_task": row.stage.lead_task, "name": row.stage.name,
                  "department": row.stage.lead_department},
        "co_reviews": co, "all_in": done,
        "lead_task": task_json(lead, now, calendar) if lead is not None else None,
        "can_decide": done and lead is not None and lead.status in OPEN_TASK_STATUSES,
    }
