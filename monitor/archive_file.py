"""The archive file of completed applications: gzip'd JSON lines that describe and verify themselves.

Archives law keeps approval files for decades, long after anyone remembers this program's tables.
So the file says what it holds (line 1: format, version, the chain key's id, every table's columns),
then one line per application (the instance row, every row of every table that refers to it or to
its tasks, and its audit chain with the hashes), then a closing line with the count, a SHA-256 of
all lines before it and an HMAC of that digest under the chain key.

`verify_archive` checks it without the database: each audit chain event by event under the chain
key (what `ow verify-chain` does for live chains), each chain's head against the instance row that
recorded it, and the closing line against the lines read — a line edited, dropped or added shows.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from engine.audit import GENESIS_HASH, event_hash
from engine.chain_key import ChainKey

__all__ = ["ARCHIVE_FORMAT", "ArchiveReport", "file_sha256", "find_application", "read_applications",
           "verify_archive", "write_archive"]

ARCHIVE_FORMAT = "onewindow-archive"
VERSION = 1
_MAC_PURPOSE = "archive_file"


def _plain(value: Any) -> Any:
    """A column value as JSON: instants and dates in ISO 8601, amounts as exact decimal text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=_plain).encode() + b"\n"


def write_archive(path: Path, header: dict[str, Any], applications: Iterable[dict[str, Any]],
                  key: ChainKey) -> int:
    """Write header, applications and the closing line; return how many applications were written.

    Written to a temporary name first and renamed at the end, so a file that exists is complete.
    """
    partial = path.with_name(path.name + ".partial")
    digest = hashlib.sha256()
    count = 0
    with gzip.open(partial, "wb") as out:
        first = _line({"format": ARCHIVE_FORMAT, "version": VERSION, "key_id": key.key_id, **header})
        digest.update(first)
        out.write(first)
        for application in applications:
            line = _line(application)
            digest.update(line)
            out.write(line)
            count += 1
        hexdigest = digest.hexdigest()
        out.write(_line({"end": True, "applications": count, "sha256": hexdigest,
                         "mac": key.mac(_MAC_PURPOSE, hexdigest.encode())}))
    partial.replace(path)
    return count


@dataclass
class ArchiveReport:
    """What a verification found: the header, how many applications, and every problem."""

    header: dict[str, Any] = field(default_factory=dict)
    applications: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when the file is whole and every chain in it holds."""
        return not self.problems


def read_applications(path: Path) -> Iterator[dict[str, Any]]:
    """The application records of an archive file, in order (header and closing line left out)."""
    with gzip.open(path, "rb") as stream:
        for number, raw in enumerate(_lines(stream), start=1):
            record = json.loads(raw)
            if number > 1 and record.get("end") is not True:
                yield record


def find_application(path: Path, instance_id: int) -> dict[str, Any] | None:
    """One application's record from an archive file, by its instance id (read line by line)."""
    return next((record for record in read_applications(path)
                 if (record.get("instance") or {}).get("id") == instance_id), None)


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file as stored, which the archive record keeps to show it was not replaced."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    for raw in stream:
        if raw.strip():
            yield raw


def verify_archive(path: Path, key: ChainKey) -> ArchiveReport:
    """Check an archive file end to end under `key`; problems are named by query code and seq."""
    report = ArchiveReport()
    digest = hashlib.sha256()
    closing: dict[str, Any] | None = None
    try:
        with gzip.open(path, "rb") as stream:
            for number, raw in enumerate(_lines(stream), start=1):
                if closing is not None:
                    report.problems.append(f"第 {number} 行：结束行之后还有内容")
                    break
                record = json.loads(raw)
                if number == 1:
                    report.header = record
                    if record.get("format") != ARCHIVE_FORMAT or record.get("version") != VERSION:
                        report.problems.append("不是本系统的归档文件（格式或版本不符）")
                        return report
                    if record.get("key_id") != key.key_id:
                        report.problems.append(
                            f"归档文件由密钥 {record.get('key_id')} 签署，与当前记录链密钥不同")
                        return report
                elif record.get("end") is True:
                    closing = record
                    continue
                else:
                    report.applications += 1
                    report.problems += _check_application(record, key)
                digest.update(raw)
    except (OSError, EOFError, ValueError) as exc:
        report.problems.append(f"归档文件无法读取：{exc}")
        return report
    if closing is None:
        report.problems.append("缺少结束行：文件不完整（被截断）")
        return report
    hexdigest = digest.hexdigest()
    if closing.get("sha256") != hexdigest or closing.get("mac") != key.mac(_MAC_PURPOSE, hexdigest.encode()):
        report.problems.append("结束行的摘要或签名与文件内容不符：有行被修改、删除或增加")
    if closing.get("applications") != report.applications:
        report.problems.append(
            f"结束行记载 {closing.get('applications')} 件，文件中有 {report.applications} 件")
    return report


def _check_application(record: dict[str, Any], key: ChainKey) -> list[str]:
    """One application's audit chain, event by event, and its head against the instance row."""
    instance = record.get("instance") or {}
    name = instance.get("query_code") or instance.get("id")
    problems = []
    prev, expected_seq = GENESIS_HASH, 1
    for event in record.get("audit") or []:
        at = datetime.fromisoformat(event["at"])
        expected = event_hash(prev, event["instance_id"], event["seq"], at, event["actor"], event["action"],
                              event["task_id"], event["details"], key=key)
        if event["seq"] != expected_seq or event["prev_hash"] != prev or event["hash"] != expected:
            problems.append(f"办件 {name} 记录第 {event['seq']} 条：记录链断裂（内容被修改或缺失）")
            break
        prev, expected_seq = event["hash"], event["seq"] + 1
    head = [expected_seq - 1, prev]
    if not problems and [instance.get("audit_seq"), instance.get("audit_hash")] != head:
        problems.append(f"办件 {name}：记录链的末条与办件记载的链头不符（有记录被截去）")
    return problems
