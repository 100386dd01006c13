"""`flask ow archive-export` and `flask ow verify-chain --archive`: completed applications to a file.

Archiving has two halves: writing the applications past their retention to a file that can be
verified on its own (here), and removing them from the live tables with the removal recorded in
the chains (not built yet: until then the export leaves the database as it was).
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import click
from flask import Flask

from engine.chain_key import chain_key_for
from monitor.archive_file import verify_archive, write_archive
from monitor.queries.archive_rows import application_records, describe_tables, past_retention

from .wiring import db, services

__all__ = ["register_archive_cli", "report_archive"]


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
    """Add archive-export to the `ow` group (made by api.cli.register_cli)."""
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
        header = {"created_at": now.astimezone(UTC).isoformat(),
                  "completed_before": settings.retention.earliest_cutoff(now).astimezone(UTC).isoformat(),
                  "retention": {"default_years": settings.retention.default_years,
                                "by_subject": dict(settings.retention.by_subject)},
                  "tables": describe_tables()}
        count = write_archive(path, header, application_records(db.session, ids), chain_key_for(db.session))
        click.echo(f"已导出 {count} 件到 {path}（数据库中的记录未删除）")
