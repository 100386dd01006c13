"""The chain key: where it comes from, how existing unkeyed chains are re-keyed, and the scheduler's anchors.

Migration 0008 re-keys a database that already has chains (keeping broken links broken and
recording a chain_epoch row); its downgrade goes back to the unkeyed hashes 0007 checks.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select

import engine.chain_key as chain_key_module
from api.settings import load_settings
from api.wiring import db
from engine.chain_key import ChainKey, chain_config, chain_key_for, key_for_migration
from engine.models import AuditEvent
from engine.models.audit import ChainEpoch
from monitor.chain_anchor import anchor_interval, write_anchor, write_anchor_at_shutdown
from monitor.models import AccountabilityRecord
from tests.conftest import SECRET, Api, another_app, migrate_to, release_connections, tamper

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}
CHAIN_KEY = "a-chain-key-kept-far-away-from-the-database-0123"


def _unkeyed_event(prev: str, e: AuditEvent) -> str:
    canonical = json.dumps([prev, e.instance_id, e.seq, e.at.isoformat(), e.actor, e.action, e.task_id, e.details],
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _some_chains(api: Api) -> list[int]:
    ids = [api.post("/api/instances", "window1", json=BODY).get_json()["id"] for _ in range(2)]
    for n in range(3):
        r = api.post("/api/supervision/accountability", "jiancha",
                     json={"person": "张三", "department": "sthj", "rung": 1, "reason": f"第{n + 1}次超时"})
        assert r.status_code == 201, r.get_json()
    return ids


def test_production_refuses_to_start_without_a_proper_chain_key(tmp_path: Path) -> None:
    base = {"ONEWINDOW_ENV": "production", "ONEWINDOW_SECRET_KEY": SECRET}
    with pytest.raises(RuntimeError, match="ONEWINDOW_CHAIN_KEY is not set"):
        load_settings(tmp_path, base)
    with pytest.raises(RuntimeError, match="at least 32"):
        load_settings(tmp_path, {**base, "ONEWINDOW_CHAIN_KEY": "short"})
    with pytest.raises(RuntimeError, match="must differ"):
        load_settings(tmp_path, {**base, "ONEWINDOW_CHAIN_KEY": SECRET})
    settings = load_settings(tmp_path, {**base, "ONEWINDOW_CHAIN_KEY": CHAIN_KEY})
    assert settings.chain_key == CHAIN_KEY and not (tmp_path / "chain_key").exists()
    assert settings.chain_anchor_path == (tmp_path / "chain_anchors.log").resolve()
    assert settings.chain_anchor_seconds == 300


def test_development_generates_one_key_file_and_keeps_it(tmp_path: Path) -> None:
    first = load_settings(tmp_path, {"ONEWINDOW_SECRET_KEY": SECRET})
    key_file = tmp_path / "chain_key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(first.chain_key) >= 32
    assert load_settings(tmp_path, {"ONEWINDOW_SECRET_KEY": SECRET}).chain_key == first.chain_key
    assert first.chain_key != first.secret_key


def test_the_app_writes_its_chains_with_its_own_key(app: Flask, api: Api) -> None:
    instance_id = api.post("/api/instances", "window1", json=BODY).get_json()["id"]
    settings = app.extensions["onewindow"].settings
    with app.app_context():
        key = chain_key_for(db.session)
        assert key.key_id == ChainKey(settings.chain_key.encode()).key_id
        assert chain_config(db.session).anchor_path == settings.chain_anchor_path
        first = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                           AuditEvent.seq == 1))
        assert first.hash != _unkeyed_event(first.prev_hash, first)  # not the guessable unkeyed hash


def test_a_migration_outside_the_app_reads_the_key_like_the_app(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.setattr(chain_key_module, "_configs", {})
    bind = create_engine(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    monkeypatch.setenv("ONEWINDOW_CHAIN_KEY", CHAIN_KEY)
    assert key_for_migration(bind).key_id == ChainKey(CHAIN_KEY.encode()).key_id
    monkeypatch.delenv("ONEWINDOW_CHAIN_KEY")
    monkeypatch.setenv("ONEWINDOW_ENV", "production")
    with pytest.raises(RuntimeError, match="ONEWINDOW_CHAIN_KEY is not set"):
        key_for_migration(bind)
    monkeypatch.setenv("ONEWINDOW_ENV", "development")
    monkeypatch.setenv("ONEWINDOW_INSTANCE_PATH", str(tmp_path / "instance"))
    generated = key_for_migration(bind)
    assert (tmp_path / "instance" / "chain_key").exists() and key_for_migration(bind) == generated


def test_existing_unkeyed_chains_are_rekeyed_and_the_rekeying_is_recorded(app: Flask, api: Api,
                                                                           database_url: str) -> None:
    ids = _some_chains(api)
    release_connections(app)
    migrate_to(database_url, "0007", down=True)  # the chains as 0007 left them: unkeyed SHA-256
    with app.app_context():
        for instance_id in ids:
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                        .order_by(AuditEvent.seq)).all()
            prev = "0" * 64
            for event in events:
                assert (event.prev_hash, event.hash) == (prev, _unkeyed_event(prev, event))
                prev = event.hash
    release_connections(app)
    migrate_to(database_url, "head")
    result = app.test_cli_runner().invoke(args=["ow", "verify-chain"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        epoch = db.session.scalar(select(ChainEpoch))
        assert (epoch.kind, epoch.algorithm, epoch.key_id) == ("rekeyed", "hmac-sha256",
                                                               chain_key_for(db.session).key_id)
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert (epoch.audit_chains, epoch.audit_events, epoch.accountability_records) == (2, events, 3)
        assert epoch.details["broken_before"] == [] and epoch.details["from"] == "sha256"
    # New events after the re-keying continue the re-keyed chains.
    api.post(f"/api/instances/{ids[0]}/pause", "window1", json={"reason": "补正", "missing_documents": ["a"]})
    assert app.test_cli_runner().invoke(args=["ow", "verify-chain"]).exit_code == 0


def test_rekeying_keeps_earlier_tampering_visible(app: Flask, api: Api, database_url: str) -> None:
    ids = _some_chains(api)
    release_connections(app)
    migrate_to(database_url, "0007", down=True)
    tamper(app, "audit_event", "UPDATE audit_event SET actor = 'mallory' WHERE instance_id = :i AND seq = 2",
           i=ids[1])
    tamper(app, "accountability_record", "DELETE FROM accountability_record WHERE seq = 2")
    release_connections(app)
    migrate_to(database_url, "head")
    result = app.test_cli_runner().invoke(args=["ow", "verify-chain"])
    lines = result.output.splitlines()
    assert result.exit_code == 1 and lines[-1] == "发现 2 条记录链异常", result.output
    assert lines[0].startswith(f"办件 {ids[1]} 的办理记录链第 2 条：哈希值不符（内容被修改）")
    assert lines[1].startswith("问责记录链第 3 条：缺少第 2 条")
    with app.app_context():
        epoch = db.session.scalar(select(ChainEpoch))
        assert epoch.details["broken_before"] == [f"audit_event instance {ids[1]} seq 2",
                                                  "accountability_record seq 3"]
        assert db.session.scalar(select(AccountabilityRecord.id).where(AccountabilityRecord.seq == 3))


def test_a_database_keyed_under_another_key_says_so(app: Flask, api: Api, database_url: str,
                                                    tmp_path: Path) -> None:
    _some_chains(api)
    release_connections(app)
    migrate_to(database_url, "0007", down=True)
    migrate_to(database_url, "head")
    release_connections(app)
    with another_app(database_url, tmp_path / "elsewhere", ONEWINDOW_CHAIN_KEY=CHAIN_KEY) as stranger:
        result = stranger.test_cli_runner().invoke(args=["ow", "verify-chain"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("链密钥：记录链于 ")
    assert f"当前配置的 ONEWINDOW_CHAIN_KEY 是 {ChainKey(CHAIN_KEY.encode()).key_id}" in result.output


def test_the_scheduler_anchors_at_its_interval(app: Flask, api: Api, database_url: str, tmp_path: Path) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    api.post("/api/instances", "window1", json=BODY)
    assert anchor_interval(app) == 300
    with another_app(database_url, tmp_path / "instance", ONEWINDOW_CHAIN_ANCHOR_SECONDS="60") as other:
        assert anchor_interval(other) == 60
    scheduler = BackgroundScheduler(timezone="UTC")
    # The job as api/scheduler.py adds it, made to run at once instead of after the interval.
    scheduler.add_job(write_anchor, "interval", args=[app], seconds=anchor_interval(app), max_instances=1,
                      coalesce=True, id="chain-anchor", next_run_time=datetime.now(UTC))
    scheduler.start()
    path = app.extensions["onewindow"].settings.chain_anchor_path
    try:
        for _ in range(100):
            if path.exists() and path.read_text().endswith("\n"):
                break
            time.sleep(0.05)
    finally:
        scheduler.shutdown()
    assert json.loads(path.read_text().splitlines()[0])["chains"] == 1


def test_sigterm_stops_the_scheduler_and_writes_a_last_anchor(app: Flask, api: Api) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    api.post("/api/instances", "window1", json=BODY)
    path = app.extensions["onewindow"].settings.chain_anchor_path
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    scheduler = BackgroundScheduler(timezone="UTC")
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as in the scheduler process
        write_anchor_at_shutdown(scheduler, app)
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        scheduler.start()
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(100):
            if not scheduler.running:
                break
            time.sleep(0.05)
        assert not scheduler.running
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    lines = path.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["chains"] == 1
    assert app.test_cli_runner().invoke(args=["ow", "verify-chain"]).exit_code == 0
