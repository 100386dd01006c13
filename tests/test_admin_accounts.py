"""Administrators maintain staff accounts: role, department, disabling, password reset."""

from __future__ import annotations

from tests.conftest import PASSWORD, Api


def _user(api: Api, username: str) -> dict:
    items = api.get("/api/admin/users", "admin").get_json()["items"]
    return next(u for u in items if u["username"] == username)


def test_admin_lists_and_changes_accounts(api: Api) -> None:
    reviewer = _user(api, "fgw_reviewer")
    assert reviewer["role"] == "reviewer" and reviewer["department_code"] == "fgw" and reviewer["active"]
    r = api.call("PATCH", f"/api/admin/users/{reviewer['id']}", "admin",
                 json={"role": "lead", "department_code": "zrzy"})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["role"], r.get_json()["department_code"]) == ("lead", "zrzy")
    assert api.get("/api/admin/users", "window1").status_code == 403


def test_disabling_an_account_stops_its_issued_tokens(api: Api) -> None:
    token = api.login("fgw_reviewer")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/tasks", headers=headers).status_code == 200
    uid = _user(api, "fgw_reviewer")["id"]
    assert api.call("PATCH", f"/api/admin/users/{uid}", "admin", json={"active": False}).status_code == 200
    assert api.get("/api/tasks", headers=headers).status_code == 401
    assert api.post("/api/auth/token", json={"username": "fgw_reviewer", "password": PASSWORD}).status_code == 401
    assert api.call("PATCH", f"/api/admin/users/{uid}", "admin", json={"active": True}).status_code == 200
    assert api.get("/api/tasks", headers=headers).status_code == 200


def test_bad_account_changes_name_the_field(api: Api) -> None:
    uid = _user(api, "fgw_reviewer")["id"]
    admin_id = _user(api, "admin")["id"]
    def problem(user_id: int, body: dict) -> tuple[int, dict]:
        r = api.call("PATCH", f"/api/admin/users/{user_id}", "admin", json=body)
        return r.status_code, r.get_json()["error"]
    status, error = problem(uid, {"department_code": None})
    assert status == 422 and error["details"]["problems"][0]["field"] == "department_code"
    status, error = problem(uid, {"department_code": "nope"})
    assert status == 422 and "nope" in error["details"]["problems"][0]["message"]
    status, error = problem(uid, {"role": "king"})
    assert status == 400 and "role" in error["details"]["fields"]
    status, error = problem(uid, {"colour": "red"})
    assert status == 400 and "colour" in error["details"]["fields"]
    empty = api.call("PATCH", f"/api/admin/users/{uid}", "admin", json={})  # a no-op answers the account
    assert empty.status_code == 200 and empty.get_json() == _user(api, "fgw_reviewer")
    status, error = problem(admin_id, {"active": False})
    assert status == 422 and error["details"]["problems"][0]["field"] == "active"
    assert api.call("PATCH", "/api/admin/users/999999", "admin", json={"active": True}).status_code == 404
    assert _user(api, "fgw_reviewer")["department_code"] == "fgw"  # nothing half-applied


def test_password_reset_replaces_the_old_password(api: Api) -> None:
    uid = _user(api, "sw_reviewer")["id"]
    short = api.post(f"/api/admin/users/{uid}/password", "admin", json={"password": "short"})
    assert short.status_code == 422
    assert api.post(f"/api/admin/users/{uid}/password", "admin",
                    json={"password": "a-new-password-1"}).status_code == 204
    login = {"username": "sw_reviewer"}
    assert api.post("/api/auth/token", json={**login, "password": PASSWORD}).status_code == 401
    assert api.post("/api/auth/token", json={**login, "password": "a-new-password-1"}).status_code == 200


def test_department_rename_keeps_the_code(api: Api) -> None:
    deps = api.get("/api/admin/departments", "admin").get_json()["items"]
    fgw = next(d for d in deps if d["code"] == "fgw")
    r = api.call("PATCH", f"/api/admin/departments/{fgw['id']}", "admin", json={"name": "发改委"})
    assert r.status_code == 200 and r.get_json() == {**fgw, "name": "发改委"}
    r = api.call("PATCH", f"/api/admin/departments/{fgw['id']}", "admin", json={"name": "  "})
    assert r.status_code == 422
    r = api.call("PATCH", f"/api/admin/departments/{fgw['id']}", "admin", json={"code": "x", "name": "y"})
    assert r.status_code == 400


def test_a_token_says_whose_it_is_as_the_account_is_now(api: Api) -> None:
    token = api.login("fgw_reviewer")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/auth/me", headers=headers).get_json() == {
        "username": "fgw_reviewer", "role": "reviewer", "department": "fgw"}
    uid = _user(api, "fgw_reviewer")["id"]
    api.call("PATCH", f"/api/admin/users/{uid}", "admin", json={"role": "lead"})
    assert api.get("/api/auth/me", headers=headers).get_json()["role"] == "lead"
    assert api.get("/api/auth/me").status_code == 401
