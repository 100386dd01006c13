"""Editing the service catalogue: save a draft, publish it as the next version, import many at once.

Administrators and process designers edit. A draft is checked in full when it is saved, so what is
published has already passed; publishing copies the draft into a new immutable version, and
applications registered before keep the version they were registered under. An import of hundreds
of items is one transaction: every problem of every item is reported at once and nothing is stored
unless all of them pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.exceptions import ConflictError, ForbiddenError, InvalidError, NotFoundError, Problem
from engine.models import Department, ProcessDefinition
from engine.permissions import DESIGN_ROLES

from ..models import COMPLAINT_PROCESS, INQUIRY_PROCESS, ServiceItem, ServiceItemVersion, check_item
from ..models.catalogue import CODE_RULE, valid_code

__all__ = ["MAX_IMPORT", "NOT_SERVICE_PROCESSES", "ImportCatalogueCommand", "PublishItemCommand",
           "SaveItemDraftCommand"]

MAX_IMPORT = 2000
"""Most items one import may carry: a county's whole catalogue, in one transaction."""
NOT_SERVICE_PROCESSES = frozenset({COMPLAINT_PROCESS, INQUIRY_PROCESS, "one_window_acceptance"})
"""Processes no item may run: complaints and inquiries start from their own filings, and the window's
acceptance process records refusals and correction notices of whatever item was applied for."""


def _require_editor(ctx: CommandContext) -> None:
    if ctx.actor.role not in DESIGN_ROLES:
        raise ForbiddenError("只有管理员和流程设计人员可以编辑事项清单")


def _known(ctx: CommandContext) -> tuple[set[str], set[str]]:
    """The department codes and deployed process keys an item may name."""
    departments = set(ctx.session.scalars(select(Department.code)))
    definitions = set(ctx.session.scalars(select(ProcessDefinition.key).distinct())) - NOT_SERVICE_PROCESSES
    return departments, definitions


def _item(ctx: CommandContext, code: str, *, create: bool) -> ServiceItem:
    item = ctx.session.scalar(select(ServiceItem).where(ServiceItem.code == code).with_for_update())
    if item is not None or not create:
        if item is None:
            raise NotFoundError(f"没有编码为 {code} 的事项", code=code)
        return item
    item = ServiceItem(code=code, latest_version=0, draft=None, draft_revision=0, created_at=ctx.now(),
                       created_by=ctx.actor_name or "system")
    ctx.session.add(item)
    return item


def _check_code(code: object, field: str = "code") -> None:
    if not valid_code(code):
        raise InvalidError("事项编码有误", [Problem(CODE_RULE, field=field)])


def _publish(ctx: CommandContext, item: ServiceItem, content: dict[str, Any]) -> ServiceItemVersion:
    version = ServiceItemVersion(
        item_id=item.id, version=item.latest_version + 1, name=content["name"],
        department_code=content["department"], definition_key=content["definition_key"], kind=content["kind"],
        legal_days=content["legal_days"], promised_days=content["promised_days"], content=content,
        published_at=ctx.now(), published_by=ctx.actor_name or "system")
    ctx.session.add(version)
    item.latest_version = version.version
    item.draft, item.draft_saved_at, item.draft_saved_by = None, None, None
    return version


@dataclass(frozen=True)
class SaveItemDraftCommand:
    """Create an item, or save an edit of one as its draft (checked in full, published later)."""

    code: str
    content: dict[str, Any]
    expected_revision: int | None = None

    def execute(self, ctx: CommandContext) -> ServiceItem:
        """422 with every problem; 409 when someone saved a newer draft than the one the page holds."""
        _require_editor(ctx)
        _check_code(self.code)
        clean, problems = check_item(self.content, *_known(ctx))
        if problems:
            raise InvalidError("事项内容有误", problems)
        item = _item(ctx, self.code, create=True)
        if self.expected_revision is not None and item.draft_revision != self.expected_revision:
            raise ConflictError(f"他人已保存了更新的草稿（第{item.draft_revision}稿），请刷新后再改",
                                code=self.code, revision=item.draft_revision)
        item.draft, item.draft_revision = clean, item.draft_revision + 1
        item.draft_saved_at, item.draft_saved_by = ctx.now(), ctx.actor_name or "system"
        ctx.session.flush()
        return item


@dataclass(frozen=True)
class PublishItemCommand:
    """Publish an item's draft as its next version; earlier versions stay as they were."""

    code: str

    def execute(self, ctx: CommandContext) -> ServiceItemVersion:
        """409 when there is no draft to publish."""
        _require_editor(ctx)
        item = _item(ctx, self.code, create=False)
        if item.draft is None:
            raise ConflictError("此事项没有待发布的草稿", code=self.code)
        clean, problems = check_item(item.draft, *_known(ctx))  # a department or process may be gone since
        if problems:
            raise InvalidError("草稿已不符合要求，请修改后再发布", problems)
        version = _publish(ctx, item, clean)
        ctx.session.flush()
        return version


@dataclass(frozen=True)
class ImportCatalogueCommand:
    """Import items (`[{code, ...content}]`): each published as its item's next version, all or none."""

    items: list[Any]
    sheet_problems: tuple[Problem, ...] = ()
    """What reading the items' source found already (a workbook's headers), named with the rest."""

    def execute(self, ctx: CommandContext) -> list[tuple[str, ServiceItemVersion]]:
        """422 naming every problem as `items[i].field`; nothing is stored unless every item passes."""
        _require_editor(ctx)
        if self.sheet_problems and not self.items:
            raise InvalidError("导入内容有误，未导入任何事项", list(self.sheet_problems))
        if not isinstance(self.items, list) or not 1 <= len(self.items) <= MAX_IMPORT:
            raise InvalidError("导入内容有误", [Problem(f"须导入1至{MAX_IMPORT}个事项", field="items")])
        departments, definitions = _known(ctx)
        problems: list[Problem] = list(self.sheet_problems)
        cleaned: list[tuple[str, dict[str, Any]]] = []
        seen: set[str] = set()
        for i, raw in enumerate(self.items):
            at = f"items[{i}]."
            code = raw.get("code") if isinstance(raw, dict) else None
            if not valid_code(code):
                problems.append(Problem(CODE_RULE, field=f"{at}code"))
            elif code in seen:
                problems.append(Problem(f"事项编码 {code} 在导入内容中重复", field=f"{at}code"))
            seen.add(code if isinstance(code, str) else "")
            clean, found = check_item(raw, departments, definitions, at=at)
            problems += found
            cleaned.append((code if isinstance(code, str) else "", clean))
        if problems:
            raise InvalidError("导入内容有误，未导入任何事项", problems)
        versions = []
        for code, clean in cleaned:
            item = _item(ctx, code, create=True)
            ctx.session.flush()  # a new item needs its id before its first version
            versions.append((code, _publish(ctx, item, clean)))
        ctx.session.flush()
        return versions
