"""Authentication: real password login, pinned JWT algorithm, expiry, and role checks."""

from __future__ import annotations

import warnings
from datetime import timedelta

import jwt
from flask import Flask
from sqlalchemy import select

from api.wiring import db
from engine.models import User
from engine.workdays import FixedClock
from tests.conftest import ADMIN_PASSWORD, SECRET, Api


def test_login_and_wrong_password(api: Api) -> None:
    ok = api.post("/api/auth/token", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    r = api.get("/api/admin/departments", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert r.status_code == 200 and any(d["code"] == "fgw" for d in r.get_json()["items"])
    bad = api.post("/api/auth/token", json={"username": "admin", "password": "wrong"})
    unknown = api.post("/api/auth/token", json={"username": "nobody", "password": "wrong"})
    assert bad.status_code == unknown.status_code == 401
    assert bad.get_json() == unknown.get_json()
    assert api.post("/api/auth/token", json={"username": "admin"}).status_code == 400


def test_passwords_are_hashed(app: Flask) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "admin"))
        assert user.password_hash.startswith("$argon2") and ADMIN_PASSWORD not in user.password_hash


def _token(claims: dict, key: str = SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


def test_forged_and_expired_tokens_are_401(api: Api, clock: FixedClock) -> None:
    now = clock.now()
    good = {"sub": "admin", "iss": "onewindow", "iat": now, "exp": now + timedelta(hours=1)}
    def status(token: str) -> int:
        return api.get("/api/admin/departments", headers={"Authorization": f"Bearer {token}"}).status_code
    assert status(_token(good)) == 200
    none_alg = jwt.encode(good, None, algorithm="none") if "none" in jwt.algorithms.get_default_algorithms() \
        else jwt.api_jws.PyJWS().encode(b"{}", None, algorithm="none")
    assert status(none_alg) == 401
    assert status(_token(good, key="another-key-that-is-long-enough-000000000")) == 401
    with warnings.catch_warnings():  # the short key is the point: HS512 must be refused, not used
        warnings.simplefilter("ignore")
        assert status(_token(good, alg="HS512")) == 401
    assert status(_token({**good, "exp": now - timedelta(seconds=1)})) == 401
    assert status(_token({**good, "iss": "someone-else"})) == 401
    assert status(_token({k: v for k, v in good.items() if k != "exp"})) == 401
    assert status(_token({**good, "sub": "ghost"})) == 401
    assert status("not.a.token") == 401
    r = api.get("/api/admin/departments")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_admin_creates_departments_and_users(api: Api) -> None:
    r = api.post("/api/admin/departments", "admin", json={"code": "wj", "name": "卫生健康委员会"})
    assert r.status_code == 201 and r.get_json()["code"] == "wj"
    assert api.post("/api/admin/departments", "admin", json={"code": "wj", "name": "x"}).status_code == 409
    assert api.post("/api/admin/departments", "admin", json={"code": "Bad Code", "name": "x"}).status_code == 422
    assert api.post("/api/admin/departments", "designer", json={"code": "yy", "name": "x"}).status_code == 403
    ok = api.post("/api/admin/users", "admin", json={"username": "wj1", "password": "long-password",
                                                      "role": "reviewer", "department_code": "wj"})
    assert ok.status_code == 201 and ok.get_json()["department_code"] == "wj"
    assert "password" not in ok.get_json()
    no_dept = api.post("/api/admin/users", "admin", json={"username": "wj2", "password": "long-password",
                                                           "role": "lead"})
    assert no_dept.status_code == 422
    assert no_dept.get_json()["error"]["details"]["problems"][0]["field"] == "department_code"
    assert api.post("/api/admin/users", "admin", json={"username": "wj3", "password": "long-password",
                                                        "role": "king"}).status_code == 400
    unknown = api.post("/api/admin/users", "admin", json={"username": "wj4", "password": "long-password",
                                                          "role": "reviewer", "department_code": "nope"})
    assert unknown.status_code == 404
    supervisor = api.post("/api/admin/users", "admin", json={"username": "sup2", "password": "long-password",
                                                             "role": "supervisor"})
    assert supervisor.status_code == 201
    login = api.post("/api/auth/token", json={"username": "wj1", "password": "long-password"})
    assert login.status_code == 200


def test_openapi_and_docs_are_served(api: Api) -> None:
    spec = api.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.get_json()["paths"]
    for path in ("/api/auth/token", "/api/definitions", "/api/instances", "/api/tasks",
                 "/api/tasks/{task_id}/complete", "/api/public/track/{query_code}"):
        assert path in paths, path
    docs = api.get("/api/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.data



def test_no_token_is_401_before_the_body_is_read(api: Api) -> None:
    for method, url in (("POST", "/api/instances"), ("POST", "/api/admin/users"),
                        ("POST", "/api/supervision/orders"), ("GET", "/api/tasks?status=bogus")):
        r = api.call(method, url, json={"not": "valid"})
        assert r.status_code == 401, (url, r.get_json())
    assert api.get("/api/public/track/ABCDEFGHJKMN").status_code == 404  # public paths stay open
    assert api.get("/api/health").status_code == 200


def test_supervision_settings_come_from_the_environment(database_url: str, tmp_path) -> None:
    import pytest

    from api import create_app
    from tests.conftest import SECRET

    environ = {"ONEWINDOW_DATABASE_URL": database_url, "ONEWINDOW_INSTANCE_PATH": str(tmp_path / "i"),
               "ONEWINDOW_SECRET_KEY": SECRET, "ONEWINDOW_ACCOUNTABILITY_MAX_RUNG": "3",
               "ONEWINDOW_COMPLAINTS_PER_IP_PER_HOUR": "1", "ONEWINDOW_SCORE_WEIGHTS": '{"deadlines": 20}'}
    app = create_app({"TESTING": True, "ONEWINDOW_ENVIRON": environ})
    assert app.config["ONEWINDOW_ESCALATION_POLICY"]["max_rung"] == 3
    assert app.config["ONEWINDOW_COMPLAINT_LIMITS"].per_ip == 1
    scores = app.config["ONEWINDOW_SCORE_SETTINGS"]
    # A partial override keeps the founding model's other weights (satisfaction 15 of 100).
    assert scores["model"] == "founding" and scores["weights"]["deadlines"] == 20
    assert scores["weights"]["satisfaction"] == 15 and scores["weights"]["video"] == 10
    nine = create_app({"TESTING": True, "ONEWINDOW_ENVIRON": {**environ, "ONEWINDOW_SCORE_MODEL": "nine_part"}})
    assert nine.config["ONEWINDOW_SCORE_SETTINGS"]["model"] == "nine_part"
    assert nine.config["ONEWINDOW_SCORE_SETTINGS"]["weights"]["satisfaction"] == 10
    for one in (app, nine):
        with one.app_context():
            from api.wiring import db

            db.engine.dispose()
    for name, value in (("ONEWINDOW_SCORE_WEIGHTS", "[1, 2]"), ("ONEWINDOW_SCORE_WEIGHTS", '{"speed": 5}'),
                        ("ONEWINDOW_SCORE_MODEL", "nine")):
        with pytest.raises(RuntimeError, match=name):
            create_app({"ONEWINDOW_ENVIRON": {**environ, name: value}})


def test_ids_beyond_a_database_integer_are_404_not_500(api: Api) -> None:
    huge = "13683320059442030153871082389504"
    for method, url in (("GET", f"/api/supervision/orders/{huge}"), ("GET", f"/api/instances/{huge}"),
                        ("POST", f"/api/instances/{huge}/shortfall/supplied"),
                        ("GET", f"/api/supervision/alerts/{huge}")):
        r = api.call(method, url, "jiancha" if "supervision" in url else "admin")
        assert r.status_code == 404, (url, r.status_code)


def test_ids_in_bodies_beyond_a_database_integer_are_400(api: Api) -> None:
    huge = 198423070353987829760
    r = api.post("/api/supervision/cards", "jiancha", json={"department": "sthj", "color": "red", "reason": "x",
                                                             "alert_id": huge})
    assert r.status_code == 400 and "alert_id" in r.get_json()["error"]["details"]["fields"]
    r = api.post("/api/supervision/orders", "jiancha", json={"kind": "order", "department": "sthj", "content": "x",
                                                              "reply_working_days": 2, "alert_id": -huge})
    assert r.status_code == 400
