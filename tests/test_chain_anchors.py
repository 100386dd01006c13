"""Tampering a keyed chain or its anchor makes `ow verify-chain` fail and name the chain.

Each test plays someone with raw database access (append-only guards switched off, see `tamper`)
after the scheduler anchored the chains' heads outside the database: cutting the newest rows of one
chain or of all, deleting an instance with its chain, deleting the newest accountability record,
editing a row and recomputing the rest with a wrong key, with no key (the old unkeyed hash), or even
with the right key. The chain walk alone cannot see the cuts; the anchor does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select, text

from api.wiring import db
from engine.audit import GENESIS_HASH, event_hash, verify_chain
from engine.chain_key import ChainKey, chain_config, chain_key_for
from engine.models import AuditEvent, Base
from monitor.accountability_chain import record_hash_of
from monitor.chain import verify_accountability_chain
from monitor.chain_anchor import write_anchor
from monitor.models import AccountabilityRecord
from tests.conftest import Api, tamper

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}
WRONG_KEY = ChainKey(b"not-the-key-an-attacker-would-need-0123456789")


def _verify(app: Flask) -> tuple[int, list[str]]:
    result = app.test_cli_runner().invoke(args=["ow", "verify-chain"])
    return result.exit_code, result.output.splitlines()


def _chains(app: Flask, api: Api, instances: int = 2, records: int = 3) -> list[int]:
    """Some audited instances and accountability records, anchored; return the instance ids."""
    ids = []
    for _ in range(instances):
        r = api.post("/api/instances", "window1", json=BODY)
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    for n in range(records):
        r = api.post("/api/supervision/accountability", "jiancha",
                     json={"person": "张三", "department": "sthj", "rung": 1, "reason": f"第{n + 1}次超时"})
        assert r.status_code == 201, r.get_json()
    written = write_anchor(app)
    assert written is not None and written.n == 1 and written.chains == instances
    return ids


def _last_seq(app: Flask, instance_id: int) -> int:
    with app.app_context():
        last = db.session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.instance_id == instance_id))
        db.session.remove()
    return last


def _delete_instance(app: Flask, instance_id: int) -> None:
    """Remove an instance and everything that points at it, its audit chain included."""
    import monitor.models  # noqa: F401 - every table that may point at an instance

    tamper(app, "audit_event", "DELETE FROM audit_event WHERE instance_id = :i", i=instance_id)
    with app.app_context():
        for table in reversed(Base.metadata.sorted_tables):
            for column in table.columns:
                if table.name != "audit_event" and any(fk.column.table.name == "instance"
                                                       for fk in column.foreign_keys):
                    db.session.execute(table.delete().where(column == instance_id))
        db.session.execute(text("DELETE FROM instance WHERE id = :i"), {"i": instance_id})
        db.session.commit()


def _recompute_from(app: Flask, instance_id: int, seq: int, hasher) -> None:
    """Edit event `seq` and rewrite the hashes of it and every later event with `hasher(prev, event)`."""
    tamper(app, "audit_event", "UPDATE audit_event SET actor = 'mallory' WHERE instance_id = :i AND seq = :s",
           i=instance_id, s=seq)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                    .order_by(AuditEvent.seq)).all()
        prev = GENESIS_HASH
        for event in events:
            if event.seq >= seq:
                digest = hasher(prev, event)
                db.session.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :id"),
                                   {"p": prev, "h": digest, "id": event.id})
                prev = digest
            else:
                prev = event.hash
        db.session.commit()


def _keyed(key: ChainKey):
    return lambda prev, e: event_hash(prev, e.instance_id, e.seq, e.at, e.actor, e.action, e.task_id, e.details,
                                      key=key)


def _unkeyed(prev: str, e: AuditEvent) -> str:
    """The chain's hash before it was keyed: what an attacker without the key can compute."""
    canonical = json.dumps([prev, e.instance_id, e.seq, e.at.isoformat(), e.actor, e.action, e.task_id, e.details],
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_an_untampered_database_verifies_clean_against_its_anchor(app: Flask, api: Api) -> None:
    _chains(app, api)
    code, lines = _verify(app)
    assert code == 0, lines
    assert lines[-1] == "全部记录链完好" and lines[-2].startswith("已与 ") and "中第 1 次锚定" in lines[-2]
    # Chains keep growing after the anchor: still intact, and the next anchor only lists what grew.
    api.post("/api/instances", "window1", json=BODY)
    assert _verify(app)[0] == 0
    second = write_anchor(app)
    assert second is not None and (second.n, second.chains, second.changed, second.diverged) == (2, 3, 1, [])
    assert api.get("/api/supervision/chain", "jiancha").get_json()["intact"] is True


def test_anchor_lines_are_json_chained_by_their_macs(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    write_anchor(app)
    with app.app_context():
        path = chain_config(db.session).anchor_path
        key = chain_key_for(db.session)
    first, second = (json.loads(line) for line in Path(path).read_text().splitlines())
    assert set(first["audit"]) == {str(i) for i in ids} and first["accountability"][0] == 3
    assert second["audit"] == {} and second["prev"] == first["mac"] and second["n"] == 2
    assert first["key_id"] == key.key_id and first["prev"] == GENESIS_HASH
    assert Path(path).stat().st_mode & 0o777 == 0o600


def test_deleting_the_newest_events_of_one_instance_is_named(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    last = _last_seq(app, ids[0])
    tamper(app, "audit_event", "DELETE FROM audit_event WHERE instance_id = :i AND seq > :s", i=ids[0], s=last - 2)
    with app.app_context():
        assert verify_chain(db.session, ids[0]) == []  # the walk alone sees nothing
    code, lines = _verify(app)
    assert code == 1
    assert f"办件 {ids[0]} 的办理记录链第 {last - 1} 条：记录链被截短：现有 {last - 2} 条，第 1 次锚定时有 {last} 条" \
           "（最新的记录被删除）" in lines
    assert not any(f"办件 {ids[1]} " in line for line in lines)
    broken = api.get("/api/supervision/chain", "jiancha").get_json()
    assert broken["intact"] is False and [b["instance_id"] for b in broken["broken"]] == [ids[0]]


def test_deleting_the_newest_event_of_every_instance_names_every_chain(app: Flask, api: Api) -> None:
    ids = _chains(app, api, instances=3)
    tamper(app, "audit_event", "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event a "
                               "WHERE a.instance_id = audit_event.instance_id)")
    code, lines = _verify(app)
    assert code == 1 and lines[-1] == "发现 3 条记录链异常"
    for instance_id in ids:
        assert any(line.startswith(f"办件 {instance_id} 的办理记录链第 ") and "记录链被截短" in line
                   for line in lines), lines


def test_deleting_an_instance_with_its_chain_is_named(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    _delete_instance(app, ids[1])
    code, lines = _verify(app)
    assert code == 1
    assert any(line.startswith(f"办件 {ids[1]} 的办理记录链：记录链缺失：第 1 次锚定时有 ") for line in lines)


def test_deleting_the_newest_accountability_record_is_named(app: Flask, api: Api) -> None:
    _chains(app, api)
    tamper(app, "accountability_record", "DELETE FROM accountability_record WHERE seq = 3")
    with app.app_context():
        assert verify_accountability_chain(db.session) == []  # the walk alone sees nothing
    code, lines = _verify(app)
    assert code == 1
    assert "问责记录链第 3 条：记录链被截短：现有 2 条，第 1 次锚定时有 3 条（最新的记录被删除）" in lines


def test_recomputing_an_edited_chain_with_a_wrong_key_is_detected(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    _recompute_from(app, ids[0], 2, _keyed(WRONG_KEY))
    code, lines = _verify(app)
    assert code == 1
    line = next(line for line in lines if line.startswith(f"办件 {ids[0]} 的办理记录链"))
    assert line.startswith(f"办件 {ids[0]} 的办理记录链第 2 条：哈希值不符（内容被修改）")
    assert "锚定后记录链被改写" in line  # and the head no longer matches the anchor either


def test_recomputing_without_the_key_cannot_pass(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    _recompute_from(app, ids[1], 1, _unkeyed)  # the project's hash as it was, before it was keyed
    with app.app_context():
        assert verify_chain(db.session, ids[1])[:1] == [1]
    code, lines = _verify(app)
    assert code == 1 and any(line.startswith(f"办件 {ids[1]} 的办理记录链第 1 条：哈希值不符")
                             for line in lines)


def test_recomputing_with_the_key_is_still_caught_by_the_anchor(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    with app.app_context():
        key = chain_key_for(db.session)
    _recompute_from(app, ids[0], 2, _keyed(key))  # someone who stole the key, but not the anchor log
    with app.app_context():
        assert verify_chain(db.session, ids[0]) == []
    code, lines = _verify(app)
    last = _last_seq(app, ids[0])
    assert code == 1
    assert f"办件 {ids[0]} 的办理记录链第 {last} 条：哈希值与第 1 次锚定时的末条不同" \
           "（锚定后记录链被改写）" in lines


def test_an_accountability_record_recomputed_with_a_wrong_key_is_detected(app: Flask, api: Api) -> None:
    _chains(app, api)
    tamper(app, "accountability_record", "UPDATE accountability_record SET rung = 8 WHERE seq = 2")
    with app.app_context():
        rows = db.session.scalars(select(AccountabilityRecord).order_by(AccountabilityRecord.seq)).all()
        prev = rows[0].hash
        for row in rows[1:]:
            digest = record_hash_of(row, prev, WRONG_KEY)
            db.session.execute(text("UPDATE accountability_record SET prev_hash = :p, hash = :h WHERE id = :id"),
                               {"p": prev, "h": digest, "id": row.id})
            prev = digest
        db.session.commit()
    code, lines = _verify(app)
    assert code == 1 and any(line.startswith("问责记录链第 2 条：哈希值不符") for line in lines)


def test_a_later_anchor_does_not_bless_a_cut_chain(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    last = _last_seq(app, ids[0])
    tamper(app, "audit_event", "DELETE FROM audit_event WHERE instance_id = :i AND seq = :s", i=ids[0], s=last)
    # A thorough forger also moves the instance's chain head back, so the application carries on and
    # appends to the cut chain, which is then consistent in itself.
    with app.app_context():
        db.session.execute(text(
            "UPDATE instance SET audit_seq = :p, audit_hash = (SELECT hash FROM audit_event "
            "WHERE instance_id = :i AND seq = :p) WHERE id = :i"), {"i": ids[0], "p": last - 1})
        db.session.commit()
    r = api.post(f"/api/instances/{ids[0]}/pause", "window1", json={"reason": "补正材料", "missing_documents": ["a"]})
    assert r.status_code in (200, 201), r.get_json()
    with app.app_context():
        assert verify_chain(db.session, ids[0]) == []
    written = write_anchor(app)
    assert written is not None and len(written.diverged) == 1 and f"办件 {ids[0]}" in written.diverged[0]
    code, lines = _verify(app)
    assert code == 1 and any(line.startswith(f"办件 {ids[0]} 的办理记录链第 {last} 条：") for line in lines)


def test_a_cut_that_leaves_the_head_shows_in_the_chain_itself(app: Flask, api: Api) -> None:
    ids = _chains(app, api)
    last = _last_seq(app, ids[0])
    tamper(app, "audit_event", "DELETE FROM audit_event WHERE instance_id = :i AND seq = :s", i=ids[0], s=last)
    r = api.post(f"/api/instances/{ids[0]}/pause", "window1", json={"reason": "补正材料", "missing_documents": ["a"]})
    assert r.status_code in (200, 201), r.get_json()
    with app.app_context():  # the next event still links to the removed one
        assert verify_chain(db.session, ids[0]) == [last + 1]


def test_an_edited_anchor_line_is_reported(app: Flask, api: Api) -> None:
    _chains(app, api)
    with app.app_context():
        path = Path(chain_config(db.session).anchor_path)
    line = json.loads(path.read_text())
    line["accountability"][0] = 2  # make the record cut look anchored
    path.write_text(json.dumps(line) + "\n")
    code, lines = _verify(app)
    assert code == 1 and any(text.startswith("锚点日志第 1 行：") and "MAC 不符" in text
                             for text in lines)


def test_a_line_removed_from_the_middle_of_the_log_is_reported(app: Flask, api: Api) -> None:
    _chains(app, api)
    write_anchor(app)
    with app.app_context():
        assert write_anchor(db.session).n == 3  # a session (here the scoped one) works as well as the app
        path = Path(chain_config(db.session).anchor_path)
    first, _, third = path.read_text().splitlines()
    path.write_text(f"{first}\n{third}\n")
    code, lines = _verify(app)
    assert code == 1 and any("锚点日志第 2 行：" in text and "行序不连续" in text for text in lines)


def test_without_an_anchor_log_the_check_says_what_it_cannot_see(app: Flask, api: Api) -> None:
    api.post("/api/instances", "window1", json=BODY)
    code, lines = _verify(app)
    assert code == 0 and lines[-1] == "全部记录链完好"
    assert lines[-2].startswith("尚无锚点日志") and "无法发现" in lines[-2]
