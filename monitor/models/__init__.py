"""E-supervision tables, on the engine's declarative base (one schema, one migration history)."""

from .accountability import LADDER, AccountabilityRecord
from .alerts import (
    ALERT_LEVELS,
    ALERT_SOURCES,
    ALERT_STATES,
    LEVEL_RANK,
    Alert,
    AlertSignal,
    BoardSnapshot,
    FedEvent,
    MonitorCursor,
)
from .cameras import CAMERA_STATUSES, VIDEO_EVENT_STATES, Camera, VideoEvent
from .complaints import (
    COMPLAINT_CHANNELS,
    COMPLAINT_PROCESS,
    OUTCOME_SATISFACTION,
    Complaint,
    FollowUp,
    Rating,
)
from .orders import ORDER_KINDS, ORDER_STATES, OVERDUE_TITLES, Card, SupervisionOrder, order_overdue_signal

__all__ = [
    "ALERT_LEVELS",
    "ALERT_SOURCES",
    "FedEvent",
    "ALERT_STATES",
    "LEVEL_RANK",
    "LADDER",
    "ORDER_KINDS",
    "ORDER_STATES",
    "OVERDUE_TITLES",
    "CAMERA_STATUSES",
    "COMPLAINT_CHANNELS",
    "COMPLAINT_PROCESS",
    "OUTCOME_SATISFACTION",
    "VIDEO_EVENT_STATES",
    "AccountabilityRecord",
    "Alert",
    "AlertSignal",
    "BoardSnapshot",
    "Camera",
    "Card",
    "Complaint",
    "FollowUp",
    "MonitorCursor",
    "Rating",
    "SupervisionOrder",
    "VideoEvent",
    "order_overdue_signal",
]
