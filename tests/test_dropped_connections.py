"""A PostgreSQL server that drops the pool's connections (a restart, a failover) costs one try, not a 500.

The pool does not ping before each request (that round trip was a fifth of the CPU of an approval):
a command is retried on a fresh connection, a read answers 503 with Retry-After, and the next read works.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS, Api
from tests.test_joint_approval_api import STAGE1, start, worklist

pytestmark = [
    pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL-only scenario; `make test` always runs it"),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]


def _drop_other_connections(database_url: str) -> int:
    """End every other session on the database, as a server restart would."""
    killer = create_engine(database_url)
    try:
        with killer.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        killer.dispose()


def test_a_command_is_retried_on_a_fresh_connection(database_url: str, api: Api) -> None:
    start(api)
    [task] = [t for t in worklist(api, "zrzy_reviewer") if t["bpmn_id"] == STAGE1["zrzy"]]
    headers = {"Authorization": f"Bearer {api.login('zrzy_reviewer')}"}  # signed before the drop
    assert _drop_other_connections(database_url) >= 1
    r = api.client.post(f"/api/tasks/{task['id']}/claim", headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "claimed"


def test_a_read_answers_503_once_then_works(database_url: str, api: Api) -> None:
    start(api)
    headers = {"Authorization": f"Bearer {api.login('zrzy_reviewer')}"}
    assert api.client.get("/api/tasks", headers=headers).status_code == 200  # the pool holds a connection
    assert _drop_other_connections(database_url) >= 1
    r = api.client.get("/api/tasks", headers=headers)
    assert r.status_code == 503, r.get_json()
    assert r.headers["Retry-After"] == "1" and "重试" in r.get_json()["error"]["message"]
    assert api.client.get("/api/tasks", headers=headers).status_code == 200
