"""The key of the hash chains, kept outside the database, and which database it belongs to.

Why a key: a plain SHA-256 chain only shows edits made by someone who cannot recompute it, and the
function is in this repository, so anyone who can write the database can edit a row and recompute
the rest of its chain. With HMAC-SHA256 under a key the database never holds (an environment
variable, or in development a file in the instance folder) rows and hashes alone are not enough.

Why a registry: the engine appends audit events through whatever session a command has, and the
supervision blueprint verifies through the request session. Neither has the settings at hand, so
the settings register the key (and the anchor log's path) for their database URL once at start, and
the chain code looks it up from the session's bind. One process normally serves one database; tests
build many apps, each on its own database, which is why this is a map and not one global.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from .key_files import key_from_file

__all__ = ["KEY_FILE", "MIN_CHAIN_KEY_LENGTH", "ChainConfig", "ChainKey", "ChainKeyError", "chain_config",
           "chain_key_for", "configure_chains", "key_for_migration", "resolve_chain_key"]

MIN_CHAIN_KEY_LENGTH = 32
KEY_FILE = "chain_key"
REPO_INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class ChainKeyError(RuntimeError):
    """No key is configured for a database whose chains are written or checked."""


@dataclass(frozen=True)
class ChainKey:
    """The secret plus one derived key per purpose, so an event hash can never pass as an anchor MAC."""

    secret: bytes = field(repr=False)
    _derived: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def _subkey(self, purpose: str) -> bytes:
        derived = self._derived.get(purpose)
        if derived is None:
            label = b"onewindow chain key/" + purpose.encode()
            derived = hmac.new(self.secret, label, hashlib.sha256).digest()
            self._derived[purpose] = derived
        return derived

    def mac(self, purpose: str, message: bytes) -> str:
        """HMAC-SHA256 of a message under the purpose's key, as 64 hex digits (the column width)."""
        return hmac.new(self._subkey(purpose), message, hashlib.sha256).hexdigest()

    @property
    def key_id(self) -> str:
        """A public name of the key (16 hex digits): tells "another key" apart from "forged"."""
        return self._subkey("key id").hex()[:16]


@dataclass(frozen=True)
class ChainConfig:
    """What the chain code needs about one database: its key and where its anchors are logged."""

    key: ChainKey
    anchor_path: Path | None = None
    anchor_seconds: float = 300.0


_configs: dict[tuple[Any, ...], ChainConfig] = {}
_lock = threading.Lock()


def resolve_chain_key(env_vars: Mapping[str, str], env: str, instance_path: Path) -> str:
    """Production must be given ONEWINDOW_CHAIN_KEY; development keeps a generated key per instance folder.

    The key must differ from the JWT secret: a leaked token-signing key must not also let its holder
    rewrite the audit history.
    """
    key = env_vars.get("ONEWINDOW_CHAIN_KEY")
    if key:
        if len(key) < MIN_CHAIN_KEY_LENGTH:
            raise RuntimeError(f"ONEWINDOW_CHAIN_KEY must have at least {MIN_CHAIN_KEY_LENGTH} characters")
        if key == env_vars.get("ONEWINDOW_SECRET_KEY"):
            raise RuntimeError("ONEWINDOW_CHAIN_KEY must differ from ONEWINDOW_SECRET_KEY")
        return key
    if env == "production":
        raise RuntimeError("ONEWINDOW_CHAIN_KEY is not set; refusing to start in production without it "
                           "(the audit and accountability chains are keyed with it)")
    return key_from_file(instance_path / KEY_FILE)


def _identity(url: URL | str, instance_path: Path | None = None) -> tuple[Any, ...]:
    """Name a database independently of driver, password and options (the app and alembic differ there)."""
    url = make_url(url) if isinstance(url, str) else url
    backend = url.get_backend_name()
    database = url.database or ""
    if backend == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        if not path.is_absolute():  # Flask-SQLAlchemy puts relative SQLite files in the instance folder
            path = (instance_path or Path.cwd()) / path
        database = str(path.resolve())
    return backend, url.host, url.port, url.username, database


def configure_chains(database_url: str, key: str, *, anchor_path: Path | None = None,
                     anchor_seconds: float = 300.0, instance_path: Path | None = None) -> ChainConfig:
    """Register the key and anchor log of a database (called by the settings at start)."""
    config = ChainConfig(ChainKey(key.encode()), anchor_path, anchor_seconds)
    with _lock:
        _configs[_identity(database_url, instance_path)] = config
    return config


def _lookup(url: URL) -> ChainConfig | None:
    with _lock:
        found = _configs.get(_identity(url))
        if found is None and len(_configs) == 1:  # one deployment per process: its key, however named
            found = next(iter(_configs.values()))
    return found


def chain_config(session_or_bind: Any) -> ChainConfig:
    """The configuration of the database a session (or engine, or connection) talks to."""
    bind = session_or_bind.get_bind() if hasattr(session_or_bind, "get_bind") else session_or_bind
    url = bind.engine.url
    found = _lookup(url)
    if found is None:
        raise ChainKeyError(f"no chain key is configured for {url.render_as_string(hide_password=True)}; "
                            "the app's settings register it (ONEWINDOW_CHAIN_KEY)")
    return found


def chain_key_for(session_or_bind: Any) -> ChainKey:
    """The key the chains of this session's database are written and checked with."""
    return chain_config(session_or_bind).key


def key_for_migration(bind: Any) -> ChainKey:
    """The key for a migration: the app's if this process has one, else the same environment rules.

    `ow setup` and `ow migrate` run inside the app, whose settings registered the key; a bare
    `alembic upgrade` reads ONEWINDOW_CHAIN_KEY, or in development the instance folder's key file,
    exactly as the app would.
    """
    found = _lookup(bind.engine.url)
    if found is not None:
        return found.key
    environ = os.environ
    instance = Path(environ.get("ONEWINDOW_INSTANCE_PATH", str(REPO_INSTANCE))).resolve()
    key = resolve_chain_key(environ, environ.get("ONEWINDOW_ENV", "development"), instance)
    return ChainKey(key.encode())
