"""The video worker waits out a locked database instead of dying (SQLite: a long write holds the lock)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest
from flask import Flask
from sqlalchemy import create_engine

from api.video_cli import video_worker
from engine.commands import CommandExecutor
from engine.database import configure_engine, writer_sessionmaker
from engine.transient_errors import RetryPacer
from tests.conftest import Api

from .helpers import alerts, register


def _until(condition, seconds: float = 30.0) -> None:
    """Wait for something the worker thread does; fail loudly instead of hanging."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.01)


def test_the_worker_outlasts_a_locked_database_and_then_does_its_work(
        app: Flask, api: Api, clips: dict, database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("a lock that makes writers fail at once is SQLite's; PostgreSQL writers queue")
    register(api, clips["main"])
    impatient = create_engine(database_url, connect_args={"timeout": 0.05, "check_same_thread": False})
    configure_engine(impatient, busy_timeout_ms=50)  # writers give up at once instead of after 30 s
    with app.app_context():
        worker = video_worker(app, live_files=False)
        worker.executor = CommandExecutor(writer_sessionmaker(impatient), worker.executor.runtime)
        worker.pacer = RetryPacer(first=0.01, cap=0.05)

    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process's long write
    stop, crashed = threading.Event(), []

    def work() -> None:
        try:
            with app.app_context():
                worker.run(stop, idle_s=0.01)
        except BaseException as exc:  # noqa: BLE001 - the test reports it below
            crashed.append(exc)

    thread = threading.Thread(target=work)
    with caplog.at_level(logging.WARNING, logger="monitor.video.worker"):
        thread.start()
        try:
            _until(lambda: worker.pacer.failures >= 3 or bool(crashed))  # refused, again and again, alive
            assert not crashed
            holder.execute("ROLLBACK")
            _until(lambda: len(alerts(api)) == 3 or bool(crashed))  # then every event is stored
        finally:
            stop.set()
            thread.join(30)
            holder.close()
            impatient.dispose()
    assert not crashed and not thread.is_alive()
    assert [a["kind"] for a in alerts(api)] == ["crowding", "off_post", "asleep"]
    assert worker.pacer.failures == 0  # reset by the first success
    assert any("database unavailable" in r.getMessage() for r in caplog.records)
