"""Completed applications past their retention go to a file that verifies on its own, chains and all."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from api.settings import load_settings
from api.wiring import db, services
from engine.command_context import Actor
from engine.commands.archive import RemoveArchivedInstanceCommand
from engine.exceptions import ConflictError, ForbiddenError
from engine.models import ArchivedInstance
from engine.workdays import FixedClock
from monitor.chain_anchor import write_anchor
from tests.bpmn_builder import parallel_review
from tests.conftest import Api
from tests.test_joint_approval_api import complete, worklist

BODY = {"project": {"name": "归档项目", "code": "arc-1", "investment": 1}, "applicant": {"name": "甲", "contact": "1"}}
SETTINGS = {"ONEWINDOW_RETENTION_YEARS": "1", "ONEWINDOW_RETENTION_BY_ITEM": json.dumps({"long_kept": 3})}


def _completed(api: Api, key: str) -> dict:
    instance = api.post("/api/instances", "window1", json={"definition_key": key, **BODY}).get_json()
    for user in ("sthj_reviewer", "sw_reviewer", "fgw_lead"):
        [task] = [t for t in worklist(api, user) if t["instance_id"] == instance["id"]]
        complete(api, user, task["id"])
    assert api.get(f"/api/instances/{instance['id']}", "jiancha").get_json()["status"] == "completed"
    return instance


def _cli(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["ow", *args], catch_exceptions=False)


def _lines(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def _rewrite(path: Path, lines: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)


@pytest.fixture
def archived(app: Flask, api: Api, clock: FixedClock, tmp_path: Path) -> tuple[Path, list[dict], list[dict]]:
    assert api.post("/api/definitions", "designer", data=parallel_review(), content_type="application/xml",
                    ).status_code == 201
    assert api.post("/api/definitions", "designer", data=parallel_review("long_kept"),
                    content_type="application/xml").status_code == 201
    short = [_completed(api, "small_review"), _completed(api, "small_review")]
    kept = _completed(api, "long_kept")
    running = api.post("/api/instances", "window1", json={"definition_key": "small_review", **BODY}).get_json()
    clock.set(datetime(2027, 12, 1, 2, 0, tzinfo=UTC))  # a year and more later: past 1 year, not past 3
    path = tmp_path / "archive-2027.jsonl.gz"
    assert "2 件已过保存期限" in _cli(app, "archive-export", str(path), "--dry-run").output
    result = _cli(app, "archive-export", str(path))
    assert result.exit_code == 0 and "已导出 2 件" in result.output, result.output
    return path, short, [kept, running]


@pytest.mark.app_settings(**SETTINGS)
def test_applications_past_retention_are_exported_whole_and_the_file_verifies(
        app: Flask, api: Api, archived: tuple[Path, list[dict], list[dict]]) -> None:
    path, short, others = archived
    header, *applications, closing = _lines(path)
    assert header["format"] == "onewindow-archive" and header["version"] == 1
    assert {"instance", "audit_event", "task", "timer"} <= set(header["tables"])
    assert "query_code" in header["tables"]["instance"]
    assert sorted(a["instance"]["query_code"] for a in applications) == sorted(i["query_code"] for i in short)
    first = applications[0]
    assert [e["seq"] for e in first["audit"]] == list(range(1, first["instance"]["audit_seq"] + 1))
    assert {t["bpmn_id"] for t in first["linked"]["task"]} == {"sthj_review", "sw_review", "decide"}
    assert closing["end"] is True and closing["applications"] == 2

    verified = _cli(app, "verify-chain", "--archive", str(path))
    assert verified.exit_code == 0 and "归档文件完整" in verified.output, verified.output
    # Export only: the live tables still hold everything, and their chains still verify.
    for instance in short + others:
        assert api.get(f"/api/instances/{instance['id']}", "jiancha").status_code == 200
    assert _cli(app, "verify-chain").exit_code == 0
    assert _cli(app, "archive-export", str(path)).exit_code != 0  # an archive is never overwritten


@pytest.mark.app_settings(**SETTINGS)
def test_an_edited_or_cut_archive_file_is_caught(app: Flask, archived: tuple[Path, list[dict], list[dict]]) -> None:
    path = archived[0]
    header, first, second, closing = _lines(path)

    edited = json.loads(json.dumps(first))
    edited["audit"][1]["details"]["edited"] = True
    _rewrite(path, [header, edited, second, closing])
    result = _cli(app, "verify-chain", "--archive", str(path))
    assert result.exit_code == 1 and f"办件 {first['instance']['query_code']} 记录第 2 条" in result.output

    _rewrite(path, [header, first, closing])  # an application dropped
    result = _cli(app, "verify-chain", "--archive", str(path))
    assert result.exit_code == 1 and "有行被修改、删除或增加" in result.output and "结束行记载 2 件" in result.output

    _rewrite(path, [header, first, second])  # cut before the closing line
    result = _cli(app, "verify-chain", "--archive", str(path))
    assert result.exit_code == 1 and "缺少结束行" in result.output

    cut = json.loads(json.dumps(first))
    cut["audit"] = cut["audit"][:-1]  # the chain's last event removed: links still hold, the head does not
    _rewrite(path, [header, cut, second, closing])
    result = _cli(app, "verify-chain", "--archive", str(path))
    assert "记录链的末条与办件记载的链头不符" in result.output


@pytest.mark.parametrize("setting", [{"ONEWINDOW_RETENTION_BY_ITEM": "[1]"},
                                     {"ONEWINDOW_RETENTION_BY_ITEM": '{"x": 0}'},
                                     {"ONEWINDOW_RETENTION_BY_ITEM": '{"x": true}'}])
def test_a_malformed_retention_setting_stops_the_start(tmp_path: Path, setting: dict[str, str]) -> None:
    with pytest.raises(RuntimeError, match="ONEWINDOW_RETENTION_BY_ITEM"):
        load_settings(tmp_path, setting)
    assert load_settings(tmp_path, {}).retention.default_years == 30


@pytest.mark.app_settings(**SETTINGS)
def test_archiving_removes_the_applications_past_retention_and_records_it_in_a_chain(
        app: Flask, api: Api, clock: FixedClock, tmp_path: Path) -> None:
    assert api.post("/api/definitions", "designer", data=parallel_review(), content_type="application/xml",
                    ).status_code == 201
    gone = [_completed(api, "small_review"), _completed(api, "small_review")]
    running = api.post("/api/instances", "window1", json={"definition_key": "small_review", **BODY}).get_json()
    write_anchor(app)  # the anchor log remembers the chains that archiving will remove
    clock.set(datetime(2027, 12, 1, 2, 0, tzinfo=UTC))

    result = _cli(app, "archive")
    assert result.exit_code == 0 and "已归档 2 件" in result.output, result.output
    [path] = (tmp_path / "instance" / "archive").glob("archive-*.jsonl.gz")
    for instance in gone:
        assert api.get(f"/api/instances/{instance['id']}", "jiancha").status_code == 404
        assert api.get(f"/api/public/track/{instance['query_code']}").status_code == 404
    assert api.get(f"/api/instances/{running['id']}", "jiancha").status_code == 200
    with app.app_context():
        records = db.session.scalars(select(ArchivedInstance).order_by(ArchivedInstance.seq)).all()
        assert [r.query_code for r in records] == [i["query_code"] for i in gone]
        assert all(r.archive_file == path.name and r.head_seq > 0 for r in records)
        for table in ("task", "timer", "audit_event"):
            left = db.session.execute(text(f"SELECT COUNT(*) FROM {table} WHERE instance_id IN "  # noqa: S608
                                           f"({gone[0]['id']}, {gone[1]['id']})")).scalar()
            assert left == 0, table
    # The live chains, the archive chain and the anchor agree: the removal is not mistaken for tampering.
    checked = _cli(app, "verify-chain")
    assert checked.exit_code == 0 and "全部记录链完好" in checked.output, checked.output
    assert _cli(app, "verify-chain", "--archive", str(path)).exit_code == 0
    assert "没有已过保存期限的办件" in _cli(app, "archive").output


@pytest.mark.app_settings(**SETTINGS)
def test_the_audit_log_and_the_archive_chain_stay_append_only(app: Flask, api: Api, clock: FixedClock) -> None:
    assert api.post("/api/definitions", "designer", data=parallel_review(), content_type="application/xml",
                    ).status_code == 201
    kept = _completed(api, "small_review")
    gone = _completed(api, "small_review")
    clock.set(datetime(2027, 12, 1, 2, 0, tzinfo=UTC))
    with app.app_context():  # only the events of an archived application may be deleted
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text("DELETE FROM audit_event WHERE instance_id = :i"), {"i": kept["id"]})
        db.session.rollback()
    assert "已归档 2 件" in _cli(app, "archive").output
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text("DELETE FROM archived_instance WHERE instance_id = :i"), {"i": gone["id"]})
        db.session.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text("UPDATE archived_instance SET archive_file = 'x'"))
        db.session.rollback()


@pytest.mark.app_settings(**SETTINGS)
def test_an_application_that_changed_after_the_export_stays_live(app: Flask, api: Api, clock: FixedClock) -> None:
    assert api.post("/api/definitions", "designer", data=parallel_review(), content_type="application/xml",
                    ).status_code == 201
    instance = _completed(api, "small_review")
    clock.set(datetime(2027, 12, 1, 2, 0, tzinfo=UTC))
    with app.app_context():
        stale = RemoveArchivedInstanceCommand(instance["id"], (1, "0" * 64), "a.jsonl.gz", "0" * 64)
        with pytest.raises(ConflictError, match="导出后又有新记录"):
            services().executor.execute(stale, Actor.system("archive"))
        with pytest.raises(ForbiddenError):
            services().executor.execute(stale, Actor("window1", "window", "zwfw"))
    assert api.get(f"/api/instances/{instance['id']}", "jiancha").status_code == 200


@pytest.mark.app_settings(**SETTINGS)
def test_the_administrator_finds_an_archived_application_and_reads_it_from_the_file(
        app: Flask, api: Api, clock: FixedClock, tmp_path: Path) -> None:
    assert api.post("/api/definitions", "designer", data=parallel_review(), content_type="application/xml",
                    ).status_code == 201
    instance = _completed(api, "small_review")
    clock.set(datetime(2027, 12, 1, 2, 0, tzinfo=UTC))
    assert "已归档 1 件" in _cli(app, "archive").output
    code = instance["query_code"]

    found = api.get("/api/admin/archive", "admin", query_string={"code": BODY["project"]["code"]})
    assert found.status_code == 200 and [i["query_code"] for i in found.get_json()["items"]] == [code]
    assert api.get("/api/admin/archive", "admin", query_string={"code": code}).get_json()["items"]
    assert api.get("/api/admin/archive", "admin", query_string={"code": "nothing"}).get_json()["items"] == []
    assert api.get("/api/admin/archive", "jiancha", query_string={"code": code}).status_code == 403
    assert api.get("/api/admin/archive", "admin").status_code == 400

    read = api.get(f"/api/admin/archive/{code}", "admin")
    assert read.status_code == 200, read.get_json()
    body = read.get_json()
    assert body["file_intact"] is True and body["instance"]["project_name"] == "归档项目"
    assert "state" not in body["instance"]
    assert {t["bpmn_id"] for t in body["tasks"]} == {"sthj_review", "sw_review", "decide"}
    assert body["history"][0]["action"] == "instance.started"
    assert body["history"][-1]["action"] == "instance.completed"
    assert api.get("/api/admin/archive/NOSUCHCODE", "admin").status_code == 404

    [path] = (tmp_path / "instance" / "archive").glob("archive-*.jsonl.gz")
    lines = _lines(path)
    _rewrite(path, lines)  # same content, written again: the recorded digest no longer matches
    assert api.get(f"/api/admin/archive/{code}", "admin").get_json()["file_intact"] is False
    path.write_bytes(b"not gzip at all")  # a damaged file is named, not a 500
    damaged = api.get(f"/api/admin/archive/{code}", "admin")
    assert damaged.status_code == 409 and "无法读取" in damaged.get_json()["error"]["message"]
    path.unlink()
    gone = api.get(f"/api/admin/archive/{code}", "admin")
    assert gone.status_code == 404 and "备份" in gone.get_json()["error"]["message"]
