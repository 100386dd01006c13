"""E-supervision tables, on the engine's declarative base (one schema, one migration history).

Each feature's module also holds its pure constants and rules (no session): alert signals, the
accountability ladder and escalation policy, the rating settings, the overdue-order signal.
"""

from .accountability import LADDER, LINK_KINDS, AccountabilityRecord, EscalationPolicy, Proposal, measure_for
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
from .complaints import COMPLAINT_CHANNELS, COMPLAINT_PROCESS, OUTCOME_SATISFACTION, Complaint
from .orders import ORDER_KINDS, ORDER_STATES, OVERDUE_TITLES, Card, SupervisionOrder, order_overdue_signal
from .ratings import (
    FOLLOW_UP_KINDS,
    GRADES,
    MAX_COMMENT,
    FollowUp,
    Rating,
    RatingSettings,
    handling_department,
)

__all__ = [
    "ALERT_LEVELS",
    "ALERT_SOURCES",
    "ALERT_STATES",
    "CAMERA_STATUSES",
    "COMPLAINT_CHANNELS",
    "COMPLAINT_PROCESS",
    "FOLLOW_UP_KINDS",
    "GRADES",
    "LADDER",
    "LEVEL_RANK",
    "LINK_KINDS",
    "MAX_COMMENT",
    "ORDER_KINDS",
    "ORDER_STATES",
    "OUTCOME_SATISFACTION",
    "OVERDUE_TITLES",
    "VIDEO_EVENT_STATES",
    "AccountabilityRecord",
    "Alert",
    "AlertSignal",
    "BoardSnapshot",
    "Camera",
    "Card",
    "Complaint",
    "EscalationPolicy",
    "FedEvent",
    "FollowUp",
    "MonitorCursor",
    "Proposal",
    "Rating",
    "RatingSettings",
    "SupervisionOrder",
    "VideoEvent",
    "handling_department",
    "measure_for",
    "order_overdue_signal",
]
