"""Who a token's username is, remembered per process for a few seconds.

Every API request needs the caller's role and department and must refuse a disabled account. Reading
the account row on each request was the single most frequent statement of the whole server; a short
per-process memory removes it while keeping revocation prompt: the process that disables or changes
an account forgets it at once (the `account.changed` event after the commit), the other processes
within `ttl_seconds`. Zero seconds turns the memory off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from engine.command_context import Actor
from engine.commands.org import ACCOUNT_CHANGED

__all__ = ["AccountCache"]


class AccountCache:
    """Map username -> Actor (None for unknown or disabled), each entry trusted for `ttl_seconds`."""

    def __init__(self, ttl_seconds: float, max_entries: int = 10_000,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, Actor | None]] = {}
        self._lock = threading.Lock()

    def actor(self, username: str, load: Callable[[], Actor | None]) -> Actor | None:
        """Return the remembered account, or `load` it from the database and remember it."""
        now = self._monotonic()
        if self.ttl_seconds > 0:
            with self._lock:
                entry = self._entries.get(username)
            if entry is not None and now - entry[0] < self.ttl_seconds:
                return entry[1]
        actor = load()
        if self.ttl_seconds > 0:
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()  # staff accounts number hundreds; this only bounds abuse
                self._entries[username] = (now, actor)
        return actor

    def forget(self, username: str | None = None) -> None:
        """Drop one account (or all): its next request reads the database again."""
        with self._lock:
            if username is None:
                self._entries.clear()
            else:
                self._entries.pop(username, None)

    def handle_event(self, name: str, payload: dict[str, Any]) -> None:
        """Executor subscriber: an account changed in this process is re-read on its next request."""
        if name == ACCOUNT_CHANGED:
            self.forget(payload.get("username"))
