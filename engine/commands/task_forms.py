"""A step's declared decisions and opinion (`ow:choice`, `ow:opinion`), enforced when it is completed.

The diagram says which decisions a step offers; the engine holds every completion to that list, so a
complaint cannot be "approved" when its step asks whether to accept it, and a step that needs a written
opinion (a refusal's reason, a reply's text) cannot be closed without one. Steps that declare nothing
keep the open vocabulary the engine always had.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidError, Problem
from ..instance_change import InstanceChange
from ..models import REFUSING_DECISIONS

__all__ = ["check_against_form", "step_form"]


def step_form(change: InstanceChange, bpmn_id: str) -> dict[str, Any] | None:
    """The choices and opinion the instance's deployed version declares for one step, or None."""
    return change.step_settings().forms.get(bpmn_id)


def check_against_form(form: dict[str, Any] | None, decision: str | None, opinion: str | None) -> None:
    """Refuse (422) a decision the step does not offer, or a missing opinion the step or choice requires.

    A step that declares nothing keeps the engine's old rule: a refusing word (refuse, reject, …) needs
    its reason in the opinion.
    """
    if not form:
        if decision in REFUSING_DECISIONS and not (opinion or "").strip():
            raise InvalidError("办理结果填写有误", [Problem("不同意时须在意见中写明理由", field="opinion")])
        return
    problems: list[Problem] = []
    choices = {c["value"]: c for c in form.get("choices") or []}
    chosen = choices.get(decision or "")
    if choices and chosen is None:
        offered = "、".join(f"{c['label']}（{value}）" for value, c in choices.items())
        problems.append(Problem(f"请选择此环节提供的决定之一：{offered}", field="decision"))
    opinion_box = form.get("opinion") or {}
    wording = opinion_box.get("label") or "意见"
    needs_opinion = bool(opinion_box.get("required")) or bool(chosen and chosen["needs_opinion"])
    if needs_opinion and not (opinion or "").strip():
        because = f"选择“{chosen['label']}”时" if chosen and chosen["needs_opinion"] else "此环节"
        problems.append(Problem(f"{because}须填写{wording}", field="opinion"))
    if problems:
        raise InvalidError("办理结果填写有误", problems)
