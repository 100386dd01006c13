"""Remove one archived application from the live tables, its removal recorded in the archive chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..archive_chain import archive_head, record_hash
from ..chain_key import chain_key_for
from ..exceptions import ConflictError, ForbiddenError, NotFoundError
from ..models import ArchivedInstance
from ..unit_of_work import lock_instance, remove_instance

if TYPE_CHECKING:
    from ..command_context import CommandContext

__all__ = ["RemoveArchivedInstanceCommand"]

ARCHIVING_ROLES = frozenset({"admin", "system"})


@dataclass(frozen=True)
class RemoveArchivedInstanceCommand:
    """Record that an application went to `archive_file` with its chain head, then delete it.

    Refused, with nothing changed, unless the application is still completed and its chain still
    ends where the file says (`head`): an application that changed after the export stays live.
    """

    instance_id: int
    head: tuple[int, str]
    archive_file: str
    archive_sha256: str

    def execute(self, ctx: CommandContext) -> None:
        """Append the archive record, then remove the instance and its rows (one transaction)."""
        if ctx.actor.role not in ARCHIVING_ROLES:
            raise ForbiddenError("只有管理员可以归档办件")
        instance = lock_instance(ctx, self.instance_id, with_state=False)
        if instance is None:
            raise NotFoundError(f"办件 {self.instance_id} 不存在", instance_id=self.instance_id)
        if instance.status != "completed" or instance.completed_at is None:
            raise ConflictError(f"办件 {instance.query_code} 未办结，不能归档", instance_id=instance.id)
        if (instance.audit_seq, instance.audit_hash) != tuple(self.head):
            raise ConflictError(f"办件 {instance.query_code} 在导出后又有新记录，须重新导出",
                                instance_id=instance.id)

        def record() -> None:
            last_seq, last_hash = archive_head(ctx.session)
            row = ArchivedInstance(
                seq=last_seq + 1, instance_id=instance.id, query_code=instance.query_code,
                project_code=instance.project_code, project_name=instance.project_name,
                definition_key=instance.definition_key, completed_at=instance.completed_at,
                archived_at=ctx.now(), archived_by=ctx.actor_name or ctx.actor.role,
                archive_file=self.archive_file,
                archive_sha256=self.archive_sha256, head_seq=self.head[0], head_hash=self.head[1],
                prev_hash=last_hash, hash="")
            row.hash = record_hash(row, last_hash, chain_key_for(ctx.session))
            ctx.session.add(row)

        remove_instance(ctx, instance, record)
