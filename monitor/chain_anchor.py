"""The anchor log: the chains' heads written outside the database, so a cut or dropped chain shows.

Why: a hash chain shows a row edited or removed in its middle, but not rows cut off its end, nor a
chain deleted whole with its instance, nor — for someone who got hold of the key — a chain
recomputed after an edit. So the scheduler writes each chain's head (last seq and its hash) to an
append-only file every ONEWINDOW_CHAIN_ANCHOR_SECONDS and when it stops, and `ow verify-chain`
checks the database against the latest heads.

Format (ONEWINDOW_CHAIN_ANCHOR_PATH, default instance/chain_anchors.log): one JSON object per line,
`{"v": 1, "n": 7, "at": "…Z", "key_id": "…", "prev": <mac of line 6>, "audit": {"<instance id>":
[seq, hash], …}, "chains": <audit chains anchored>, "accountability": [seq, hash], "global": <mac
over every anchored head>, "diverged": […], "mac": <mac of this line without "mac">}`. Line 1 holds
every audit chain; later lines only the chains that grew since the line before (a full line per run
would be megabytes at 100,000 instances), so the latest heads are the fold of the whole log. Each
line is HMAC'd with the chain key and carries its predecessor's MAC: lines cannot be forged,
edited, reordered or removed from the middle without the key. The writer never moves a head that
does not extend its anchored one (a truncated, deleted or rewritten chain keeps its old head and is
listed under "diverged"), so tampering stays visible in every later check.

What the file cannot show by itself is its own last lines removed; keep it append-only
(`chattr +a`) and copy it off the host, as README.md says.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.archive_chain import archived_heads
from engine.audit import GENESIS_HASH, audit_hashes_at, audit_heads
from engine.chain_key import ChainKey, chain_config
from engine.models.audit import ChainEpoch

from .chain_names import chain_name
from .queries.accountability import accountability_hash_at, accountability_head

__all__ = ["FORMAT_VERSION", "AnchorCheck", "AnchorFinding", "AnchorLogError", "AnchorState", "AnchorWritten",
           "anchor_interval", "check_anchor", "read_log", "write_anchor", "write_anchor_at_shutdown"]

log = logging.getLogger(__name__)
FORMAT_VERSION = 1
DIVERGED_LISTED = 50  # per line; the count says how many more there were
Head = tuple[int, str]


class AnchorLogError(RuntimeError):
    """The anchor log cannot be trusted, so the writer will not chain new lines onto it."""


@dataclass
class AnchorState:
    """The heads as of one line of the log: the fold of every line up to it."""

    audit: dict[int, Head] = field(default_factory=dict)
    accountability: Head = (0, GENESIS_HASH)
    n: int = 0
    mac: str = GENESIS_HASH
    at: str | None = None
    global_head: str | None = None


@dataclass(frozen=True)
class AnchorFinding:
    """A chain that disagrees with its anchor, or a line of the log that cannot be trusted."""

    table: str
    instance_id: int | None
    seq: int | None
    reason: str


@dataclass(frozen=True)
class AnchorCheck:
    """What the check found, and one line saying what it was checked against."""

    findings: list[AnchorFinding]
    note: str


@dataclass(frozen=True)
class AnchorWritten:
    """One line appended to the log."""

    n: int
    path: Path
    chains: int
    changed: int
    diverged: list[str]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _global_head(key: ChainKey, audit: dict[int, Head], accountability: Head) -> str:
    """One MAC over every anchored head, so the fold of the log can be checked as a whole."""
    lines = [f"a {instance_id} {seq} {digest}" for instance_id, (seq, digest) in sorted(audit.items())]
    lines.append(f"r {accountability[0]} {accountability[1]}")
    return key.mac("anchor_global", "\n".join(lines).encode())


def _read_lines(handle: IO[bytes], key: ChainKey, where: Path) -> tuple[AnchorState, list[AnchorFinding]]:
    """Fold the log's lines into the latest heads, stopping at the first line that cannot be trusted."""
    state = AnchorState()
    handle.seek(0)
    for number, raw in enumerate(handle, start=1):
        problem = _apply_line(state, raw, number, key)
        if problem:
            return state, [AnchorFinding("chain_anchor", None, number, f"{where}：{problem}")]
    if state.n and state.global_head != _global_head(key, state.audit, state.accountability):
        return state, [AnchorFinding("chain_anchor", None, state.n,
                                     f"{where}：各链头与该行记载的总链头不符")]
    return state, []


def _apply_line(state: AnchorState, raw: bytes, number: int, key: ChainKey) -> str | None:
    """Check one line and fold it into the state; return why it cannot be trusted, if it cannot."""
    try:
        line = json.loads(raw)
        if not isinstance(line, dict):
            raise ValueError("not an object")
    except ValueError:
        return "该行不是 JSON 对象（已损坏，或有其他程序写入了锚点日志）"
    if line.get("key_id") != key.key_id:
        return f"由另一把链密钥写入（密钥标识 {line.get('key_id')}，当前配置的是 {key.key_id}）"
    given = line.pop("mac", None)
    if given != key.mac("anchor_line", _canonical(line).encode()):
        return "MAC 不符（该行被修改或伪造）"
    if line.get("v") != FORMAT_VERSION or line.get("n") != state.n + 1 or line.get("prev") != state.mac:
        return "行序不连续（有行被删除、调换或从别处复制）"
    try:
        for instance_id, (seq, digest) in line["audit"].items():
            state.audit[int(instance_id)] = (int(seq), str(digest))
        seq, digest = line["accountability"]
        state.accountability = (int(seq), str(digest))
    except (KeyError, TypeError, ValueError):
        return "链头格式有误"
    state.n, state.mac, state.at, state.global_head = line["n"], given, line.get("at"), line.get("global")
    return None


def read_log(path: Path, key: ChainKey) -> tuple[AnchorState, list[AnchorFinding]]:
    """Read the whole log under a shared lock (the writer may be appending), folded to its latest heads."""
    with open(path, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        return _read_lines(handle, key, path)


def _archived_past(archived: Head | None, anchored: Head) -> bool:
    """An archive record covers the anchored head: the chain reached at least that far before it went."""
    if archived is None:
        return False
    return archived[0] > anchored[0] or archived == anchored


def _audit_disagreement(anchored: Head, current: Head | None, stored: str | None,
                        n: int) -> tuple[int | None, str]:
    """Say how an audit chain disagrees with its anchored head: (seq to name, reason), '' if it agrees."""
    seq, digest = anchored
    if current is None:
        return None, f"记录链缺失：第 {n} 次锚定时有 {seq} 条，数据库中没有（办件或其办理记录被删除）"
    if current[0] < seq:
        return current[0] + 1, (f"记录链被截短：现有 {current[0]} 条，第 {n} 次锚定时有 {seq} 条"
                                "（最新的记录被删除）")
    if current[0] > seq and stored is None:
        return seq, f"第 {n} 次锚定时的末条（第 {seq} 条）已不存在（记录被删除或重新编号）"
    if (current[1] if current[0] == seq else stored) != digest:
        return seq, f"哈希值与第 {n} 次锚定时的末条不同（锚定后记录链被改写）"
    return None, ""


def _accountability_disagreement(anchored: Head, current: Head, stored: str | None,
                                 n: int) -> tuple[int | None, str]:
    """Describe how the accountability chain disagrees with its anchored head; '' if it does not."""
    seq, digest = anchored
    if current[0] < seq:
        return current[0] + 1, (f"记录链被截短：现有 {current[0]} 条，第 {n} 次锚定时有 {seq} 条"
                                "（最新的记录被删除）")
    if seq and current[0] > seq and stored is None:
        return seq, f"第 {n} 次锚定时的末条（第 {seq} 条）已不存在（记录被删除或重新编号）"
    if seq and (current[1] if current[0] == seq else stored) != digest:
        return seq, f"哈希值与第 {n} 次锚定时的末条不同（锚定后记录链被改写）"
    return None, ""


def _compare(session: Session, state: AnchorState) -> tuple[list[AnchorFinding], dict[int, Head], Head]:
    """Compare the database with anchored heads; return findings and the heads that extend them."""
    heads = audit_heads(session)
    grown = {i: state.audit[i][0] for i, head in heads.items()
             if i in state.audit and head[0] > state.audit[i][0]}
    stored = audit_hashes_at(session, grown) if grown else {}
    findings: list[AnchorFinding] = []
    advanced: dict[int, Head] = {}
    for instance_id, head in heads.items():
        if instance_id not in state.audit:
            advanced[instance_id] = head
    archived = archived_heads(session, [i for i in state.audit if i not in heads])
    for instance_id, anchored in sorted(state.audit.items()):
        if instance_id not in heads and _archived_past(archived.get(instance_id), anchored):
            continue  # removed by archiving, recorded (and chained) in archived_instance: not tampering
        seq, reason = _audit_disagreement(anchored, heads.get(instance_id), stored.get(instance_id), state.n)
        if reason:
            findings.append(AnchorFinding("audit_event", instance_id, seq, reason))
        elif heads[instance_id] != anchored:
            advanced[instance_id] = heads[instance_id]
    current = accountability_head(session)
    anchored = state.accountability
    at_anchor = accountability_hash_at(session, anchored[0]) if current[0] > anchored[0] > 0 else None
    seq, reason = _accountability_disagreement(anchored, current, at_anchor, state.n)
    if reason:
        findings.append(AnchorFinding("accountability_record", None, seq, reason))
        current = anchored
    return findings, advanced, current


def _epoch_findings(session: Session, key: ChainKey) -> list[AnchorFinding]:
    """A re-keyed database names its key: a different configured key is a set-up error, not forgery."""
    epoch = session.scalar(select(ChainEpoch).order_by(ChainEpoch.id.desc()).limit(1))
    if epoch is None or epoch.key_id == key.key_id:
        return []
    return [AnchorFinding("chain_epoch", None, None,
                          f"记录链于 {epoch.at.isoformat()} 用密钥 {epoch.key_id} 重新签署，"
                          f"但当前配置的 ONEWINDOW_CHAIN_KEY 是 {key.key_id}")]


def check_anchor(session: Session) -> AnchorCheck:
    """Check the database against the latest anchor: cut, missing and rewritten chains, and the log itself."""
    config = chain_config(session)
    findings = _epoch_findings(session, config.key)
    path = config.anchor_path
    if path is None or not path.exists():
        return AnchorCheck(findings, f"尚无锚点日志（{path}）：调度程序写入之前，"
                                     "无法发现末尾被截去或整条被删除的记录链")
    try:
        state, problems = read_log(path, config.key)
    except OSError as exc:
        unreadable = AnchorFinding("chain_anchor", None, None, f"{path}：无法读取（{exc}）")
        return AnchorCheck([*findings, unreadable], f"锚点日志 {path} 无法读取")
    if not state.n:
        return AnchorCheck(findings + problems, f"锚点日志 {path} 还没有可信的行")
    differences, _, _ = _compare(session, state)
    note = f"已与 {path} 中第 {state.n} 次锚定（{state.at}）的链头核对"
    return AnchorCheck(findings + problems + differences, note)


_cache: dict[str, tuple[tuple[int, int, int, str], AnchorState]] = {}
_write_lock = threading.Lock()


def _trusted_state(handle: IO[bytes], path: Path, key: ChainKey) -> AnchorState:
    """The log's latest heads, read again only when another writer changed the file since our last line."""
    info = os.fstat(handle.fileno())
    stamp = (info.st_dev, info.st_ino, info.st_size, key.key_id)
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    state, problems = _read_lines(handle, key, path)
    if problems:
        raise AnchorLogError(f"锚点日志未通过校验，不再追加：{problems[0].reason}")
    return state


def _write(session: Session, at: datetime | None) -> AnchorWritten | None:
    config = chain_config(session)
    path = config.anchor_path
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock, os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        state = _trusted_state(handle, path, config.key)
        findings, advanced, accountability = _compare(session, state)
        session.rollback()  # the heads are read; do not hold the snapshot while writing the file
        diverged = [f"{chain_name(f.table, f.instance_id)}：{f.reason}" for f in findings]
        audit = {**state.audit, **advanced}
        line: dict[str, Any] = {
            "v": FORMAT_VERSION, "n": state.n + 1, "at": (at or datetime.now(UTC)).isoformat(),
            "key_id": config.key.key_id, "prev": state.mac,
            "audit": {str(i): list(head) for i, head in sorted(advanced.items())},  # line 1: every chain
            "chains": len(audit), "accountability": list(accountability),
            "global": _global_head(config.key, audit, accountability),
            "diverged": diverged[:DIVERGED_LISTED], "diverged_count": len(diverged),
        }
        line["mac"] = config.key.mac("anchor_line", _canonical({k: v for k, v in line.items() if k != "mac"})
                                     .encode())
        handle.write((_canonical(line) + "\n").encode())
        handle.flush()
        os.fsync(handle.fileno())
        info = os.fstat(handle.fileno())
        latest = AnchorState(audit, accountability, line["n"], line["mac"], line["at"], line["global"])
        _cache[str(path)] = ((info.st_dev, info.st_ino, info.st_size, config.key.key_id), latest)
    for reason in diverged:
        log.error("chain anchor: %s", reason)
    return AnchorWritten(line["n"], path, len(audit), len(advanced), diverged)


def write_anchor(app_or_session: Any, *, at: datetime | None = None) -> AnchorWritten | None:
    """Append the chains' current heads to the anchor log (the scheduler's interval job).

    Takes a Flask app (the scheduler) or a session (tests, scripts). Returns None when no anchor log
    is configured for the database.
    """
    if not hasattr(app_or_session, "app_context"):  # a Session or a scoped session such as db.session
        return _write(app_or_session, at)
    with app_or_session.app_context():
        engine = app_or_session.extensions["sqlalchemy"].engine
        with Session(engine) as session:
            return _write(session, at)


def anchor_interval(app: Any) -> float:
    """Seconds between anchors (ONEWINDOW_CHAIN_ANCHOR_SECONDS), from the app's own settings."""
    settings = app.extensions.get("onewindow")
    if settings is not None:
        return float(settings.settings.chain_anchor_seconds)
    with app.app_context():
        return chain_config(app.extensions["sqlalchemy"].engine).anchor_seconds


def write_anchor_at_shutdown(scheduler: Any, app: Any) -> None:
    """Write a last anchor when the scheduler stops, so the heads of its final minutes are kept too.

    `scripts/serve.sh` stops the scheduler with SIGTERM, which would end Python without running
    anything; in the main thread, SIGTERM and Ctrl-C (when still at their defaults) are turned into
    an orderly scheduler shutdown, whose event writes the anchor after the running jobs finish.
    """
    from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN

    def on_shutdown(_event: Any) -> None:
        try:
            written = write_anchor(app)
            if written:
                log.info("chain anchor #%d written at shutdown (%d chains)", written.n, written.chains)
        except Exception:  # the process is stopping anyway; say why the last anchor is missing
            log.exception("writing the chain anchor at shutdown failed")

    scheduler.add_listener(on_shutdown, EVENT_SCHEDULER_SHUTDOWN)
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, _frame: Any) -> None:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        else:
            raise SystemExit(128 + signum)

    for signum, default in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGINT, signal.default_int_handler)):
        if signal.getsignal(signum) is default:
            signal.signal(signum, stop)
