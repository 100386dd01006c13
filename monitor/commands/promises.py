"""Broken promises: an application still open after its catalogue item's promised completion time.

The task timers watch each department's own limit; nothing in the engine knows the promise the
centre made publicly for the whole item (承诺办结时限). This command compares that promise with the
clock and raises one red alert per application the first time it is broken, naming the item's
responsible department, so the bureau sees it beside the other deadline alerts. The alert's key
is per application and stays taken after the alert is closed: a promise is broken once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, literal, select

from engine.command_context import CommandContext
from engine.models import Instance, Pause

from ..item_limits import item_due_dates
from ..models import Alert, AlertSignal, ApplicationItem, ServiceItem, ServiceItemVersion
from .alerts import open_alert

__all__ = ["OPEN_STATUSES", "RaiseBrokenPromiseAlertsCommand", "promise_key"]

OPEN_STATUSES = ("running", "suspended", "incident")
"""An application in one of these has not been finished, whatever is holding it."""


def promise_key(instance_id: int) -> str:
    """The alert's deduplication key for one application's promise."""
    return f"promise:instance:{instance_id}"


@dataclass(frozen=True)
class RaiseBrokenPromiseAlertsCommand:
    """Raise an alert for each open application whose promised completion time has passed."""

    batch: int = 500

    def execute(self, ctx: CommandContext) -> int:
        """Return how many alerts were opened; every open application not yet alerted is checked."""
        opened, after = 0, 0
        while True:
            checked, count, after = self._check_batch(ctx, after)
            opened += count
            if checked < self.batch:
                return opened

    def _check_batch(self, ctx: CommandContext, after: int) -> tuple[int, int, int]:
        session, now, runtime = ctx.session, ctx.now(), ctx.runtime
        key = literal(promise_key(0)[:-1]) + cast(Instance.id, String)
        alerted = select(Alert.id).where(Alert.dedup_key == key)
        rows = session.execute(
            select(Instance, ServiceItem.code, ServiceItemVersion)
            .join(ApplicationItem, ApplicationItem.instance_id == Instance.id)
            .join(ServiceItemVersion, ServiceItemVersion.id == ApplicationItem.item_version_id)
            .join(ServiceItem, ServiceItem.id == ServiceItemVersion.item_id)
            .where(Instance.id > after, Instance.status.in_(OPEN_STATUSES),
                   ServiceItemVersion.kind == "promised", ~alerted.exists())
            .order_by(Instance.id).limit(self.batch)).all()
        if not rows:
            return 0, 0, after
        ids = [instance.id for instance, _, _ in rows]
        pauses: dict[int, list[Pause]] = {}
        whole_stops = select(Pause).where(Pause.instance_id.in_(ids), Pause.task_id.is_(None))
        for pause in session.scalars(whole_stops):
            pauses.setdefault(pause.instance_id, []).append(pause)
        opened = 0
        for instance, code, version in rows:
            due = item_due_dates(runtime.calendar, runtime.workday_close, instance.created_at,
                                 version.promised_days, version.legal_days, pauses.get(instance.id, []))
            if due.stopped or due.promised >= now:
                continue
            opened += open_alert(ctx, AlertSignal(
                source="deadline", kind="promise_broken", level="red", dedup_key=promise_key(instance.id),
                subject=f"instance:{instance.id}", title=f"超过承诺办结时限：{version.name}",
                department_code=version.department_code, instance_id=instance.id,
                details={"item_code": code, "item_version": version.version,
                         "query_code": instance.query_code,
                         "promised_days": version.promised_days, "promised_due_at": due.promised.isoformat(),
                         "legal_due_at": due.legal.isoformat()}), now)[1]
        return len(rows), opened, ids[-1]
