"""One guessing counter for every public endpoint that takes a query code or a complaint code.

Tracking, rating, filing a complaint, reading a complaint and giving feedback all answer differently
for a real code and a made-up one, so each is a way to find real codes. Each therefore runs under
the same counter: an address that sent `limit` unknown codes within the window waits (429 with
Retry-After) on all of them, even for a right code, so the limit cannot be probed around. Misses
are counted in the database, so every web process agrees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

from engine.commands import Actor
from engine.commands.guessing import RecordUnknownCodeCommand
from engine.exceptions import InvalidError, NotFoundError
from engine.tracking_guard import GuessingLimits, address_key, seconds_to_wait

from .wiring import request_session, run_in_request, services

__all__ = ["THROTTLE_CONFIG_KEY", "guarded"]

THROTTLE_CONFIG_KEY = "ONEWINDOW_TRACK_THROTTLE"
PUBLIC_VISITOR = Actor(None, "public")  # whoever holds (or guesses) a code: no account

T = TypeVar("T")


def _limits() -> GuessingLimits:
    return current_app.config.get(THROTTLE_CONFIG_KEY) or GuessingLimits()


def _unknown_code(exc: Exception) -> bool:
    """A lookup that found no such code: not found, or a filing refused for its query code."""
    if isinstance(exc, NotFoundError):
        return True
    return isinstance(exc, InvalidError) and any(p.field == "query_code" for p in exc.problems)


def guarded(lookup: Callable[[], T]) -> T:
    """Run a lookup by a public code: wait first if this address guessed too often; count a miss."""
    now = services().runtime.clock.now()
    limits = _limits()
    key = address_key(current_app.config["SECRET_KEY"], request.remote_addr or "unknown")
    wait = seconds_to_wait(request_session(), key, now, limits)
    if wait is not None:
        raise TooManyRequests("查询码错误次数过多，请稍后再试", retry_after=wait)
    try:
        return lookup()
    except (NotFoundError, InvalidError) as exc:
        if _unknown_code(exc):
            run_in_request(RecordUnknownCodeCommand(key, limits.window), PUBLIC_VISITOR)
        raise
