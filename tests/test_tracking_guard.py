"""Guessing query codes is slowed down per visitor, counted in the database across web processes."""

from __future__ import annotations

from datetime import timedelta

from api.extensions import db
from api.scheduler import purge_tracking_misses
from engine.models import TrackingMiss
from tests.conftest import another_app


def test_wrong_codes_are_counted_across_web_processes_and_purged(app, database_url: str, tmp_path, clock) -> None:
    with another_app(database_url, tmp_path / "second", clock) as second:  # another worker, same database
        first_client, second_client = app.test_client(), second.test_client()
        for client in (first_client, second_client, first_client, second_client, first_client):
            assert client.get("/api/public/track/ZZZZZZZZZZZZ").status_code == 404
        assert second_client.get("/api/public/track/ZZZZZZZZZZZZ").status_code == 429
    with app.app_context():
        keys = db.session.scalars(db.select(TrackingMiss.address_key)).all()
        assert len(keys) == 5 and "127.0.0.1" not in keys[0]  # a keyed hash, not the address
    clock.advance(timedelta(days=2))
    assert purge_tracking_misses(app) == 5


def test_behind_a_proxy_guessing_is_counted_per_visitor(database_url: str, tmp_path, clock) -> None:
    with another_app(database_url, tmp_path / "p", clock, ONEWINDOW_PROXY_HOPS="1") as proxied:
        client = proxied.test_client()
        def ask(visitor: str) -> int:
            return client.get("/api/public/track/ZZZZZZZZZZZZ",
                              headers={"X-Forwarded-For": visitor}).status_code
        assert [ask("203.0.113.7") for _ in range(6)] == [404] * 5 + [429]
        assert ask("198.51.100.2") == 404  # another visitor behind the same proxy is not blocked
