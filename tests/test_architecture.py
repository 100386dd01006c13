"""The map of the code, enforced: layers only import downward, no import circles, small modules.

The contracts live in pyproject.toml ([tool.importlinter] and [tool.ruff]); this test runs them so
`make test` fails when a change imports against the grain or leaves a public name unexplained.
"""

from __future__ import annotations

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
