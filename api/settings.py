"""Settings from ONEWINDOW_* environment variables, with safe defaults and loud production failures."""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from engine.chain_key import configure_chains, resolve_chain_key
from engine.key_files import key_from_file
from monitor.retention import RetentionSettings
from monitor.rule_settings import rule_settings_from_json
from monitor.rules import RuleSettings

__all__ = ["Settings", "load_settings"]

MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs to wire OneWindow."""

    env: str
    instance_path: Path
    database_url: str
    secret_key: str
    token_ttl_seconds: int
    workday_close: time
    max_bpmn_bytes: int
    timer_sweep_seconds: float
    timer_claim_seconds: float
    calendar_reload_seconds: float
    extension_max_per_task: int
    extension_max_working_days: int
    accountability_window_days: int
    accountability_max_rung: int
    complaints_per_ip_per_hour: int
    complaints_per_approval_per_day: int
    inquiries_per_ip_per_hour: int
    score_weights: dict[str, float] | None
    card_deductions: dict[str, float] | None
    score_model: str = "founding"
    # The supervision rules' switches and thresholds, per task type where a process needs its own.
    alert_rules: RuleSettings = field(default_factory=RuleSettings)
    video_dir: Path = Path("instance/video")
    video_retention_days: int = 90
    video_latest_frame_seconds: float = 2.0
    proxy_hops: int = 0
    # How long a process trusts what it read about an account (role, department, enabled):
    # see api.account_cache.
    account_cache_seconds: float = 2.0
    # Restored workflows each process keeps for the next command on the same instance (engine.hot_workflows).
    hot_workflows: int = 256
    # (month, day) from which a missing official calendar for next year raises the alert and banner.
    calendar_warning_from: tuple[int, int] = (11, 1)
    # How long completed applications stay in the live tables (monitor.retention), and where they go.
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    archive_dir: Path = Path("instance/archive")
    # Candidate groups of imported diagrams that are not department codes → the department they mean.
    group_departments: dict[str, str] = field(default_factory=dict)
    # Development and tests only: the clock starts at this instant and runs on from there.
    clock_start: datetime | None = None
    # Engine budget of one unit of work, and the largest loop / multi-instance count lint accepts.
    engine_max_steps: int = 10_000
    engine_max_seconds: float = 2.0
    max_loop: int = 1_000
    # Key of the audit and accountability hash chains (HMAC-SHA256), never stored in the database.
    chain_key: str = ""
    # The append-only log of the chains' heads, outside the database, and how often the scheduler adds a line.
    chain_anchor_path: Path = Path("instance/chain_anchors.log")
    chain_anchor_seconds: int = 300
    # Camera sources (monitor/video/sources.py): folders besides video_dir that file and folder sources may
    # name, the networks URL sources may reach (private ranges by default), and the bounds of every fetch.
    video_source_dirs: tuple[Path, ...] = ()
    camera_networks: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
    video_fetch_timeout_seconds: float = 5.0
    video_fetch_max_bytes: int = 8 * 1024 * 1024

    @property
    def production(self) -> bool:
        """Tell whether missing secrets must stop the process."""
        return self.env == "production"


def load_settings(instance_path: Path, environ: dict[str, str] | None = None) -> Settings:
    """Read the environment once; raise RuntimeError on a setting that cannot be right."""
    env_vars = dict(os.environ if environ is None else environ)
    env = env_vars.get("ONEWINDOW_ENV", "development")
    instance_path = Path(env_vars.get("ONEWINDOW_INSTANCE_PATH", str(instance_path))).resolve()
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = env_vars.get("ONEWINDOW_DATABASE_URL") or f"sqlite:///{instance_path / 'onewindow.db'}"
    chain_key = resolve_chain_key(env_vars, env, instance_path)
    chain_anchor_path = Path(env_vars.get("ONEWINDOW_CHAIN_ANCHOR_PATH",
                                          str(instance_path / "chain_anchors.log"))).resolve()
    chain_anchor_seconds = _bounded_int(env_vars, "ONEWINDOW_CHAIN_ANCHOR_SECONDS", 300, 5, 86400)
    # The engine appends and checks chains through plain sessions: tell it this database's key and log.
    configure_chains(_driver_url(database_url), chain_key, anchor_path=chain_anchor_path,
                     anchor_seconds=chain_anchor_seconds, instance_path=instance_path)
    return Settings(
        env=env,
        instance_path=instance_path,
        database_url=_driver_url(database_url),
        secret_key=_secret_key(env_vars, env, instance_path),
        token_ttl_seconds=int(env_vars.get("ONEWINDOW_TOKEN_TTL_SECONDS", 8 * 3600)),
        workday_close=time.fromisoformat(env_vars.get("ONEWINDOW_WORKDAY_CLOSE", "17:30")),
        max_bpmn_bytes=int(env_vars.get("ONEWINDOW_MAX_BPMN_BYTES", 2 * 1024 * 1024)),
        timer_sweep_seconds=float(env_vars.get("ONEWINDOW_TIMER_SWEEP_SECONDS", 1.0)),
        timer_claim_seconds=float(env_vars.get("ONEWINDOW_TIMER_CLAIM_SECONDS", 60.0)),
        calendar_reload_seconds=float(env_vars.get("ONEWINDOW_CALENDAR_RELOAD_SECONDS", 60.0)),
        extension_max_per_task=int(env_vars.get("ONEWINDOW_EXTENSION_MAX_PER_TASK", 1)),
        extension_max_working_days=int(env_vars.get("ONEWINDOW_EXTENSION_MAX_WORKING_DAYS", 20)),
        accountability_window_days=int(env_vars.get("ONEWINDOW_ACCOUNTABILITY_WINDOW_DAYS", 365)),
        accountability_max_rung=int(env_vars.get("ONEWINDOW_ACCOUNTABILITY_MAX_RUNG", 5)),
        complaints_per_ip_per_hour=int(env_vars.get("ONEWINDOW_COMPLAINTS_PER_IP_PER_HOUR", 5)),
        complaints_per_approval_per_day=int(env_vars.get("ONEWINDOW_COMPLAINTS_PER_APPROVAL_PER_DAY", 3)),
        inquiries_per_ip_per_hour=int(env_vars.get("ONEWINDOW_INQUIRIES_PER_IP_PER_HOUR", 10)),
        score_weights=_json_numbers(env_vars, "ONEWINDOW_SCORE_WEIGHTS"),
        card_deductions=_json_numbers(env_vars, "ONEWINDOW_CARD_DEDUCTIONS"),
        score_model=_score_model(env_vars),
        alert_rules=_alert_rules(env_vars),
        group_departments=_group_departments(env_vars),
        retention=_retention(env_vars),
        archive_dir=Path(env_vars.get("ONEWINDOW_ARCHIVE_DIR", str(instance_path / "archive"))).resolve(),
        # Snapshots, references and latest frames of the cameras; evidence outlives recordings (≥30 days).
        video_dir=Path(env_vars.get("ONEWINDOW_VIDEO_DIR", str(instance_path / "video"))).resolve(),
        video_retention_days=_bounded_int(env_vars, "ONEWINDOW_VIDEO_RETENTION_DAYS", 90, 30, 3650),
        video_latest_frame_seconds=float(env_vars.get("ONEWINDOW_VIDEO_LATEST_FRAME_SECONDS", 2.0)),
        calendar_warning_from=_month_day(env_vars.get("ONEWINDOW_CALENDAR_WARNING_FROM", "11-01")),
        clock_start=_clock_start(env_vars, env),
        engine_max_steps=_bounded_int(env_vars, "ONEWINDOW_ENGINE_MAX_STEPS", 10_000, 100, 10_000_000),
        engine_max_seconds=float(env_vars.get("ONEWINDOW_ENGINE_MAX_SECONDS", 2.0)),
        max_loop=_bounded_int(env_vars, "ONEWINDOW_MAX_LOOP", 1_000, 1, 1_000_000),
        # Reverse proxies in front of gunicorn whose X-Forwarded-For to believe (0: none, the default,
        # since a client can write that header itself when nothing in front overwrites it).
        proxy_hops=_bounded_int(env_vars, "ONEWINDOW_PROXY_HOPS", 0, 0, 5),
        account_cache_seconds=_bounded_float(env_vars, "ONEWINDOW_ACCOUNT_CACHE_SECONDS", 2.0, 0.0, 60.0),
        hot_workflows=_bounded_int(env_vars, "ONEWINDOW_HOT_WORKFLOWS", 256, 0, 100_000),
        chain_key=chain_key,
        chain_anchor_path=chain_anchor_path,
        chain_anchor_seconds=chain_anchor_seconds,
        video_source_dirs=_source_dirs(env_vars.get("ONEWINDOW_VIDEO_SOURCE_DIRS", "")),
        camera_networks=_camera_networks(env_vars.get("ONEWINDOW_CAMERA_NETWORKS", "")),
        video_fetch_timeout_seconds=_bounded_float(env_vars, "ONEWINDOW_VIDEO_FETCH_TIMEOUT_SECONDS", 5.0,
                                                   0.5, 60.0),
        video_fetch_max_bytes=_bounded_int(env_vars, "ONEWINDOW_VIDEO_FETCH_MAX_BYTES", 8 * 1024 * 1024,
                                           64 * 1024, 64 * 1024 * 1024),
    )


def _bounded_int(env_vars: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    """Read an integer setting that must lie in [low, high]; anything else stops the start."""
    raw = env_vars.get(name)
    try:
        value = default if raw is None or raw == "" else int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise RuntimeError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _score_model(env_vars: dict[str, str]) -> str:
    """The daily score's model; a name we do not know stops the start rather than scoring by another."""
    from monitor.queries.score_models import MODEL_WEIGHTS

    model = env_vars.get("ONEWINDOW_SCORE_MODEL", "founding")
    if model not in MODEL_WEIGHTS:
        raise RuntimeError(f"ONEWINDOW_SCORE_MODEL must be one of {', '.join(MODEL_WEIGHTS)}, not {model!r}")
    return model


def _json_numbers(env_vars: dict[str, str], name: str) -> dict[str, float] | None:
    """Read a JSON object of numbers (e.g. score weights); a malformed value stops the start."""
    raw = env_vars.get(name)
    if not raw:
        return None
    try:
        value = json.loads(raw)
        if not isinstance(value, dict) or not all(isinstance(v, int | float) for v in value.values()):
            raise ValueError("expected a JSON object of numbers")
    except ValueError as exc:
        raise RuntimeError(f"{name} is not a JSON object of numbers: {exc}") from None
    return {str(k): float(v) for k, v in value.items()}


def _alert_rules(env_vars: dict[str, str]) -> RuleSettings:
    """ONEWINDOW_ALERT_RULES, a JSON object (see monitor.rules.RuleSettings); a bad one stops the start."""
    raw = env_vars.get("ONEWINDOW_ALERT_RULES")
    if not raw:
        return RuleSettings()
    try:
        return rule_settings_from_json(raw)
    except ValueError as exc:
        raise RuntimeError(f"ONEWINDOW_ALERT_RULES：{exc}") from None


def _retention(env_vars: dict[str, str]) -> RetentionSettings:
    """ONEWINDOW_RETENTION_YEARS (default 30) and ONEWINDOW_RETENTION_BY_ITEM ({item or process: years})."""
    default = _bounded_int(env_vars, "ONEWINDOW_RETENTION_YEARS", 30, 1, 100)
    raw = env_vars.get("ONEWINDOW_RETENTION_BY_ITEM")
    if not raw:
        return RetentionSettings(default)
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise RuntimeError(f"ONEWINDOW_RETENTION_BY_ITEM 不是有效的 JSON：{exc}") from None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 100
            for k, v in value.items()):
        raise RuntimeError('ONEWINDOW_RETENTION_BY_ITEM 须为 JSON 对象，'
                           '如 {"fgw-001": 10}（事项编码或流程标识 → 1 到 100 年）')
    return RetentionSettings(default, value)


def _group_departments(env_vars: dict[str, str]) -> dict[str, str]:
    """ONEWINDOW_GROUP_DEPARTMENTS: {"candidate group": "department code"}; a bad one stops the start."""
    raw = env_vars.get("ONEWINDOW_GROUP_DEPARTMENTS")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise RuntimeError(f"ONEWINDOW_GROUP_DEPARTMENTS 不是有效的 JSON：{exc}") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and k and v
                                              for k, v in value.items()):
        raise RuntimeError('ONEWINDOW_GROUP_DEPARTMENTS 须为 JSON 对象，'
                           '如 {"国土组": "zrzy"}（候选组 → 部门代码）')
    return value


def _driver_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs (SQLAlchemy would otherwise pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(env_vars: dict[str, str], env: str, instance_path: Path) -> str:
    """Production must be given a key; development keeps one generated key per instance folder."""
    key = env_vars.get("ONEWINDOW_SECRET_KEY")
    if key:
        if len(key) < MIN_SECRET_LENGTH:
            raise RuntimeError(f"ONEWINDOW_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters")
        return key
    if env == "production":
        raise RuntimeError("ONEWINDOW_SECRET_KEY is not set; refusing to start in production without it")
    return key_from_file(instance_path / "secret_key")


def _month_day(text: str) -> tuple[int, int]:
    """Read a MM-DD setting (a day of any year), refusing what no year has."""
    try:
        parsed = datetime.strptime(f"2000-{text.strip()}", "%Y-%m-%d")
    except ValueError:
        raise RuntimeError(f"ONEWINDOW_CALENDAR_WARNING_FROM must be MM-DD, got {text!r}") from None
    return parsed.month, parsed.day


def _clock_start(env_vars: dict[str, str], env: str) -> datetime | None:
    """A pinned start for the clock, so a whole server (browser tests) can live on a chosen date."""
    text = env_vars.get("ONEWINDOW_CLOCK_START")
    if not text:
        return None
    if env == "production":
        raise RuntimeError("ONEWINDOW_CLOCK_START is for development and tests; "
                           "production uses the real clock")
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise RuntimeError(f"ONEWINDOW_CLOCK_START must be an ISO 8601 instant, got {text!r}") from None
    if start.tzinfo is None:
        raise RuntimeError("ONEWINDOW_CLOCK_START needs a UTC offset, e.g. 2026-12-07T10:00:00+08:00")
    return start


def _source_dirs(text: str) -> tuple[Path, ...]:
    """Read ONEWINDOW_VIDEO_SOURCE_DIRS: colon-separated absolute folders camera files may come from."""
    folders = []
    for item in text.split(os.pathsep):
        if not item.strip():
            continue
        if not os.path.isabs(item):
            raise RuntimeError(f"ONEWINDOW_VIDEO_SOURCE_DIRS takes absolute folders, not {item!r}")
        folders.append(Path(os.path.realpath(item)))
    return tuple(folders)


def _camera_networks(text: str) -> tuple[str, ...]:
    """Read ONEWINDOW_CAMERA_NETWORKS: comma-separated CIDR networks camera URLs may reach."""
    if not text.strip():
        return Settings.camera_networks
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise RuntimeError(f"ONEWINDOW_CAMERA_NETWORKS: {item!r} is not a CIDR network") from None
    return tuple(networks)


def _bounded_float(env_vars: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    """Read a number setting that must lie in [low, high]; anything else stops the start."""
    raw = env_vars.get(name)
    try:
        value = default if raw is None or raw == "" else float(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise RuntimeError(f"{name} must be between {low} and {high}, not {value}")
    return value
