"""The map of the code, enforced: layers only import downward, no import circles, small modules.

The contracts live in pyproject.toml ([tool.importlinter] and [tool.ruff]); this test runs them so
`make test` fails when a change imports against the grain or leaves a public name unexplained.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "engine", "monitor", "bpmn", "bench", "tests")
MAX_LINES = 500


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "broken" not in run.stdout.split("Contracts:")[-1].replace("0 broken", "")


def test_ruff_passes_with_the_docstring_rules() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    run = subprocess.run([str(ruff), "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_every_module_stays_under_500_lines() -> None:
    long = {str(path.relative_to(REPO)): n for package in PACKAGES for path in (REPO / package).rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these by responsibility: {long}"


COMMAND_PACKAGES = (REPO / "engine" / "commands", REPO / "monitor" / "commands")
# Paths as the repository's texts cite them: `engine/unit_of_work.py`, docs/domain.md, ...
CITED_PATH = re.compile(r"(?<![\w/.-])((?:engine|monitor|api|bpmn|tests|bench|docs|scripts|alembic|\.ci)"
                        r"/[\w/.-]*\w\.(?:py|md|bpmn|sh|js|html|css|toml|json|csv))\b")
CITED_DOC = re.compile(r"(?<![\w/.-])([A-Z][A-Z_]+\.md)\b")


def _python_modules() -> list[Path]:
    return [path for package in ("api", "engine", "monitor", "bpmn") for path in (REPO / package).rglob("*.py")]


def test_commands_live_only_in_the_two_commands_packages() -> None:
    """A state change is a *Command in engine/commands or monitor/commands, run only by the executor."""
    stray = []
    for path in _python_modules():
        if any(path.is_relative_to(package) for package in COMMAND_PACKAGES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Command"):
                if path == REPO / "engine" / "command_context.py" and node.name == "Command":
                    continue  # the protocol every command follows
                stray.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert stray == []


def test_blueprints_read_through_queries_and_the_request_session() -> None:
    """Views parse, call a command or a query, and shape the answer: they neither open nor query a session."""
    offenders = [f"{path.relative_to(REPO)}:{n}" for path in (REPO / "api" / "blueprints").glob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\bdb\.session\b|\bselect\(", line)]
    assert offenders == []


def test_every_file_the_repository_cites_exists() -> None:
    """A newcomer has only the repository: a path named in a docstring or a document must be there."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    missing = set()
    for name in tracked:
        if not name.endswith((".py", ".md", ".toml", ".js", ".html", ".sh", ".cfg", ".ini")) or "vendor" in name:
            continue
        text = (REPO / name).read_text(encoding="utf-8")
        for cited in CITED_PATH.findall(text):
            if not (REPO / cited).exists():
                missing.add(f"{name} → {cited}")
        for doc in CITED_DOC.findall(text):
            if not any(Path(t).name == doc for t in tracked):
                missing.add(f"{name} → {doc}")
    assert sorted(missing) == []
