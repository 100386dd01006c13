"""Designers save drafts between edits; a stale page cannot overwrite a colleague's newer save."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Api

SHIPPED = (Path(__file__).resolve().parent.parent / "bpmn" / "investment_joint_approval.bpmn").read_bytes()
XML = {"Content-Type": "application/xml"}


def _put(api: Api, key: str, body: bytes, user: str = "designer", **headers: str):
    return api.call("PUT", f"/api/definitions/{key}/draft", user, data=body, headers={**XML, **headers})


def test_save_reload_and_discard_a_draft(api: Api) -> None:
    assert api.get("/api/definitions/new_flow/draft", "designer").status_code == 404
    first = _put(api, "new_flow", SHIPPED)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["revision"] == 1 and first.headers["ETag"] == '"1"'
    loaded = api.get("/api/definitions/new_flow/draft", "designer")
    assert loaded.data == SHIPPED and loaded.headers["ETag"] == '"1"'
    assert loaded.headers["X-Draft-Saved-By"] == "designer"
    second = _put(api, "new_flow", SHIPPED.replace(b"workdays(20)", b"workdays(25)"), "admin", **{"If-Match": '"1"'})
    assert second.status_code == 200 and second.get_json()["revision"] == 2
    listed = api.get("/api/definitions/drafts", "designer").get_json()["items"]
    assert [(d["key"], d["revision"], d["saved_by"]) for d in listed] == [("new_flow", 2, "admin")]
    assert api.call("DELETE", "/api/definitions/new_flow/draft", "designer").status_code == 204
    assert api.get("/api/definitions/new_flow/draft", "designer").status_code == 404
    assert api.call("DELETE", "/api/definitions/new_flow/draft", "designer").status_code == 404
    # A draft is not a deployment.
    assert api.get("/api/definitions/new_flow", "designer").status_code == 404


def test_a_stale_revision_is_refused_and_nothing_is_lost(api: Api) -> None:
    _put(api, "flow", SHIPPED)
    _put(api, "flow", SHIPPED.replace(b"workdays(20)", b"workdays(21)"), **{"If-Match": "1"})
    stale = _put(api, "flow", SHIPPED.replace(b"workdays(20)", b"workdays(30)"), **{"If-Match": "1"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["details"]["revision"] == 2
    assert b"workdays(21)" in api.get("/api/definitions/flow/draft", "designer").data
    assert _put(api, "flow", SHIPPED, **{"If-Match": "two"}).status_code == 400


def test_drafts_refuse_bad_input_and_other_roles(api: Api) -> None:
    bad = _put(api, "flow", b"<not-closed")
    assert bad.status_code == 422 and bad.get_json()["error"]["details"]["problems"]
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert _put(api, "flow", hostile).status_code == 422
    key = _put(api, "1bad key", SHIPPED)
    assert key.status_code in (404, 422)
    assert _put(api, "bad$key", SHIPPED).status_code == 422
    assert _put(api, "flow", SHIPPED, "window1").status_code == 403
    assert api.get("/api/definitions/drafts", "fgw_reviewer").status_code == 403
    assert api.get("/api/definitions/drafts").status_code == 401
    assert api.get("/api/definitions/drafts", "designer").get_json()["items"] == []
