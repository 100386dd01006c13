"""Hostile JSON bodies get a 400 that names the problem, on public and staff endpoints alike."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.json_body import MAX_DEPTH, JsonBodyError, load_json_text, nesting_depth
from tests.conftest import Api

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("url", ["/api/auth/token", "/api/public/complaints"])
def test_deep_bodies_without_logging_in_are_400(api: Api, url: str) -> None:
    r = api.post(url, data=DEEP, content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert "嵌套" in r.get_json()["error"]["message"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "9" * 5000])
def test_numbers_json_cannot_carry_are_400_and_nothing_is_stored(api: Api, literal: str) -> None:
    body = ('{"definition_key": "investment_joint_approval", "project": {"name": "p", "code": "c", '
            '"investment": 1}, "applicant": {"name": "a", "contact": "b"}, "data": {"x": ' + literal + "}}")
    before = api.get("/api/tasks", "sthj_reviewer").get_json()["total"]
    r = api.post("/api/instances", "window1", data=body, content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert "数值" in r.get_json()["error"]["message"] or "整数" in r.get_json()["error"]["message"]
    assert api.get("/api/tasks", "sthj_reviewer").get_json()["total"] == before


def test_deep_instance_data_is_400(api: Api) -> None:
    nested: object = 1
    for _ in range(5000):
        nested = {"a": nested}
    body = json.dumps({"definition_key": "investment_joint_approval",
                       "project": {"name": "p", "code": "c", "investment": 1},
                       "applicant": {"name": "a", "contact": "b"}, "data": {"x": 1}})
    body = body.replace('"x": 1', '"x": ' + "[" * 5000 + "]" * 5000)
    r = api.post("/api/instances", "window1", data=body, content_type="application/json")
    assert r.status_code == 400 and "嵌套" in r.get_json()["error"]["message"]


def test_calendar_upload_read_by_get_json_keeps_the_limits(api: Api) -> None:
    r = api.call("PUT", "/api/admin/calendar/2027", "admin", data='{"days": ' + DEEP + "}",
                 content_type="application/json")
    assert r.status_code == 400


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**18, 10**18) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30)


def _depth(value: object) -> int:
    """The nesting depth counted on the value itself, independently of the text scan."""
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(JSON_VALUES)
def test_the_text_scan_counts_depth_as_the_value_has_it(value: object) -> None:
    text = json.dumps(value)
    assert nesting_depth(text) == _depth(value)
    if _depth(value) <= MAX_DEPTH:
        assert load_json_text(text) == value
    else:
        with pytest.raises(JsonBodyError):
            load_json_text(text)
