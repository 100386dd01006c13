"""OneWindow's Flask application factory: the only place the pieces are wired together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from engine.calendar_store import DatabaseCalendar
from engine.commands import CommandExecutor
from engine.database import configure_engine, writer_sessionmaker
from engine.engine_budget import EngineBudget
from engine.runtime import EngineRuntime
from engine.workdays import StartedClock, SystemClock
from monitor.deadline_recompute import recompute_supervision_deadlines

from .account_cache import AccountCache
from .auth import init_auth
from .errors import register_error_handlers
from .json_body import LimitedJSONProvider
from .settings import Settings, load_settings
from .wiring import Api, Services, db

__all__ = ["create_app"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` may inject ONEWINDOW_CLOCK, ONEWINDOW_ENVIRON and Flask settings."""
    test_config = dict(test_config or {})
    app = Flask(__name__, instance_path=str(REPO_ROOT / "instance"))
    app.json = LimitedJSONProvider(app)  # bodies read by request.get_json() keep the same limits
    settings = load_settings(Path(app.instance_path), test_config.pop("ONEWINDOW_ENVIRON", None))
    clock = test_config.pop("ONEWINDOW_CLOCK", None) or (
        StartedClock(settings.clock_start) if settings.clock_start else SystemClock())
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        MAX_CONTENT_LENGTH=settings.max_bpmn_bytes + 64 * 1024,
        JSON_SORT_KEYS=False,
        API_TITLE="OneWindow API",
        API_VERSION="0.1",
        OPENAPI_VERSION="3.1.0",  # 3.0 cannot say "this object or null", only "any object or null"
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
    )
    app.config.update(test_config)
    if settings.proxy_hops:
        # Rate limits and complaint records need the visitor's address, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops)  # type: ignore[method-assign]
    _configure_supervision(app, settings)

    # Ids in paths are database integers: larger numbers cannot name anything (and would overflow the
    # driver), so they simply do not match a route — 404 rather than a 500.
    app.url_map.converters["int"] = DatabaseIdConverter
    db.init_app(app)
    api = Api(app, spec_kwargs={"info": {"description": "并联审批与电子监察 — parallel joint approval"}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "bearerFormat": "JWT"})
    with app.app_context():
        configure_engine(db.engine)
        # Its own read sessions (not the request's), so the scheduler and command threads can use it.
        working_calendar = DatabaseCalendar(db.engine, reload_seconds=settings.calendar_reload_seconds)
        budget = EngineBudget(settings.engine_max_steps, settings.engine_max_seconds, settings.max_loop)
        runtime = EngineRuntime(clock, working_calendar, settings.workday_close, budget=budget,
                                hot_workflows=settings.hot_workflows)
        executor = CommandExecutor(writer_sessionmaker(db.engine), runtime)
        executor.subscribe(working_calendar.handle_event)  # "calendar.changed" drops the cached days
        runtime.deadline_sources.append(recompute_supervision_deadlines)
        accounts = AccountCache(settings.account_cache_seconds)
        executor.subscribe(accounts.handle_event)  # "account.changed" forgets the account in this process
    app.extensions["onewindow"] = Services(settings, runtime, executor, working_calendar, accounts)

    from .blueprints import (
        accountability,
        admin,
        archive,
        auth,
        calendar,
        cameras,
        catalogue,
        commitments,
        complaints,
        definitions,
        evaluations,
        extensions,
        health,
        home,
        inquiries,
        instances,
        migrations,
        orders,
        public,
        ratings,
        scores,
        selections,
        supervision,
        tasks,
    )

    for module in (auth, admin, archive, calendar, definitions, migrations, instances, tasks, extensions,
                   supervision, orders, accountability, complaints, inquiries, ratings, scores, evaluations,
                   selections, commitments, cameras, catalogue, public, health):
        api.register_blueprint(module.blp)
    app.register_blueprint(home.bp)

    from .ui import register_ui

    register_ui(app)
    register_error_handlers(app)
    init_auth(app)

    from .archive_cli import register_archive_cli
    from .cli import register_cli
    from .video_cli import register_video_cli

    register_cli(app)
    register_archive_cli(app)
    register_video_cli(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` limited to the range of a 64-bit database integer."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def _configure_supervision(app: Flask, settings: Settings) -> None:
    """Hand the e-supervision settings to the blueprints (a test's own config wins)."""
    from monitor.queries.score_models import MODEL_WEIGHTS, PART_NAMES
    from monitor.rate_limit import ComplaintRateLimits, InquiryRateLimits

    from .blueprints.accountability import POLICY_CONFIG_KEY
    from .blueprints.complaints import LIMITS_CONFIG_KEY
    from .blueprints.inquiries import LIMITS_CONFIG_KEY as INQUIRY_LIMITS_KEY
    from .score_settings import SETTINGS_KEY

    app.config.setdefault(POLICY_CONFIG_KEY, {"window_days": settings.accountability_window_days,
                                              "max_rung": settings.accountability_max_rung})
    app.config.setdefault(LIMITS_CONFIG_KEY, ComplaintRateLimits(
        per_ip=settings.complaints_per_ip_per_hour, per_query_code=settings.complaints_per_approval_per_day))
    app.config.setdefault(INQUIRY_LIMITS_KEY, InquiryRateLimits(per_ip=settings.inquiries_per_ip_per_hour))
    scores: dict[str, Any] = {"model": settings.score_model}
    unknown = sorted(set(settings.score_weights or {}) - set(PART_NAMES))
    if unknown:
        raise RuntimeError(f"ONEWINDOW_SCORE_WEIGHTS names unknown parts {unknown}; "
                           f"known: {sorted(PART_NAMES)}")
    if settings.score_weights:  # partial overrides keep the model's other weights
        scores["weights"] = {**MODEL_WEIGHTS[settings.score_model], **settings.score_weights}
    if settings.card_deductions:
        scores["card_deductions"] = {"yellow": 5, "red": 10, **settings.card_deductions}
    app.config.setdefault(SETTINGS_KEY, scores)


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    # No pre-ping: it cost a round trip on every request (a fifth of the server's CPU per approval).
    # A connection the server dropped fails once instead: the executor retries the command on a new
    # connection, a read answers 503 with Retry-After, and the pool replaces every older connection.
    return {"pool_size": 10, "max_overflow": 10}
