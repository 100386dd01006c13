"""The OpenAPI document is the truth: schemathesis, run against a live server as each role, finds nothing.

It checks that every response matches its documented status, media type and body, that requests the
document calls valid are accepted and invalid ones refused, and that nothing answers 5xx. Rules that
depend on stored data (an unknown process key, an unknown query code) cannot be written into a schema;
tests/openapi/schemathesis.toml names each such operation and why. The run is bounded (a fixed seed
and a few examples per operation) so it takes seconds per role, and drift in a pull request fails CI.

SQLite only: what the document promises does not depend on the database, and the API tests run every
endpoint on PostgreSQL too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, SECRET
from tests.live_server import REPO, live_server

pytestmark = pytest.mark.slow

DEMO_PASSWORD = "onewindow-demo"
CONFIG = REPO / "tests" / "openapi" / "schemathesis.toml"
# One account per role the demo seeds, and nobody at all. The administrator goes last: its run changes
# accounts at random (passwords, roles, disabling), which would lock the others out of theirs.
ROLES = {
    "": "", "window1": DEMO_PASSWORD, "fgw_lead": DEMO_PASSWORD, "sthj_reviewer": DEMO_PASSWORD,
    "jiancha": DEMO_PASSWORD, "designer": DEMO_PASSWORD, "admin": ADMIN_PASSWORD, "sthj_head": DEMO_PASSWORD,
}


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with the demo data, so generated ids and codes sometimes name real records."""
    workdir = tmp_path_factory.mktemp("openapi-server")
    env = {"ONEWINDOW_SECRET_KEY": SECRET, "ONEWINDOW_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "ONEWINDOW_DEMO_PASSWORD": DEMO_PASSWORD, "ONEWINDOW_CLOCK_START": "2026-12-07T10:00:00+08:00"}
    with live_server(f"sqlite:///{workdir / 'openapi.db'}", workdir, env, demo=True, workers=2) as base:
        yield base


@pytest.fixture(scope="module")
def tokens(contract_server: str) -> dict[str, str]:
    """Every role's token, taken before any run can change an account."""
    taken = {}
    for username, password in ROLES.items():
        if username:
            answer = requests.post(f"{contract_server}/api/auth/token",
                                   json={"username": username, "password": password}, timeout=10)
            assert answer.status_code == 200, answer.text
            taken[username] = answer.json()["access_token"]
    return taken


def _schemathesis() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is a test dependency: make test installs it"
    return found


@pytest.mark.parametrize("username", list(ROLES), ids=lambda u: u or "anonymous")
def test_the_server_does_what_its_openapi_document_says(contract_server: str, tokens: dict[str, str],
                                                        username: str, tmp_path: Path) -> None:
    headers = ["-H", f"Authorization: Bearer {tokens[username]}"] if username else []
    run = subprocess.run(
        [_schemathesis(), "--config-file", str(CONFIG), "run", f"{contract_server}/api/openapi.json",
         "--checks", "all", "--phases", "examples,fuzzing", *headers, "--report-dir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-2000:]
    assert " passed" in run.stdout or "No issues found" in run.stdout, run.stdout[-3000:]
