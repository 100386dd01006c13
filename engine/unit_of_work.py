"""The one function that changes a workflow instance: lock, load, act, save, index, audit.

Every command that touches an instance (start, claim, complete, fire timers, retry) goes through
`change_instance` or `create_instance`; nothing else writes instance state or its derived rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import flag_modified

from bpmn.lanes import lane_department

from .audit import GENESIS_HASH, append_event
from .database import take_write_lock
from .deadlines import is_frozen
from .engine_budget import BudgetExceeded, EngineBudgetError, charge_step, metered
from .exceptions import ConflictError, NotFoundError, find_cause
from .instance_change import InstanceChange
from .models import OPEN_TASK_STATUSES, Base, Instance, ProcessDefinition, TaskRecord, TimerRecord
from .scripting import ExpressionError
from .spiff_clock import engine_clock
from .task_warnings import refresh_instance_warning, refresh_task_warning
from .timer_events import attached_deadline, attached_task, is_working_day_timer, timer_due_at, waiting_timers
from .workdays import SHANGHAI, CalendarUnknownDayError, working_days_between
from .workflow_state import STATE_FORMAT

if TYPE_CHECKING:
    from .command_context import CommandContext

__all__ = ["LIVE_TIMER_STATES", "InstanceChange", "change_instance", "create_instance", "lock_instance",
           "remove_instance", "run_or_incident"]

# Timer rows that still stand for a waiting SpiffWorkflow timer.
LIVE_TIMER_STATES = ("pending", "claimed", "blocked", "paused")

T = TypeVar("T")


def create_instance(ctx: CommandContext, definition: ProcessDefinition, instance: Instance,
                    start_data: dict[str, Any]) -> Instance:
    """Start a new instance of a definition version and persist it with its derived rows.

    The engine's first steps run before the row exists, so an optimistic command (see
    engine.database.take_write_lock) computes them without SQLite's writer lock.
    """
    runtime = ctx.runtime
    specs = runtime.specs(definition.id, lambda: definition.spec_json)
    workflow = runtime.new_workflow(specs, start_data)
    now = ctx.now()
    instance.status = "running"
    instance.created_at = instance.updated_at = now
    instance.state_format = STATE_FORMAT
    instance.state = ""
    instance.data = dict(start_data)
    instance.audit_seq, instance.audit_hash = 0, GENESIS_HASH
    change = InstanceChange(ctx, instance, workflow, now, known_definition=definition)
    change.record("instance.started", None, definition_key=definition.key,
                  definition_version=definition.version)
    with engine_clock(runtime.clock), _within_budget(change, existed=False):
        _run_engine_steps(change)
        change.advance = False
        take_write_lock(ctx.session)
        ctx.session.add(instance)
        ctx.session.flush()  # assigns the id the derived rows refer to
        _finish(change)
    return instance


def lock_instance(ctx: CommandContext, instance_id: int | None = None, *, of_task: str | None = None,
                  with_state: bool = True) -> Instance | None:
    """Take an instance's row lock, by its id or by one of its tasks; None if there is no such instance.

    Locking by task lets a command read the task once, after the lock, instead of once to find the
    instance and again under the lock. The locked row is remembered for the rest of the attempt, so
    `change_instance` does not select it again.
    """
    if instance_id is not None and instance_id in ctx.locked:
        return ctx.locked[instance_id]
    if of_task is not None:
        owner = select(TaskRecord.instance_id).where(TaskRecord.id == of_task).scalar_subquery()
        locked = select(Instance).where(Instance.id == owner)
    else:
        locked = select(Instance).where(Instance.id == instance_id)
    locked = locked.with_for_update().execution_options(populate_existing=True)
    if with_state:  # the state is deferred for read paths; a command that runs it reads it with the lock
        locked = locked.options(undefer(Instance.state))
    instance = ctx.session.execute(locked).scalar_one_or_none()
    if instance is not None:
        ctx.locked[instance.id] = instance
    return instance


def change_instance(ctx: CommandContext, instance_id: int, act: Callable[[InstanceChange], T], *,
                    load_workflow: bool = True) -> T:
    """Lock an instance, let `act` change it, then save state, derived rows and audit together."""
    instance = lock_instance(ctx, instance_id, with_state=load_workflow)
    if instance is None:
        raise NotFoundError(f"办件 {instance_id} 不存在", instance_id=instance_id)
    workflow = None
    change = InstanceChange(ctx, instance, workflow, ctx.now())
    if load_workflow:
        change.workflow = ctx.runtime.hot.take(instance.id, instance.lock_version)
        if change.workflow is None:
            specs = ctx.runtime.specs(instance.definition_id, lambda: change.definition.spec_json)
            change.workflow = ctx.runtime.load_workflow(specs, instance.state, instance.state_format)
    with engine_clock(ctx.runtime.clock), _within_budget(change, existed=True):
        result = act(change)
        _finish(change)
    return result


def remove_instance(ctx: CommandContext, instance: Instance, record: Callable[[], object]) -> None:
    """Delete a locked, completed instance and its rows, after `record` wrote why (archiving only).

    The rows are found from the schema: every table whose foreign key reaches the instance, directly
    or through rows that do (its tasks, their transfers, ...). A row that cannot exist without it (a
    NOT NULL link) goes with it; a row that merely mentions it (a nullable link, e.g. an alert or a
    complaint about it) stays and loses the link. The audit log's guard lets its events go only
    because `record` has written the archive record first (engine.models.archive).
    """
    record()
    session = ctx.session
    session.flush()
    doomed: dict[str, set[Any]] = {"instance": {instance.id}}
    links: list[tuple[Table, Column[Any], str]] = []
    for table in Base.metadata.sorted_tables:  # parents before children
        for column in table.columns:
            for fk in column.foreign_keys:
                parent = fk.column.table.name
                if parent not in doomed or not fk.column.primary_key or table.name == "instance":
                    continue
                links.append((table, column, parent))
                keys = list(table.primary_key.columns)
                if not column.nullable and len(keys) == 1:
                    doomed.setdefault(table.name, set()).update(session.scalars(
                        select(keys[0]).where(column.in_(sorted(doomed[parent], key=str)))))
    for table, column, parent in reversed(links):  # children before parents
        wanted = sorted(doomed[parent], key=str)
        if column.nullable:
            session.execute(update(table).where(column.in_(wanted)).values({column.name: None}))
        else:
            session.execute(delete(table).where(column.in_(wanted)))
    session.execute(delete(Instance.__table__).where(Instance.__table__.c.id == instance.id))
    session.expunge(instance)
    ctx.locked.pop(instance.id, None)
    ctx.runtime.hot.take(instance.id, instance.lock_version)  # no restored workflow outlives its rows


@contextmanager
def _within_budget(change: InstanceChange, *, existed: bool) -> Iterator[None]:
    """Run the engine under the runtime's budget; over it, the whole unit of work is undone.

    An instance that existed before becomes an incident once the executor has rolled back; a new
    one is simply not registered.
    """
    try:
        with metered(change.ctx.runtime.budget):
            yield
    except BudgetExceeded as exc:
        incident = {"message": exc.reason, "task": None, "task_name": None, "at": change.now.isoformat()}
        raise EngineBudgetError(exc.reason if existed else f"{exc.reason}；申请未登记",
                                change.instance.id if existed else None, incident) from exc


def _finish(change: InstanceChange) -> None:
    """Advance the engine, then write state, task index, timers and audit in the caller's transaction.

    The reads in between do not flush: the instance row, whose audit head is known only at the end,
    is written once, in the final flush.
    """
    instance, workflow, session = change.instance, change.workflow, change.session
    instance.updated_at = change.now
    with session.no_autoflush:
        if workflow is not None:
            if change.advance and instance.status == "running":
                _run_engine_steps(change)
            instance.state = change.ctx.runtime.codec.dump_state(workflow)
            instance.state_format = STATE_FORMAT  # an older format is upgraded by the first save
            instance.data = _current_data(workflow)
            open_rows = _sync_task_index(change)
            refresh_instance_warning(change, open_rows)
            _sync_timers(change)
            if workflow.completed and instance.status == "running":
                instance.status = "completed"
                instance.completed_at = change.now
                instance.outcome = _outcome(workflow)
                change.record("instance.completed", None, outcome=instance.outcome)
        last = (instance.audit_seq, instance.audit_hash)
        for action, task_id, details in change.audit:
            event = append_event(session, instance.id, change.now, change.ctx.actor_name, action, task_id,
                                 details, last)
            last = (event.seq, event.hash)
        instance.audit_seq, instance.audit_hash = last
    flag_modified(instance, "audit_seq")  # every change writes the row, so its version check always runs
    take_write_lock(session)  # an optimistic command has only read so far; its writes start here
    session.flush()
    _keep_after_commit(change)


def _keep_after_commit(change: InstanceChange) -> None:
    """Offer the saved workflow to the next command in this process (engine.hot_workflows).

    Only a running instance's: an incident's or a finished one's next command is rare and restores it.
    """
    instance, workflow = change.instance, change.workflow
    if workflow is None or instance.status != "running":
        return
    hot, instance_id, version = change.ctx.runtime.hot, instance.id, instance.lock_version
    change.ctx.after_commit.append(lambda: hot.keep(instance_id, version, workflow))


def _run_engine_steps(change: InstanceChange) -> None:
    """Run automatic steps; an expression or script failure is an incident, not a failed request."""
    assert change.workflow is not None
    workflow = change.workflow
    run_or_incident(change, lambda: workflow.do_engine_steps(will_complete_task=charge_step))


def run_or_incident(change: InstanceChange, step: Callable[[], object]) -> bool:
    """Run one engine step (engine steps, or completing a task); return False if it became an incident.

    Whatever SpiffWorkflow raises while evaluating the diagram (a script, a gateway or event
    condition) stops the instance as an incident with its reason; the request itself succeeds and
    says so. Missing calendar data is the centre's to fix, not the diagram's: refused, nothing stored.
    """
    try:
        step()
    except (SpiffWorkflowException, ExpressionError) as exc:
        over = find_cause(exc, BudgetExceeded)
        if over is not None:
            raise over from exc  # not the diagram's error to keep: the whole unit of work is undone
        gap = find_cause(exc, CalendarUnknownDayError)
        if gap is not None:
            raise ConflictError(f"工作日历缺少 {gap.day.isoformat()} 的数据，请管理员先导入该年度日历",
                                day=gap.day.isoformat()) from exc
        task = getattr(exc, "task", None)
        error = {
            "message": _error_message(exc),
            "task": task.task_spec.bpmn_id if task is not None else None,
            "task_name": task.task_spec.bpmn_name if task is not None else None,
            "at": change.now.isoformat(),
        }
        change.instance.status = "incident"
        change.instance.error = error
        change.record("instance.incident", str(task.id) if task is not None else None, **error)
        return False
    return True


def _error_message(exc: BaseException) -> str:
    inner = getattr(exc, "error", None) or getattr(exc, "exception", None)
    message = str(exc)
    if inner is not None and str(inner) and str(inner) not in message:
        message = f"{message}: {inner}"
    return message[:2000]


def _current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Merge the data of finished and waiting tasks in order, as gateways downstream would see it."""
    merged: dict[str, Any] = dict(workflow.task_tree.data)
    tasks = workflow.get_tasks(state=TaskState.COMPLETED | TaskState.READY | TaskState.WAITING)
    for task in sorted(tasks, key=lambda t: t.last_state_change):
        merged.update(task.data)
    return json.loads(json.dumps(merged, default=str))


def _outcome(workflow: BpmnWorkflow) -> dict[str, Any] | None:
    """Name the end event the main path reached: the one completed last."""
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)
            and t.workflow is workflow]
    if not ends:
        return None
    last = max(ends, key=lambda t: t.last_state_change)
    return {"end_event": last.task_spec.bpmn_id, "name": last.task_spec.bpmn_name}


def _sync_task_index(change: InstanceChange) -> list[TaskRecord]:
    """Make the task rows match the ready human tasks: add new ones, cancel vanished ones."""
    assert change.workflow is not None
    instance, session = change.instance, change.session
    ready = {str(t.id): t for t in change.workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_rows = {
        row.id: row for row in session.scalars(
            select(TaskRecord).where(TaskRecord.instance_id == instance.id,
                                     TaskRecord.status.in_(OPEN_TASK_STATUSES))
        )
    }
    still_open = []
    for row_id, row in open_rows.items():
        if row_id not in ready and row_id not in change.finished_rows and not _errored(change, row_id):
            row.status = "cancelled"
            row.next_warning_at = None
            change.record("task.cancelled", row_id, bpmn_id=row.bpmn_id)
        elif row.status in OPEN_TASK_STATUSES:
            if change.rederive and row_id in ready and row.pause_kind is None:
                _rederive_deadline(change, row, ready[row_id])
            still_open.append(row)
    for task_id, task in ready.items():
        if task_id in open_rows:
            continue
        warning_settings = change.step_settings().warnings
        spec = task.task_spec
        due = attached_deadline(task)
        row = TaskRecord(
            id=task_id, instance_id=instance.id, definition_key=instance.definition_key,
            bpmn_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
            department_code=lane_department(spec.lane, task.data),
            status="ready", created_at=change.now, due_at=due, warning_level="green",
            limit_days=_limit_days(change, due), warning_policy=warning_settings.get(spec.bpmn_id),
        )
        session.add(row)
        still_open.append(row)
        refresh_task_warning(change, row)
        change.record("task.ready", task_id, bpmn_id=row.bpmn_id, department=row.department_code,
                      due_at=row.due_at.isoformat() if row.due_at else None)
    return still_open


def _errored(change: InstanceChange, task_id: str) -> bool:
    """A human task whose own step failed stays open: the incident's retry makes it ready again."""
    task = change.spiff_task(task_id)
    return task is not None and task.has_state(TaskState.ERROR)


def _rederive_deadline(change: InstanceChange, row: TaskRecord, task: Task) -> None:
    """Give an open row the due time its timers now hold, with the limit and warning that follow."""
    due = attached_deadline(task)
    if due is None or due == row.due_at:
        return
    old = row.due_at
    row.due_at = due
    row.limit_days = _limit_days(change, due)
    refresh_task_warning(change, row)
    change.record("deadline.recomputed", row.id, subject="task", old=old.isoformat() if old else None,
                  new=due.isoformat(), reason="retry")


def _limit_days(change: InstanceChange, due: datetime | None) -> int | None:
    """Working days from acceptance of the task to its deadline, as the applicant was told."""
    if due is None:
        return None
    try:
        return working_days_between(change.ctx.runtime.calendar, change.now.astimezone(SHANGHAI).date(),
                                    due.astimezone(SHANGHAI).date())
    except CalendarUnknownDayError:
        return None


def _sync_timers(change: InstanceChange) -> None:
    """Keep one pending timer row per waiting timer event, cancelling those no longer waiting."""
    assert change.workflow is not None
    instance, session = change.instance, change.session
    waiting = {str(t.id): t for t in waiting_timers(change.workflow)}
    live = {
        row.id: row for row in session.scalars(
            select(TimerRecord).where(TimerRecord.instance_id == instance.id,
                                      TimerRecord.state.in_(LIVE_TIMER_STATES))
        )
    }
    blocked = instance.status != "running"
    for row_id, row in live.items():
        if row_id not in waiting:
            fired = row.due_at <= change.now
            row.state = "fired" if fired else "cancelled"
            row.fired_at = change.now if fired else None
            row.claimed_by = row.claim_expires_at = None
            if fired:
                change.record("timer.fired", row_id, bpmn_id=row.bpmn_id, due_at=row.due_at.isoformat(),
                              attached_task_id=row.attached_task_id)
    for task_id, task in waiting.items():
        due = timer_due_at(task)
        if due is None:
            continue
        row = live.get(task_id)
        state = "paused" if is_frozen(task) else "blocked" if blocked else "pending"
        if row is not None:
            # Still waiting: release any claim; a stopped instance (or clock) parks its timers.
            row.state = state
            row.claimed_by = row.claim_expires_at = None
            if row.due_at < change.now < due:  # a cycle timer fired one occurrence and waits for the next
                change.record("timer.fired", task_id, bpmn_id=row.bpmn_id, due_at=row.due_at.isoformat(),
                              next_due_at=due.isoformat())
        if row is None:
            attached = attached_task(task)
            session.add(TimerRecord(
                id=task_id, instance_id=instance.id, bpmn_id=task.task_spec.bpmn_id,
                attached_task_id=str(attached.id) if attached is not None else None,
                due_at=due, state=state, anchor_at=change.now, workdays=_timer_workdays(change, task, due),
            ))
        elif row.due_at != due:
            row.due_at = due


def _timer_workdays(change: InstanceChange, timer: Task, due: datetime) -> int | None:
    """The N of a `workdays(N)` timer that just started waiting, read back from its due time.

    Kept on the timer row with the instant it started waiting, so a later calendar change can
    reckon the same N working days again on the new calendar.
    """
    if not is_working_day_timer(timer) or is_frozen(timer):
        return None
    local_due = due.astimezone(SHANGHAI)
    if local_due.time().replace(tzinfo=None) != change.ctx.runtime.workday_close:
        return None
    try:
        days = working_days_between(change.ctx.runtime.calendar, change.now.astimezone(SHANGHAI).date(),
                                    local_due.date())
    except CalendarUnknownDayError:
        return None
    return days or None
