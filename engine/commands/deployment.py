"""Deploy BPMN files as versioned process definitions after security checks, XSD and lint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from ..bpmn_input import DEFAULT_MAX_BPMN_BYTES, parse_untrusted_bpmn
from ..command_context import CommandContext
from ..definition_checks import check_lint, parse_processes
from ..exceptions import ForbiddenError
from ..models import Department, ProcessDefinition
from ..permissions import DESIGN_ROLES

__all__ = ["DeployDefinitionCommand", "DeployResult"]


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did for one process key: a new version, or the identical existing one."""

    definition: ProcessDefinition
    created: bool


@dataclass(frozen=True)
class DeployDefinitionCommand:
    """Deploy every executable process in one BPMN file; identical files change nothing."""

    xml: bytes
    filename: str = "upload.bpmn"
    max_bytes: int = DEFAULT_MAX_BPMN_BYTES

    def execute(self, ctx: CommandContext) -> list[DeployResult]:
        """Check the file, then store one new version per changed process key."""
        if ctx.actor.role not in DESIGN_ROLES:
            raise ForbiddenError("只有流程设计员和管理员可以发布流程")
        root = parse_untrusted_bpmn(self.xml, self.max_bytes)
        check_lint(root, set(ctx.session.scalars(select(Department.code))), ctx.runtime)
        specs = parse_processes(root, self.filename)
        digest = hashlib.sha256(self.xml).hexdigest()
        xml_text = self.xml.decode("utf-8", errors="replace")
        results = []
        for key, name, spec, subprocess_specs, warning_settings, task_forms in specs:
            latest = ctx.session.scalars(
                select(ProcessDefinition).where(ProcessDefinition.key == key)
                .order_by(ProcessDefinition.version.desc()).limit(1)
            ).first()
            if latest is not None and latest.xml_sha256 == digest:
                results.append(DeployResult(latest, created=False))
                continue
            version = (ctx.session.scalar(
                select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key)) or 0) + 1
            definition = ProcessDefinition(
                key=key, version=version, name=name, xml_sha256=digest, xml=xml_text,
                spec_json=ctx.runtime.codec.dump_spec(spec, subprocess_specs),
                deployed_at=ctx.now(), deployed_by=ctx.actor.username, task_warning_settings=warning_settings,
                task_forms=task_forms,
            )
            ctx.session.add(definition)
            ctx.session.flush()
            results.append(DeployResult(definition, created=True))
        return results
