"""Turn rows into the JSON shapes of the API contract; times in ISO 8601 with the Shanghai offset."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.models import AuditEvent, Instance, ProcessDefinition, TaskRecord
from engine.query_codes import format_query_code
from engine.workdays import SHANGHAI

__all__ = ["definition_json", "event_json", "instance_json", "iso", "task_json", "tracking_json"]


def iso(value: datetime | None) -> str | None:
    """Render a stored UTC time in Beijing time, the zone every user reads."""
    return value.astimezone(SHANGHAI).isoformat() if value is not None else None


def definition_json(definition: ProcessDefinition) -> dict[str, Any]:
    """Describe one deployed version."""
    return {"id": definition.id, "key": definition.key, "version": definition.version,
            "name": definition.name, "deployed_at": iso(definition.deployed_at),
            "deployed_by": definition.deployed_by, "sha256": definition.xml_sha256}


def task_json(row: TaskRecord, now: datetime | None = None) -> dict[str, Any]:
    """Describe a task as worklists and instance pages show it."""
    return {
        "id": row.id, "instance_id": row.instance_id, "definition_key": row.definition_key,
        "bpmn_id": row.bpmn_id, "name": row.name, "department": row.department_code, "status": row.status,
        "assignee": row.assignee, "created_at": iso(row.created_at), "claimed_at": iso(row.claimed_at),
        "due_at": iso(row.due_at), "completed_at": iso(row.completed_at), "completed_by": row.completed_by,
        "overdue": bool(now and row.due_at and row.status in ("ready", "claimed") and row.due_at < now),
        "warning_level": row.warning_level, "limit_days": row.limit_days,
        "submission": row.submission,
    }


def event_json(event: AuditEvent) -> dict[str, Any]:
    """Describe one audit event, with its chain hash so clients can verify it."""
    return {"seq": event.seq, "at": iso(event.at), "actor": event.actor, "action": event.action,
            "task_id": event.task_id, "details": event.details, "hash": event.hash}


def instance_json(instance: Instance, tasks: list[TaskRecord], history: list[AuditEvent],
                  now: datetime) -> dict[str, Any]:
    """Describe an instance for staff: everything, including applicant contact and history."""
    return {
        "id": instance.id, "query_code": instance.query_code, "definition_key": instance.definition_key,
        "definition_version": instance.definition_version, "status": instance.status,
        "outcome": instance.outcome, "error": instance.error,
        "project": {"name": instance.project_name, "code": instance.project_code,
                    "investment": float(instance.investment)},
        "applicant": {"name": instance.applicant_name, "contact": instance.applicant_contact},
        "data": instance.data, "created_at": iso(instance.created_at), "updated_at": iso(instance.updated_at),
        "completed_at": iso(instance.completed_at),
        "tasks": [task_json(t, now) for t in tasks],
        "history": [event_json(e) for e in history],
    }


def tracking_json(instance: Instance, tasks: list[TaskRecord], departments: dict[str, str]) -> dict[str, Any]:
    """Describe progress for the public: no contact details, no staff names, no internal data."""
    open_names = [t.name for t in tasks if t.status in ("ready", "claimed")]
    stage = "、".join(dict.fromkeys(open_names)) if open_names else (
        (instance.outcome or {}).get("name") or instance.status)
    return {
        "query_code": format_query_code(instance.query_code),
        "project_name": instance.project_name,
        "status": instance.status,
        "stage": stage,
        "accepted_at": iso(instance.created_at),
        "completed_at": iso(instance.completed_at),
        "outcome": (instance.outcome or {}).get("name"),
        "tasks": [{
            "name": t.name, "department": t.department_code,
            "department_name": departments.get(t.department_code, t.department_code),
            "state": {"ready": "pending", "claimed": "in_progress"}.get(t.status, t.status),
            "due_at": iso(t.due_at), "completed_at": iso(t.completed_at),
            "decision": (t.submission or {}).get("decision"),
        } for t in tasks if t.status != "cancelled"],
    }
