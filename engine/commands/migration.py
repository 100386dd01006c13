"""Move one running instance to another version of its process, as one audited unit of work.

One command per instance: a batch is many of them, so an instance the plan cannot apply to is
refused and left exactly as it was while the others move. A dry run is the same command rolled back
(CommandExecutor.execute(dry_run=True)), so what it reports is what the migration would do.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from bpmn.lanes import lane_department

from ..command_context import CommandContext
from ..engine_budget import charge_step
from ..exceptions import ConflictError, ForbiddenError, NotFoundError
from ..instance_change import InstanceChange
from ..instance_migration import LIVE, MigrationReport, move_task_tree
from ..migration_plan import MigrationPlan
from ..models import OPEN_TASK_STATUSES, ProcessDefinition, TaskRecord, TimerRecord
from ..permissions import DESIGN_ROLES
from ..scripting import ExpressionError
from ..status_words import INSTANCE_STATUS_ZH, in_words
from ..task_warnings import refresh_task_warning
from ..unit_of_work import LIVE_TIMER_STATES, change_instance

__all__ = ["MigrateInstanceCommand"]


@dataclass(frozen=True)
class MigrateInstanceCommand:
    """Move instance `instance_id` from version `from_definition_id` to `to_definition_id` by `plan`."""

    instance_id: int
    from_definition_id: int
    to_definition_id: int
    plan: MigrationPlan

    def execute(self, ctx: CommandContext) -> MigrationReport:
        """Refuse (ConflictError, nothing written) or move the instance and return what moved."""
        if ctx.actor.role not in DESIGN_ROLES:
            raise ForbiddenError("只有流程设计员和管理员可以迁移办件")
        target = ctx.session.get(ProcessDefinition, self.to_definition_id)
        if target is None:
            raise NotFoundError("目标版本不存在", definition_id=self.to_definition_id)
        return change_instance(ctx, self.instance_id, lambda change: self._move(change, target))

    def _move(self, change: InstanceChange, target: ProcessDefinition) -> MigrationReport:
        instance = change.instance
        if instance.definition_id != self.from_definition_id:
            raise ConflictError(f"办件已是第 {instance.definition_version} 版，不在本次迁移的版本上",
                                version=instance.definition_version)
        if instance.status != "running":
            status = in_words(INSTANCE_STATUS_ZH, instance.status)
            raise ConflictError(f"办件状态为“{status}”，只有办理中的办件可以迁移", status=instance.status)
        source = change.definition
        specs = change.ctx.runtime.specs(target.id, lambda: target.spec_json)
        report = move_task_tree(change, specs, self.plan, target.version)
        instance.definition_id, instance.definition_version = target.id, target.version
        change.known_definition = target
        _run_new_version(change)
        _follow_rows(change, report)
        change.record("instance.migrated", None, from_version=source.version, to_version=target.version,
                      **report.as_dict())
        return report


def _run_new_version(change: InstanceChange) -> None:
    """Let the new version take its automatic steps now, so a failure refuses the migration.

    Inside the unit of work an engine error would make the instance an incident; a migration that
    breaks the instance is refused instead and the instance stays on its version.
    """
    workflow = change.workflow
    assert workflow is not None
    try:
        workflow.do_engine_steps(will_complete_task=charge_step)
    except (SpiffWorkflowException, ExpressionError) as exc:
        raise ConflictError(f"新版本在该办件上运行出错：{exc}；办件未迁移") from exc
    if not workflow.completed and not workflow.get_tasks(state=LIVE):
        raise ConflictError("迁移后办件将没有可办理的环节，请检查迁移计划")
    if workflow.get_tasks(state=TaskState.ERROR):
        raise ConflictError("新版本在该办件上运行出错；办件未迁移")


def _follow_rows(change: InstanceChange, report: MigrationReport) -> None:
    """Make the open task rows and live timer rows say what the moved tree says.

    Rows of finished tasks are history and keep the step they were done under. An open task whose
    department the new version changed leaves its old assignee's hands.
    """
    session, runtime = change.session, change.ctx.runtime
    warnings = change.step_settings().warnings
    rows = session.scalars(select(TaskRecord).where(TaskRecord.instance_id == change.instance.id,
                                                    TaskRecord.status.in_(OPEN_TASK_STATUSES)))
    for row in rows:
        task = change.spiff_task(row.id)
        if task is None or not task.has_state(TaskState.READY):
            continue  # cancelled by the plan; the unit of work cancels the row
        spec = task.task_spec
        department = lane_department(spec.lane, task.data)
        report.moved.append({"task_id": row.id, "from": row.bpmn_id, "to": spec.bpmn_id,
                             "name": spec.bpmn_name or spec.bpmn_id, "department": department})
        row.bpmn_id, row.name = spec.bpmn_id, spec.bpmn_name or spec.bpmn_id
        row.warning_policy = warnings.get(spec.bpmn_id)
        if department != row.department_code:
            row.department_code = department
            row.assignee = row.claimed_at = None
            row.status = "ready"
        days = report.shifted.get(row.id)
        if days:
            if row.due_at is not None:
                row.due_at = runtime.shift_by_workdays(row.due_at, days)
            if row.limit_days is not None:
                row.limit_days = max(0, row.limit_days + days)
        refresh_task_warning(change, row)
    timers = session.scalars(select(TimerRecord).where(TimerRecord.instance_id == change.instance.id,
                                                       TimerRecord.state.in_(LIVE_TIMER_STATES)))
    for timer in timers:
        task = change.spiff_task(timer.id)
        if task is None:
            continue  # dropped with its step; the unit of work cancels the row
        timer.bpmn_id = task.task_spec.bpmn_id
        days = report.shifted.get(timer.id)
        if days and timer.workdays is not None:
            timer.workdays = max(1, timer.workdays + days)
