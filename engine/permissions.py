"""Who may act on what: the permission rules that commands and read paths both apply.

Kept out of engine/commands so that reads (engine/queries) can check the same rule without
importing the write side.
"""

from __future__ import annotations

from .command_context import Actor
from .models import TaskRecord, Transfer

__all__ = ["DESIGN_ROLES", "OVERSIGHT_ROLES", "TASK_ROLES", "can_act_on", "can_decide_extension",
           "can_decide_transfer", "can_read_extensions"]

# Supervisors act on the tasks of their own lane only (the bureau's lane in complaint handling).
TASK_ROLES = frozenset({"window", "reviewer", "lead", "head", "supervisor"})
OVERSIGHT_ROLES = frozenset({"supervisor", "admin", "system"})
DESIGN_ROLES = frozenset({"admin", "designer", "system"})


def can_act_on(actor: Actor, row: TaskRecord) -> bool:
    """A department acts on its own lane's tasks only."""
    return actor.role in TASK_ROLES and actor.department_code == row.department_code


def can_decide_extension(actor: Actor, task: TaskRecord) -> bool:
    """The head (本单位负责人) of the department whose task it is, and nobody else.

    The rules give the extension of an answering unit's limit to that unit's own head: the one who
    answers for the delay. A lead (牵头部门) coordinates other departments and is not their head,
    and the supervision bureau watches extensions rather than granting them, its own included.
    """
    return actor.role == "head" and actor.department_code is not None \
        and actor.department_code == task.department_code


def can_read_extensions(actor: Actor, task: TaskRecord) -> bool:
    """The task's department and supervision see a task's requests; deciders see them too."""
    return can_act_on(actor, task) or actor.role in OVERSIGHT_ROLES or can_decide_extension(actor, task)


def can_decide_transfer(actor: Actor, transfer: Transfer) -> bool:
    """Supervision, or a lead of a department other than the one giving the task away."""
    if actor.role == "supervisor":
        return True
    return actor.role == "lead" and actor.department_code is not None \
        and actor.department_code != transfer.from_department
