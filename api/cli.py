"""`flask --app wsgi ow ...`: migrate, deploy shipped diagrams, seed demo data, run the scheduler."""

from __future__ import annotations

import json
import os
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click
from alembic.config import Config as AlembicConfig
from flask import Flask
from sqlalchemy import select

from alembic import command as alembic_command
from bpmn.lint import shipped_diagrams
from engine.commands import (
    Actor,
    ClaimTaskCommand,
    CommandExecutor,
    CompleteTaskCommand,
    CreateDepartmentCommand,
    CreateUserCommand,
    StartInstanceCommand,
)
from engine.commands.calendar import SeedOfficialCalendarCommand
from engine.commands.deployment import DeployDefinitionCommand
from engine.database import writer_sessionmaker
from engine.exceptions import InvalidError
from engine.models import Department, Instance, TaskRecord, User
from engine.runtime import EngineRuntime
from engine.workdays import SHANGHAI, FixedClock
from monitor.catalogue_workbook import items_from_sheets
from monitor.chain import check_chains
from monitor.commands.approvals import RegisterApprovalCommand
from monitor.commands.catalogue import ImportCatalogueCommand
from monitor.models import ServiceItem
from monitor.workbook_reading import WorkbookError, read_sheets

from .archive_cli import report_archive
from .wiring import db, services

__all__ = ["DEMO_DEPARTMENTS", "migrate", "register_cli"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SYSTEM = Actor.system("setup")
DEMO_DEPARTMENTS = {
    "zwfw": "政务服务中心综合窗口", "fgw": "发展和改革委员会", "zrzy": "自然资源和规划局",
    "sthj": "生态环境局", "sw": "水务局", "jt": "交通运输局", "zjj": "住房和城乡建设局",
    "rf": "人民防空办公室", "xf": "消防救援支队", "cg": "城市管理局", "da": "档案馆", "qx": "气象局",
    "jcj": "监察局（效能办）", "zfb": "人民政府办公室",
}
LEAD_DEPARTMENTS = ("fgw", "zrzy", "zjj")


def migrate(database_url: str) -> None:
    """Upgrade the database to the newest schema with alembic (the only way the schema changes)."""
    config = AlembicConfig(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    alembic_command.upgrade(config, "head")


def seed_calendar() -> list[int]:
    """Load the official working-day calendar for the years not yet in the table."""
    return services().executor.execute(SeedOfficialCalendarCommand(), SYSTEM)


def deploy_shipped() -> list[str]:
    """Deploy every diagram in bpmn/; unchanged files are no-ops."""
    lines = []
    for path in shipped_diagrams():
        results = services().executor.execute(DeployDefinitionCommand(path.read_bytes(), path.name), SYSTEM)
        for r in results:
            lines.append(f"{r.definition.key} v{r.definition.version}{' (new)' if r.created else ''}")
    return lines


def seed_admin() -> str | None:
    """Create the admin account at first start; return the password only if it was generated."""
    if db.session.scalar(select(User.id).where(User.username == "admin")):
        return None
    given = os.environ.get("ONEWINDOW_ADMIN_PASSWORD")
    password = given or secrets.token_urlsafe(12)
    services().executor.execute(CreateUserCommand("admin", password, "admin"), SYSTEM)
    return None if given else password


def seed_demo(password: str) -> list[tuple[str, str, str | None]]:
    """Create demo departments, one account per role, and two demo applications."""
    existing = set(db.session.scalars(select(Department.code)))
    for code, name in DEMO_DEPARTMENTS.items():
        if code not in existing:
            services().executor.execute(CreateDepartmentCommand(code, name), SYSTEM)
    accounts: list[tuple[str, str, str | None]] = [
        ("designer", "designer", None), ("jiancha", "supervisor", "jcj"), ("window1", "window", "zwfw")]
    reviewing = [code for code in DEMO_DEPARTMENTS if code not in ("zwfw", "jcj")]
    accounts += [(f"{code}_reviewer", "reviewer", code) for code in reviewing]
    accounts += [(f"{code}_lead", "lead", code) for code in LEAD_DEPARTMENTS]
    # Each unit's head (本单位负责人) approves its own unit's extensions, the bureau's included.
    accounts += [(f"{code}_head", "head", code) for code in DEMO_DEPARTMENTS if code != "zwfw"]
    known = set(db.session.scalars(select(User.username)))
    for username, role, department in accounts:
        if username not in known:
            services().executor.execute(CreateUserCommand(username, password, role, department), SYSTEM)
    return accounts


DEMO_CATALOGUE = REPO_ROOT / "monitor" / "demo_catalogue.json"
DEMO_ITEM = "330100-TZ-0001"  # the demo applications' catalogue item


def import_catalogue(path: Path, actor: Actor = SYSTEM) -> list[tuple[str, int]]:
    """Publish every item of a catalogue file as its next version (see README for both shapes).

    A `.xlsx` file is read as the catalogue workbook (sheets 事项 and 材料); anything else as JSON
    (`{"items": [...]}`). Problems in a workbook are named by sheet, row and column.
    """
    if path.suffix.lower() == ".xlsx":
        items, sheet_problems, locate = items_from_sheets(read_sheets(path.read_bytes()))
        command = ImportCatalogueCommand(items, tuple(sheet_problems))
        try:
            published = services().executor.execute(command, actor)
        except InvalidError as exc:
            raise InvalidError(exc.message, [locate(p) for p in exc.problems]) from None
    else:
        items = json.loads(path.read_text(encoding="utf-8")).get("items")
        published = services().executor.execute(ImportCatalogueCommand(items), actor)
    return [(code, version.version) for code, version in published]


def seed_demo_catalogue() -> list[tuple[str, int]]:
    """Load the demo catalogue once (a catalogue that has items is left as it is)."""
    db.session.remove()  # a snapshot older than an import just committed would not see its items
    if db.session.scalar(select(ServiceItem.id).limit(1)):
        return []
    return import_catalogue(DEMO_CATALOGUE)


def seed_demo_applications() -> list[str]:
    """Register demo applications so tracking, worklists and the supervision board have something to show.

    Two are accepted today. A third was accepted six weeks ago and one co-reviewer answered in time
    while the others did not, so once the scheduler runs its sweeps the board has red items and the
    bureau has deadline alerts to work through. It is started by commands run with a clock set in the
    past, exactly as they would have run then (deadlines, timers and audit dated accordingly).
    """
    if db.session.scalar(select(Instance.id).limit(1)):
        return []
    seed_demo_catalogue()  # the demo applications are registered under its first item
    window = Actor("window1", "window", "zwfw")
    applicant = {"name": "杭州示范建设有限公司", "contact": "0571-88000000"}
    codes = []
    for name, code, amount in (("滨江新区综合服务中心建设项目", "2026-330100-47-01-000001", 86_000_000),
                               ("城东污水处理厂提标改造工程", "2026-330100-77-01-000002", 42_500_000)):
        instance = services().executor.execute(RegisterApprovalCommand(StartInstanceCommand(
            "investment_joint_approval", {"name": name, "code": code, "investment": amount}, applicant, {}),
            DEMO_ITEM), window)
        codes.append(instance.query_code)
    codes.append(_seed_overdue_application(window, applicant))
    return codes


def _seed_overdue_application(window: Actor, applicant: dict[str, str]) -> str:
    """Start an application six weeks ago and answer one of its stage-1 reviews five working days later."""
    runtime = services().runtime
    accepted_day = _workday_on_or_after(runtime.clock.now().astimezone(SHANGHAI).date() - timedelta(days=42))
    accepted = datetime.combine(accepted_day, time(9, 30), SHANGHAI)
    answered_day = accepted_day
    for _ in range(5):
        answered_day = _workday_on_or_after(answered_day + timedelta(days=1))
    past_clock = FixedClock(accepted)
    past = CommandExecutor(writer_sessionmaker(db.engine),
                           EngineRuntime(past_clock, runtime.calendar, runtime.workday_close))
    instance = past.execute(StartInstanceCommand(
        "investment_joint_approval",
        {"name": "临江工业园区道路及配套管网工程", "code": "2026-330100-48-01-000003",
         "investment": 63_000_000},
        applicant, {}), window)
    past_clock.set(datetime.combine(answered_day, time(15, 0), SHANGHAI))
    db.session.remove()  # its snapshot predates the application (SQLite keeps a read transaction's view)
    sthj = db.session.scalar(select(TaskRecord.id).where(TaskRecord.instance_id == instance.id,
                                                         TaskRecord.department_code == "sthj"))
    if sthj is not None:
        reviewer = Actor("sthj_reviewer", "reviewer", "sthj")
        past.execute(ClaimTaskCommand(sthj), reviewer)
        past.execute(CompleteTaskCommand(sthj, decision="approve", opinion="符合生态环境准入要求，同意。"),
                     reviewer)
    return instance.query_code


def _workday_on_or_after(day: date) -> date:
    calendar = services().runtime.calendar
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day



def register_cli(app: Flask) -> None:
    """Attach the `ow` command group to the app."""

    @app.cli.group("ow")
    def ow() -> None:
        """OneWindow administration."""

    @ow.command("migrate")
    def migrate_command() -> None:
        """Upgrade the database schema."""
        migrate(services().settings.database_url)
        click.echo("database schema is up to date")

    @ow.command("setup")
    @click.option("--demo/--no-demo", default=True, help="seed demo departments, users and applications")
    def setup_command(demo: bool) -> None:
        """Migrate, seed departments and users, deploy the shipped diagrams, print the logins."""
        migrate(services().settings.database_url)
        added = seed_calendar()
        if added:
            click.echo(f"working-day calendar loaded for {added[0]}-{added[-1]} (chinese_calendar)")
        generated = seed_admin()
        demo_password = os.environ.get("ONEWINDOW_DEMO_PASSWORD", "onewindow-demo")
        accounts = seed_demo(demo_password) if demo else []
        for line in deploy_shipped():
            click.echo(f"deployed {line}")
        for code, version in seed_demo_catalogue() if demo else []:
            click.echo(f"catalogue item {code} version {version} published")
        codes = seed_demo_applications() if demo else []
        click.echo("admin password: " + (generated or "(unchanged, or from ONEWINDOW_ADMIN_PASSWORD)"))
        if accounts:
            click.echo(f"demo accounts (password '{demo_password}'):")
            for username, role, department in accounts:
                click.echo(f"  {username:<16} {role:<10} {department or ''}")
        for code in codes:
            click.echo(f"demo application query code: {code}  (track at /api/public/track/{code})")

    @ow.command("import-catalogue")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_catalogue_command(path: Path) -> None:
        """Publish the items of a catalogue file (JSON or .xlsx); all or none (every problem is printed)."""
        try:
            published = import_catalogue(path)
        except InvalidError as exc:
            for problem in exc.problems:
                click.echo(f"{problem.field or '-'}: {problem.message}", err=True)
            raise SystemExit(1) from None
        except WorkbookError as exc:
            raise click.ClickException(str(exc)) from None
        except (ValueError, AttributeError) as exc:
            raise click.ClickException(f"不是事项清单文件（JSON 对象，含 items 列表）：{exc}") from None
        for code, version in published:
            click.echo(f"{code} 第{version}版已发布")

    @ow.command("verify-chain")
    @click.option("--archive", "archive", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="verify an archive file written by archive-export instead of the database")
    def verify_chain_command(archive: Path | None = None) -> None:
        """Check every chain with the chain key, and their heads against the latest anchor; exit 1 if broken.

        Prints each broken chain once (its first broken link, or how it disagrees with the anchor),
        then what the heads were checked against, then the verdict. With --archive, the file's
        chains and its closing digest instead.
        """
        if archive is not None:
            report_archive(archive)
            return
        report = check_chains(db.session)
        broken = report.broken
        for link in broken:
            click.echo(str(link))
        click.echo(report.anchor_note)
        click.echo("全部记录链完好" if not broken else f"发现 {len(broken)} 条记录链异常")
        if broken:
            raise SystemExit(1)

    @ow.command("verify-audit")
    def verify_audit_command() -> None:
        """Alias of verify-chain, kept for scripts written before accountability was chained."""
        verify_chain_command.callback()

    @ow.command("scheduler")
    def scheduler_command() -> None:
        """Run the timer sweeper; run exactly one of these per deployment."""
        from .scheduler import run_scheduler

        run_scheduler(app)
