"""Guessing query codes is slowed down per visitor, counted in the database across web processes."""

from __future__ import annotations

from datetime import timedelta

from api.scheduler import purge_tracking_misses
from api.wiring import db
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


def _approval(api) -> str:
    r = api.post("/api/instances", "window1", json={
        "definition_key": "investment_joint_approval", "project": {"name": "p", "code": "c", "investment": 1},
        "applicant": {"name": "a", "contact": "b"}})
    assert r.status_code == 201
    return r.get_json()["query_code"]


def test_every_public_code_endpoint_shares_the_one_counter(api) -> None:
    """Ratings, complaints and complaint codes were side doors: unknown codes now count everywhere."""
    real = _approval(api)
    client = api.client
    attempts = [
        lambda: client.post("/api/public/ratings/ZZZZZZZZZZZZ", json={"grade": 5}),
        lambda: client.post("/api/public/complaints", json={"query_code": "ZZZZZZZZZZZY", "text": "拖延"}),
        lambda: client.get("/api/public/complaints/ZZZZZZZZZZZX"),
        lambda: client.post("/api/public/complaints/ZZZZZZZZZZZW/feedback", json={"satisfied": True}),
        lambda: client.get("/api/public/track/ZZZZZZZZZZZV"),
    ]
    assert [a().status_code for a in attempts] == [404, 422, 404, 404, 404]
    # The sixth guess, by any of the doors, waits; so does a right code (the limit cannot be probed around).
    for door in (attempts[0], attempts[1], lambda: client.get(f"/api/public/track/{real}"),
                 lambda: client.post("/api/public/complaints", json={"query_code": real, "text": "拖延"})):
        r = door()
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, r.get_json()
        assert r.get_json()["error"]["message"] == "查询码错误次数过多，请稍后再试"
