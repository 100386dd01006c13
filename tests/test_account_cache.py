"""Accounts are remembered per process for a few seconds.

A change is seen at once where it was made, within the remembered time everywhere else, never later.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from api.account_cache import AccountCache
from api.wiring import db, services
from engine.command_context import Actor
from engine.models import User
from tests.conftest import Api


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_trusted_for_its_seconds_then_read_again() -> None:
    clock = FakeMonotonic()
    cache = AccountCache(2.0, monotonic=clock)
    reads: list[str] = []

    def load(role: str) -> Actor:
        reads.append(role)
        return Actor("a", role, "fgw")

    assert cache.actor("a", lambda: load("reviewer")).role == "reviewer"
    clock.now += 1.9
    assert cache.actor("a", lambda: load("lead")).role == "reviewer"
    clock.now += 0.2
    assert cache.actor("a", lambda: load("lead")).role == "lead"
    assert reads == ["reviewer", "lead"]


def test_forgetting_and_zero_seconds_read_every_time() -> None:
    cache = AccountCache(2.0, monotonic=FakeMonotonic())
    cache.actor("a", lambda: None)
    cache.handle_event("account.changed", {"username": "a"})
    assert cache.actor("a", lambda: Actor("a", "lead", "fgw")) == Actor("a", "lead", "fgw")
    cache.handle_event("calendar.changed", {})  # other events change nothing
    assert cache.actor("a", lambda: None) == Actor("a", "lead", "fgw")
    off = AccountCache(0.0)
    assert off.actor("a", lambda: None) is None
    assert off.actor("a", lambda: Actor("a", "lead", "fgw")) is not None


def test_an_account_disabled_by_another_process_is_refused_once_the_seconds_pass(app: Flask, api: Api) -> None:
    clock = FakeMonotonic()
    with app.app_context():
        services().accounts = AccountCache(2.0, monotonic=clock)
    headers = {"Authorization": f"Bearer {api.login('fgw_reviewer')}"}
    assert api.get("/api/tasks", headers=headers).status_code == 200
    with app.app_context():  # what another server process's commit looks like from here
        db.session.execute(update(User).where(User.username == "fgw_reviewer").values(active=False))
        db.session.commit()
    clock.now += 1.0
    assert api.get("/api/tasks", headers=headers).status_code == 200
    clock.now += 1.5
    assert api.get("/api/tasks", headers=headers).status_code == 401
