"""Deploy BPMN files as versioned process definitions after security checks, XSD and lint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import func, select

from bpmn.lint import executable_processes, lint_definitions
from bpmn.warning_settings import read_warning_settings

from .bpmn_input import DEFAULT_MAX_BPMN_BYTES, parse_untrusted_bpmn
from .command_context import CommandContext
from .exceptions import ForbiddenError, InvalidError, Problem
from .models import Department, ProcessDefinition
from .permissions import DESIGN_ROLES
from .scripting import check_expression, check_script

__all__ = ["DeployDefinitionCommand", "DeployResult"]

_VALIDATOR: BpmnValidator | None = None


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
            raise ForbiddenError("only process designers and administrators deploy definitions")
        root = parse_untrusted_bpmn(self.xml, self.max_bytes)
        departments = set(ctx.session.scalars(select(Department.code)))
        functions = tuple(ctx.runtime.expression_functions())
        problems = lint_definitions(
            root, departments=departments,
            check_expression=lambda src: check_expression(src, functions),
            check_script=lambda src: check_script(src, functions),
            max_loop=ctx.runtime.budget.max_instances,
        )
        if problems:
            raise InvalidError("the diagram does not pass lint",
                               [Problem(p.message, p.element, p.line) for p in problems])
        specs = _parse_specs(root, self.filename)
        digest = hashlib.sha256(self.xml).hexdigest()
        xml_text = self.xml.decode("utf-8", errors="replace")
        results = []
        for key, name, spec, subprocess_specs, warning_settings in specs:
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
            )
            ctx.session.add(definition)
            ctx.session.flush()
            ctx.emit("definition.deployed", key=key, version=version, id=definition.id)
            results.append(DeployResult(definition, created=True))
        return results


def _validator() -> BpmnValidator:
    global _VALIDATOR
    if _VALIDATOR is None:  # the XSD takes a while to load; keep it for the process
        _VALIDATOR = BpmnValidator()
    return _VALIDATOR


def _parse_specs(root: etree._Element, filename: str) -> list[tuple[str, str, object, dict, dict | None]]:
    """Parse each executable process with SpiffWorkflow, turning every failure into a 422 problem."""
    parser = BpmnParser(validator=_validator())
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename=filename)
        out = []
        for process in executable_processes(root):
            pid = process.get("id")
            spec = parser.get_spec(pid)
            out.append((pid, process.get("name") or pid, spec, parser.get_subprocess_specs(pid),
                        read_warning_settings(process)[0] or None))
        return out
    except ValidationException as exc:
        line = exc.line_number if isinstance(exc.line_number, int) else None
        raise InvalidError("the diagram is not valid BPMN",
                           [Problem(str(exc).splitlines()[0][:500], exc.id or None, line)]) from None
    except (SpiffWorkflowException, etree.LxmlError, KeyError, ValueError, TypeError, AttributeError,
            IndexError) as exc:
        # SpiffWorkflow's parser raises plain Python errors on some malformed inputs.
        msg = f"the diagram cannot be executed: {type(exc).__name__}: {exc}"[:500]
        raise InvalidError("the diagram cannot be executed", [Problem(msg)]) from None
