"""Deployed process definitions and the designers' drafts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError
from ..models import ProcessDefinition, ProcessDraft

__all__ = ["definition_task_forms", "definition_version", "definition_versions", "definition_xml",
           "draft_or_404", "latest_definitions", "latest_version", "saved_drafts"]


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The newest version of every process key, by key."""
    latest: dict[str, ProcessDefinition] = {}
    for row in session.scalars(select(ProcessDefinition)
                               .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())):
        latest.setdefault(row.key, row)
    return list(latest.values())


def definition_versions(session: Session, key: str) -> list[ProcessDefinition]:
    """Every version of a key, newest first; 404 when the key was never deployed."""
    versions = list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                    .order_by(ProcessDefinition.version.desc())))
    if not versions:
        raise NotFoundError(f"没有标识为 {key} 的流程", key=key)
    return versions


def definition_version(session: Session, key: str, version: int) -> ProcessDefinition:
    """One version of a key, or 404."""
    row = session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                         ProcessDefinition.version == version))
    if row is None:
        raise NotFoundError(f"流程 {key} 没有第 {version} 版", key=key, version=version)
    return row


def latest_version(session: Session, key: str) -> int:
    """The newest version number of a key, or 404."""
    latest = session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key))
    if latest is None:
        raise NotFoundError(f"没有标识为 {key} 的流程", key=key)
    return latest


def definition_xml(session: Session, definition_id: int) -> str | None:
    """The BPMN XML a running instance follows, exactly as it was deployed."""
    return session.scalar(select(ProcessDefinition.xml).where(ProcessDefinition.id == definition_id))


def definition_task_forms(session: Session, definition_id: int) -> dict[str, Any]:
    """{user task id: its declared choices and opinion} for one deployed version (bpmn.task_forms)."""
    forms = session.scalar(select(ProcessDefinition.task_forms).where(ProcessDefinition.id == definition_id))
    return forms or {}


def saved_drafts(session: Session) -> list[ProcessDraft]:
    """Every saved draft, most recently saved first."""
    return list(session.scalars(select(ProcessDraft).order_by(ProcessDraft.saved_at.desc())))


def draft_or_404(session: Session, key: str) -> ProcessDraft:
    """The draft of a key, or 404."""
    draft = session.scalar(select(ProcessDraft).where(ProcessDraft.key == key))
    if draft is None:
        raise NotFoundError(f"流程 {key} 没有草稿", key=key)
    return draft
