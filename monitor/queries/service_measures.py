"""The hall's headline measures per catalogue item and department: 即办率, 一次办结率 and trips (跑动次数).

Over the applications registered under a catalogue item in the period:
- trips: 1 for the visit that registered it, + 1 for each correction notice of the window (an
  instance-wide 补正 stop) the applicant came back from, + 1 when 容缺 documents were brought later,
  + 1 for each one-time correction notice given at intake before it was registered (一次性告知: a
  visit that ended without registration). Such a notice is linked by the project code (项目代码) to
  the next application of that project registered under an item after it;
- one-trip rate (一次办结率, "最多跑一次"): the share with exactly one trip;
- on-the-spot rate (即办率): the share completed on the Beijing day it was registered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.commands.intake import INTAKE_PROCESS
from engine.models import Instance, Pause, Shortfall
from engine.state_codes import is_refusal
from engine.workdays import SHANGHAI

from ..models import ApplicationItem, ServiceItem, ServiceItemVersion
from .periods import Period, in_period

__all__ = ["service_measures"]


def _rates(applications: int, one_trip: int, same_day: int, trips: int) -> dict[str, Any]:
    return {"applications": applications, "one_trip": one_trip, "on_the_spot": same_day, "trips": trips,
            "one_trip_rate": round(one_trip / applications, 4) if applications else None,
            "on_the_spot_rate": round(same_day / applications, 4) if applications else None,
            "average_trips": round(trips / applications, 2) if applications else None}


def _visits_before_registration(session: Session, project_codes: set[str]) -> dict[int, int]:
    """Per application id: the correction notices at intake its project got before it was registered."""
    if not project_codes:
        return {}
    applications: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for instance_id, code, created in session.execute(
            select(Instance.id, Instance.project_code, Instance.created_at)
            .join(ApplicationItem, ApplicationItem.instance_id == Instance.id)
            .where(Instance.project_code.in_(project_codes))):
        applications[code].append((created, instance_id))
    for registered in applications.values():
        registered.sort()
    visits: dict[int, int] = defaultdict(int)
    for code, created, outcome, data in session.execute(
            select(Instance.project_code, Instance.created_at, Instance.outcome, Instance.data)
            .where(Instance.definition_key == INTAKE_PROCESS, Instance.project_code.in_(project_codes))):
        if is_refusal(outcome) or not (data or {}).get("missing_documents"):
            continue  # a refusal sends the applicant away; it is not a visit towards this application
        following = next((i for when, i in applications[code] if when > created), None)
        if following is not None:
            visits[following] += 1
    return visits


def service_measures(session: Session, period: Period) -> dict[str, list[dict[str, Any]]]:
    """Per item and per department: applications, one-trip and on-the-spot counts and rates, trips."""
    comebacks = (select(Pause.instance_id, func.count().label("n"))
                 .where(Pause.task_id.is_(None), Pause.kind == "correction", Pause.ended_at.is_not(None))
                 .group_by(Pause.instance_id).subquery())
    rows = session.execute(
        select(ServiceItem.code, ServiceItemVersion.name, ServiceItemVersion.department_code,
               Instance.created_at, Instance.completed_at, func.coalesce(comebacks.c.n, 0),
               Shortfall.status, Instance.id, Instance.project_code)
        .join(ApplicationItem, ApplicationItem.instance_id == Instance.id)
        .join(ServiceItemVersion, ServiceItemVersion.id == ApplicationItem.item_version_id)
        .join(ServiceItem, ServiceItem.id == ServiceItemVersion.item_id)
        .outerjoin(comebacks, comebacks.c.instance_id == Instance.id)
        .outerjoin(Shortfall, Shortfall.instance_id == Instance.id)
        .where(in_period(Instance.created_at, period))).all()
    before = _visits_before_registration(session, {row[-1] for row in rows})
    items: dict[str, dict[str, Any]] = {}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for code, name, department, created, completed, corrections, shortfall, instance_id, _ in rows:
        items.setdefault(code, {"code": code, "name": name, "department": department})
        trips = 1 + int(corrections) + (1 if shortfall == "supplied" else 0) + before.get(instance_id, 0)
        same_day = completed is not None and (completed.astimezone(SHANGHAI).date()
                                              == created.astimezone(SHANGHAI).date())
        for key in ((("item", code)), ("department", department)):
            tally = counts[key]
            tally[0] += 1
            tally[1] += trips == 1
            tally[2] += same_day
            tally[3] += trips
    return {
        "items": [{**items[code], **_rates(*counts[("item", code)])} for code in sorted(items)],
        "departments": [{"department": dept, **_rates(*tally)}
                        for (kind, dept), tally in sorted(counts.items()) if kind == "department"],
    }
