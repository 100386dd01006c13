"""Who may do and see what in e-supervision: the roles, and the checks every command and read shares.

The supervision bureau (and the system accounts acting for it) decides; the department a record
concerns (its window, reviewer and lead staff) explains, replies and follows up; administrators see
everything but decide nothing. Pure functions of the actor: no session.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from engine.command_context import Actor
from engine.exceptions import ForbiddenError

from .models import AccountabilityRecord, Alert, Camera, Card, FollowUp, SupervisionOrder

__all__ = ["DEPARTMENT_ROLES", "FOLLOW_UP_VIEW_ALL", "LIST_ALL_ROLES", "OVERSIGHT_ROLES", "SUPERVISION_ROLES",
           "can_see_accountability_record", "can_see_alert", "can_see_camera_evidence", "can_see_card",
           "can_see_follow_up", "can_see_order", "is_department_staff", "require_department", "require_role",
           "require_supervisor"]

SUPERVISION_ROLES = frozenset({"supervisor", "system"})
DEPARTMENT_ROLES = frozenset({"window", "reviewer", "lead", "head"})
OVERSIGHT_ROLES = SUPERVISION_ROLES | {"admin"}
"""See every department's alerts, orders and cards."""
FOLLOW_UP_VIEW_ALL = frozenset({"supervisor", "admin"})
"""See every department's follow-ups of bad reviews (the system accounts do not need to)."""
LIST_ALL_ROLES = frozenset({"supervisor", "admin"})
"""List every department's alerts, orders, cards and accountability records (anyone else lists their own
department's), and see every accountability record and every camera's evidence pictures."""


def require_role(actor: Actor, roles: Collection[str], message: str, **details: Any) -> None:
    """Raise ForbiddenError (403) with `message` unless the actor has one of `roles`."""
    if actor.role not in roles:
        raise ForbiddenError(message, **details)


def require_supervisor(actor: Actor, message: str = "只有监察局（效能办）可以执行此操作") -> None:
    """Only the supervision bureau (or a system account acting for it) may go on."""
    require_role(actor, SUPERVISION_ROLES, message)


def is_department_staff(actor: Actor, department_code: str | None) -> bool:
    """Whether the actor is window, reviewer or lead staff of that department."""
    return actor.role in DEPARTMENT_ROLES and actor.department_code == department_code


def require_department(actor: Actor, department_code: str | None, message: str, **details: Any) -> None:
    """Only staff of the department concerned may go on (explain, reply, follow up)."""
    if not is_department_staff(actor, department_code):
        raise ForbiddenError(message, **details)


def can_see_alert(actor: Actor, alert: Alert) -> bool:
    """Supervision sees every alert; a department sees its own."""
    return actor.role in OVERSIGHT_ROLES or is_department_staff(actor, alert.department_code)


def can_see_order(actor: Actor, order: SupervisionOrder) -> bool:
    """Supervision sees every order; a department sees the ones addressed to it."""
    return actor.role in OVERSIGHT_ROLES or is_department_staff(actor, order.department_code)


def can_see_card(actor: Actor, card: Card) -> bool:
    """Supervision sees every card; a department sees its own."""
    return actor.role in OVERSIGHT_ROLES or is_department_staff(actor, card.department_code)


def can_see_follow_up(actor: Actor, follow_up: FollowUp) -> bool:
    """Supervision sees every follow-up; a department sees its own."""
    return actor.role in FOLLOW_UP_VIEW_ALL or is_department_staff(actor, follow_up.department_code)


def can_see_accountability_record(actor: Actor, record: AccountabilityRecord) -> bool:
    """Supervision sees every record; a department the records naming it, not those naming only a person."""
    return actor.role in LIST_ALL_ROLES or (record.department_code is not None
                                            and is_department_staff(actor, record.department_code))


def can_see_camera_evidence(actor: Actor, camera: Camera) -> bool:
    """Supervision sees every camera's event pictures; anyone else those of their own department's cameras."""
    return actor.role in LIST_ALL_ROLES or actor.department_code == camera.department_code
