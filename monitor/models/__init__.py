"""E-supervision tables, on the engine's declarative base (one schema, one migration history).

Each feature's module also holds its pure constants and rules (no session): alert signals, the
accountability ladder and escalation policy, the rating settings, the alerts of an overdue order and
of a video event.
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
from .cameras import (
    CAMERA_STATUSES,
    EVENT_LEVELS,
    EVENT_TITLES,
    VIDEO_EVENT_STATES,
    Camera,
    VideoEvent,
    event_details,
    event_signal,
    iso_or_none,
)
from .catalogue import (
    ITEM_KINDS,
    MATERIAL_FORMS,
    ApplicationFee,
    ApplicationItem,
    ServiceItem,
    ServiceItemVersion,
    check_item,
)
from .commitments import ASSESSMENTS, CommitmentProgress, DepartmentCommitment
from .complaints import COMPLAINT_CHANNELS, COMPLAINT_PROCESS, OUTCOME_SATISFACTION, Complaint
from .evaluations import COMPOSITE_WEIGHTS, EVALUATION_KINDS, EvaluationScore, EvaluationSession
from .inquiries import (
    INQUIRY_CHANNELS,
    INQUIRY_COMPLEXITIES,
    INQUIRY_PROCESS,
    PUBLISHED_END,
    DelayExplanation,
    Inquiry,
    KnowledgeEntry,
    KnowledgeGram,
)
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
from .selections import SELECTION_KINDS, SELECTION_STATES, Selection

__all__ = [
    "ASSESSMENTS",
    "ALERT_LEVELS",
    "ALERT_SOURCES",
    "ALERT_STATES",
    "CAMERA_STATUSES",
    "COMPLAINT_CHANNELS",
    "COMPLAINT_PROCESS",
    "COMPOSITE_WEIGHTS",
    "EVALUATION_KINDS",
    "EVENT_LEVELS",
    "EVENT_TITLES",
    "FOLLOW_UP_KINDS",
    "GRADES",
    "INQUIRY_CHANNELS",
    "INQUIRY_COMPLEXITIES",
    "INQUIRY_PROCESS",
    "ITEM_KINDS",
    "LADDER",
    "LEVEL_RANK",
    "LINK_KINDS",
    "MATERIAL_FORMS",
    "MAX_COMMENT",
    "ORDER_KINDS",
    "ORDER_STATES",
    "OUTCOME_SATISFACTION",
    "OVERDUE_TITLES",
    "PUBLISHED_END",
    "VIDEO_EVENT_STATES",
    "AccountabilityRecord",
    "ApplicationFee",
    "ApplicationItem",
    "Alert",
    "AlertSignal",
    "BoardSnapshot",
    "Camera",
    "Card",
    "CommitmentProgress",
    "Complaint",
    "DepartmentCommitment",
    "DelayExplanation",
    "EscalationPolicy",
    "EvaluationScore",
    "EvaluationSession",
    "FedEvent",
    "FollowUp",
    "Inquiry",
    "KnowledgeEntry",
    "KnowledgeGram",
    "MonitorCursor",
    "Proposal",
    "Rating",
    "ServiceItem",
    "ServiceItemVersion",
    "RatingSettings",
    "SELECTION_KINDS",
    "SELECTION_STATES",
    "Selection",
    "SupervisionOrder",
    "VideoEvent",
    "event_details",
    "event_signal",
    "check_item",
    "handling_department",
    "iso_or_none",
    "measure_for",
    "order_overdue_signal",
]
