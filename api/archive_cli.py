"""`flask ow archive`, `archive-export` and `verify-chain --archive`: completed applications leave.

Archiving writes the applications past their retention to a file that verifies on its own, checks
the file, then removes each application from the live tables in its own transaction, its removal
recorded in the archive chain first (engine.commands.archive). An application that cannot go (it
changed since the export) stays, and is named.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask

from engine.chain_key import chain_key_for
from engine.command_context import Actor
from engine.commands.archive import RemoveArchivedInstanceCommand
from engine.exceptions import EngineError
from monitor.archive_file import file_sha256, read_applications, verify_archive, write_archive
from monitor.queries.archive_rows import application_records, describe_tables, past_retention

from .wiring import db, services

__all__ = ["register_archive_cli", "report_archive"]

ARCHIVIST = Actor.system("archive")


def _export(path: Path, now: datetime, ids: list[int]) -> int:
    """Write these applications (past retention at `now`) to `path`; return how many."""
    settings = services().settings
    header = {"created_at": now.astimezone(UTC).isoformat(),
              "completed_before": settings.retention.earliest_cutoff(now).astimezone(UTC).isoformat(),
              "retention": {"default_years": settings.retention.default_years,
                            "by_subject": dict(settings.retention.by_subject)},
              "tables": describe_tables()}
    return write_archive(path, header, application_records(db.session, ids), chain_key_for(db.session))


def report_archive(path: Path) -> None:
    """Verify an archive file, print what it holds and every problem; exit 1 when it is not intact."""
    report = verify_archive(path, chain_key_for(db.session))
    header = report.header
    click.echo(f"归档文件 {path.name}：{report.applications} 件，导出于 {header.get('created_at', '—')}，"
               f"办结早于 {header.get('completed_before', '—')}")
    for problem in report.problems:
        click.echo(problem)
    click.echo("归档文件完整，记录链全部有效" if report.intact else f"发现 {len(report.problems)} 处问题")
    if not report.intact:
        raise SystemExit(1)


def register_archive_cli(app: Flask) -> None:
    """Add archive and archive-export to the `ow` group (made by api.cli.register_cli)."""
    ow = app.cli.commands["ow"]

    @ow.command("archive-export")  # type: ignore[attr-defined]
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="only count the applications past their retention")
    def archive_export(path: Path, dry_run: bool) -> None:
        """Write every completed application past its retention to PATH (gzip'd JSON lines)."""
        settings = services().settings
        now = services().runtime.clock.now()
        ids = past_retention(db.session, settings.retention, now)
        if dry_run:
            click.echo(f"{len(ids)} 件已过保存期限")
            return
        if path.exists():
            raise click.ClickException(f"{path} 已存在：归档文件不覆盖")
        count = _export(path, now, ids)
        click.echo(f"已导出 {count} 件到 {path}（数据库中的记录未删除）")

    @ow.command("archive")  # type: ignore[attr-defined]
    def archive() -> None:
        """Export the applications past their retention to the archive folder, verify, then remove them."""
        now = services().runtime.clock.now()
        ids = past_retention(db.session, services().settings.retention, now)
        if not ids:
            click.echo("没有已过保存期限的办件")
            return
        folder = services().settings.archive_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"archive-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.jsonl.gz"
        if path.exists():
            raise click.ClickException(f"{path} 已存在：归档文件不覆盖")
        _export(path, now, ids)
        report = verify_archive(path, chain_key_for(db.session))
        if not report.intact:
            for problem in report.problems:
                click.echo(problem, err=True)
            raise click.ClickException("刚写成的归档文件未通过校验，未删除任何办件")
        digest = file_sha256(path)
        removed, kept = 0, []
        for application in read_applications(path):
            instance = application["instance"]
            head = (instance["audit_seq"], instance["audit_hash"])
            command = RemoveArchivedInstanceCommand(instance["id"], head, path.name, digest)
            try:
                services().executor.execute(command, ARCHIVIST)
                removed += 1
            except EngineError as exc:
                kept.append(f"{instance['query_code']}：{exc}")
        for line in kept:
            click.echo(line)
        click.echo(f"已归档 {removed} 件到 {path}" + (f"，{len(kept)} 件未移出（见上）" if kept else ""))
