"""The engine's tables, importable from one place."""

from .archive import ArchivedInstance
from .audit import AuditEvent
from .base import Base, UTCDateTime
from .calendar import DEFAULT_CENTRE, CalendarDay
from .deadlines import PAUSE_KINDS, Extension, Pause, Shortfall, WarningEvent
from .definitions import ProcessDefinition, ProcessDraft
from .guessing import TrackingMiss
from .instances import INSTANCE_STATUSES, Instance
from .org import ROLE_NAMES, ROLES, ROLES_NEEDING_DEPARTMENT, Department, User
from .tasks import OPEN_TASK_STATUSES, REFUSING_DECISIONS, TASK_STATUSES, WARNING_LEVELS, TaskRecord
from .timers import TimerRecord
from .transfers import Transfer

__all__ = [
    "ArchivedInstance",
    "DEFAULT_CENTRE",
    "INSTANCE_STATUSES",
    "PAUSE_KINDS",
    "WARNING_LEVELS",
    "CalendarDay",
    "Extension",
    "Pause",
    "Shortfall",
    "WarningEvent",
    "OPEN_TASK_STATUSES",
    "REFUSING_DECISIONS",
    "ROLES",
    "ROLE_NAMES",
    "ROLES_NEEDING_DEPARTMENT",
    "TASK_STATUSES",
    "AuditEvent",
    "Base",
    "Department",
    "Instance",
    "ProcessDefinition",
    "ProcessDraft",
    "TaskRecord",
    "TimerRecord",
    "TrackingMiss",
    "Transfer",
    "UTCDateTime",
    "User",
]
