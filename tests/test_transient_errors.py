"""Which database errors a long-running process waits out, and how long it waits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from engine.transient_errors import RetryPacer, is_transient_database_error


def _error_of(engine, sql: str) -> OperationalError:
    with pytest.raises(OperationalError) as caught, engine.begin() as conn:
        conn.execute(text(sql))
    return caught.value


def test_a_locked_sqlite_database_is_transient_a_missing_table_is_not(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.01})
    try:
        locked = _error_of(engine, "INSERT INTO t VALUES (1)")
        assert "locked" in str(locked) and is_transient_database_error(locked)
        holder.execute("ROLLBACK")
        missing = _error_of(engine, "INSERT INTO nowhere VALUES (1)")
        assert not is_transient_database_error(missing)
        assert not is_transient_database_error(ValueError("database is locked"))  # not a database error
    finally:
        holder.close()
        engine.dispose()


@given(st.lists(st.booleans(), max_size=40), st.floats(0.001, 5), st.floats(5, 120))
def test_the_pause_doubles_from_first_up_to_the_cap_and_a_success_resets_it(
        outcomes: list[bool], first: float, cap: float) -> None:
    pacer, failures_in_a_row = RetryPacer(first, cap), 0
    for succeeded in outcomes:
        if succeeded:
            pacer.succeeded()
            failures_in_a_row = 0
            continue
        failures_in_a_row += 1
        expected = first
        for _ in range(failures_in_a_row - 1):
            expected = min(cap, expected * 2)
        assert pacer.failed() == pytest.approx(min(cap, expected))


def test_a_long_outage_keeps_the_pause_at_the_cap() -> None:
    pacer = RetryPacer(0.5, 30.0)
    assert [pacer.failed() for _ in range(5000)][-1] == 30.0
