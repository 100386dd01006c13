"""Deploy BPMN files as versioned process definitions after security checks, XSD and lint."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bpmn.assignments import Assignment
from bpmn.rewrites import Rewrite

from ..bpmn_input import DEFAULT_MAX_BPMN_BYTES, parse_untrusted_bpmn
from ..command_context import CommandContext
from ..definition_checks import parse_processes
from ..diagram_import import prepare_diagram
from ..exceptions import ForbiddenError
from ..models import Department, ProcessDefinition
from ..permissions import DESIGN_ROLES

__all__ = ["DeployDefinitionCommand", "DeployResult"]


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did for one process key: a new version, or the identical existing one.

    `assignments` says which rule gave each human task its department; `rewrites` what deployment
    changed in the diagram (dueDate → deadline timer, accepted condition rewrites); `warnings` what
    the diagram says that OneWindow does not follow (it deployed all the same).
    """

    definition: ProcessDefinition
    created: bool
    assignments: tuple[Assignment, ...] = ()
    warnings: tuple[tuple[str, str | None, int | None], ...] = ()
    rewrites: tuple[Rewrite, ...] = ()


@dataclass(frozen=True)
class DeployDefinitionCommand:
    """Deploy every executable process in one BPMN file; identical files change nothing.

    `lane_departments` is the designer's choice of department for lanes named otherwise (受理窗口 →
    a code); `group_departments` the centre's table for candidate groups that are not department
    codes. A diagram they resolve is stored rewritten into the lane convention (bpmn.assignments).
    """

    xml: bytes
    filename: str = "upload.bpmn"
    max_bytes: int = DEFAULT_MAX_BPMN_BYTES
    lane_departments: Mapping[str, str] = field(default_factory=dict)
    group_departments: Mapping[str, str] = field(default_factory=dict)
    rewrite_conditions: bool = False

    def execute(self, ctx: CommandContext) -> list[DeployResult]:
        """Check the file, then store one new version per changed process key."""
        if ctx.actor.role not in DESIGN_ROLES:
            raise ForbiddenError("只有流程设计员和管理员可以发布流程")
        root = parse_untrusted_bpmn(self.xml, self.max_bytes)
        departments = set(ctx.session.scalars(select(Department.code)))
        prepared = prepare_diagram(self.xml, root, departments, ctx.runtime,
                                   lane_departments=self.lane_departments,
                                   group_departments=self.group_departments,
                                   rewrite_conditions=self.rewrite_conditions)
        specs = parse_processes(root, self.filename)
        xml = prepared.xml  # byte for byte as uploaded, unless deployment rewrote something
        digest = hashlib.sha256(xml).hexdigest()
        xml_text = xml.decode("utf-8", errors="replace")
        results = []
        for key, name, spec, subprocess_specs, warning_settings, task_forms in specs:
            latest = ctx.session.scalars(
                select(ProcessDefinition).where(ProcessDefinition.key == key)
                .order_by(ProcessDefinition.version.desc()).limit(1)
            ).first()
            mine = tuple(a for a in prepared.assignments if a.process == key)
            if latest is not None and latest.xml_sha256 == digest:
                results.append(DeployResult(latest, False, mine, prepared.warnings, prepared.rewrites))
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
            results.append(DeployResult(definition, True, mine, prepared.warnings, prepared.rewrites))
        return results
