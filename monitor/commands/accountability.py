"""Record an accountability measure (效能问责): append-only, a correction is a new record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.chain_key import chain_key_for
from engine.command_context import CommandContext
from engine.exceptions import ConflictError, InvalidError, Problem
from engine.models import Department

from ..accountability_chain import record_hash
from ..models import LADDER, LINK_KINDS, AccountabilityRecord, Alert, Complaint, SupervisionOrder, measure_for
from ..queries.accountability import accountability_head
from ..roles import require_supervisor
from .alerts import decide_by_measure

__all__ = ["CHAIN_LOCK_KEY", "RecordAccountabilityCommand", "append_record", "lock_chain", "normalize_links"]

MAX_REASON = 5000
LINK_MODELS: dict[str, Any] = {"alerts": Alert, "complaints": Complaint, "orders": SupervisionOrder}
_LINK_LABELS = {"alerts": "预警", "complaints": "投诉", "orders": "督办单"}
_FIELD_LABELS = {"person": "责任人", "department": "部门代码"}

# Key of the PostgreSQL transaction-level advisory lock that serializes appends to the chain
# ("owac" in ASCII); any constant works as long as nothing else in the database uses it.
CHAIN_LOCK_KEY = 0x6F776163


def lock_chain(session: Session) -> None:
    """Serialize appenders so two supervisors recording at once cannot fork the chain.

    PostgreSQL: a transaction-level advisory lock (works on the empty table too, where there is no
    last row to lock). SQLite: the command session already began with BEGIN IMMEDIATE, which holds
    the database-wide writer lock. Either way the unique `seq` turns a lost race into a retry.
    Taking it twice in one transaction is harmless (it is released at commit or rollback).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def append_record(session: Session, *, person: str | None, department_code: str | None, rung: int,
                  reason: str, links: dict[str, Any], decided_by: str, decided_at: datetime,
                  corrects_id: int | None = None) -> AccountabilityRecord:
    """Add the next record of the global chain; adds and flushes, the executor commits."""
    lock_chain(session)
    last_seq, prev = accountability_head(session)
    seq = last_seq + 1
    measure = measure_for(rung)
    record = AccountabilityRecord(
        seq=seq, person=person, department_code=department_code, rung=rung, measure=measure,
        reason=reason, links=links, decided_by=decided_by, decided_at=decided_at, corrects_id=corrects_id,
        prev_hash=prev,
        hash=record_hash(prev, seq, person, department_code, rung, measure, reason, links, decided_by,
                         decided_at, corrects_id, key=chain_key_for(session)),
    )
    session.add(record)
    session.flush()
    return record


def normalize_links(links: Any, problems: list[Problem]) -> dict[str, list[int]]:
    """Return {alerts, complaints, orders} as sorted unique id lists, the form that is hashed.

    One canonical form means the same links always hash the same, whatever order the client sent.
    """
    result: dict[str, list[int]] = {kind: [] for kind in LINK_KINDS}
    if links is None:
        return result
    if not isinstance(links, dict):
        problems.append(Problem("关联记录须为 JSON 对象，按类别列出记录编号", field="links"))
        return result
    for kind, ids in links.items():
        if kind not in LINK_KINDS:
            kinds = "、".join(f"{_LINK_LABELS.get(k, k)}（{k}）" for k in LINK_KINDS)
            problems.append(Problem(f"未知的关联记录类别，只能是：{kinds}", field=f"links.{kind}"))
        elif not isinstance(ids, list | tuple) or not all(
                isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
            problems.append(Problem("须为记录编号（正整数）的列表", field=f"links.{kind}"))
        else:
            result[kind] = sorted(set(ids))
    return result


def _optional(value: str | None, name: str, limit: int, problems: list[Problem]) -> str | None:
    """Strip an optional name to None when blank; note it when it is too long."""
    text = (value or "").strip() or None
    if text is not None and len(text) > limit:
        problems.append(Problem(f"{_FIELD_LABELS.get(name, name)}不能超过{limit}个字", field=name))
    return text


@dataclass(frozen=True)
class RecordAccountabilityCommand:
    """The bureau records a measure against a person and/or department, linked to what caused it."""

    person: str | None
    department_code: str | None
    rung: int
    reason: str
    links: dict[str, list[int]] = field(default_factory=dict)
    corrects_id: int | None = None

    def _validated(self) -> tuple[str | None, str | None, str, dict[str, list[int]]]:
        """Check the input alone; raise one InvalidError carrying every problem."""
        problems: list[Problem] = []
        person = _optional(self.person, "person", 64, problems)
        department = _optional(self.department_code, "department", 32, problems)
        if person is None and department is None:
            problems.append(Problem("请填写责任人或部门（也可两者都填）", field="person"))
        if isinstance(self.rung, bool) or not isinstance(self.rung, int) or self.rung not in LADDER:
            problems.append(Problem(f"问责方式须为第{min(LADDER)}至{max(LADDER)}级", field="rung"))
        reason = (self.reason or "").strip()
        if not reason:
            problems.append(Problem("请填写问责理由", field="reason"))
        elif len(reason) > MAX_REASON:
            problems.append(Problem(f"问责理由不能超过{MAX_REASON}个字", field="reason"))
        links = normalize_links(self.links, problems)
        if problems:
            raise InvalidError("问责记录填写有误", problems)
        return person, department, reason, links

    def _load(self, ctx: CommandContext, department: str | None,
              links: dict[str, list[int]]) -> list[Alert]:
        """Check that everything named exists; return the linked alerts, locked for the decision."""
        problems: list[Problem] = []
        missing: dict[str, list[int]] = {}
        alerts: list[Alert] = []
        for kind, model in LINK_MODELS.items():
            if not links[kind]:
                continue
            query = select(model).where(model.id.in_(links[kind])).order_by(model.id)
            rows = list(ctx.session.scalars(query.with_for_update() if kind == "alerts" else query))
            unknown = sorted(set(links[kind]) - {row.id for row in rows})
            if unknown:
                missing[kind] = unknown
                ids = "、".join(map(str, unknown))
                problems.append(Problem(f"以下{_LINK_LABELS.get(kind, kind)}不存在：{ids}",
                                        field=f"links.{kind}"))
            if kind == "alerts":
                alerts = rows
        if department is not None and ctx.session.scalar(
                select(Department.id).where(Department.code == department)) is None:
            problems.append(Problem(f"未知部门：{department}", field="department"))
        if self.corrects_id is not None:
            self._check_correctable(ctx, problems)
        if problems:
            raise InvalidError("问责记录关联的记录不存在", problems,
                               missing=missing)
        return alerts

    def _check_correctable(self, ctx: CommandContext, problems: list[Problem]) -> None:
        """A correction targets an existing record that nothing has corrected yet (one line per case)."""
        if ctx.session.get(AccountabilityRecord, self.corrects_id) is None:
            problems.append(Problem(f"未找到问责记录 #{self.corrects_id}", field="corrects_id"))
            return
        newer = ctx.session.scalar(select(AccountabilityRecord.id).where(
            AccountabilityRecord.corrects_id == self.corrects_id).limit(1))
        if newer is not None:
            raise ConflictError(f"问责记录 #{self.corrects_id} 已由问责记录 #{newer} 更正，请更正该条记录",
                                corrects_id=self.corrects_id, corrected_by=newer)

    def execute(self, ctx: CommandContext) -> AccountabilityRecord:
        """Append the record and mark the linked undecided alerts as decided by it."""
        require_supervisor(ctx.actor, "只有监察局（效能办）可以记录效能问责")
        person, department, reason, links = self._validated()
        # Taken before anything is read, so a concurrent correction check cannot pass twice.
        lock_chain(ctx.session)
        alerts = self._load(ctx, department, links)
        now, decided_by = ctx.now(), ctx.actor_name or "system"
        record = append_record(ctx.session, person=person, department_code=department, rung=self.rung,
                               reason=reason, links=links, decided_by=decided_by, decided_at=now,
                               corrects_id=self.corrects_id)
        for alert in alerts:
            decide_by_measure(alert, "accountability", reason, decided_by, now)
        return record
