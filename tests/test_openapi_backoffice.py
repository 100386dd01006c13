"""The back-office operations (tasks, definitions, calendar, administration) answer as /api/openapi.json says.

Each answer below is checked against the schema documented for its operation, status and media type
(additionalProperties false, so a key the document does not mention fails here first); the worklist's
status filter takes the comma form the README gives as well as the repeated form.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest

from tests.conftest import Api
from tests.test_calendar_api import URL as CALENDAR
from tests.test_calendar_api import year_2027_json
from tests.test_designer_drafts import SHIPPED
from tests.test_joint_approval_api import complete, start, worklist

XML = {"Content-Type": "application/xml"}


class Documented:
    """Calls the API and fails when an answer differs from what the document says of it."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.spec = api.get("/api/openapi.json").get_json()

    def call(self, method: str, path: str, user: str | None, status: int = 200, **kwargs: Any) -> Any:
        """Request `path` and check status, media type and body; return the JSON (or the bytes)."""
        response = self.api.call(method, path, user, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        operation = self._operation(method, path)
        content = operation["responses"][str(status)].get("content", {})
        if status == 204:
            assert not content and not response.data
            return None
        assert response.mimetype in content, f"{method} {path} {status}: {response.mimetype} is not documented"
        schema = content[response.mimetype]["schema"]
        if response.mimetype != "application/json":
            assert schema == {"type": "string"} or schema.get("format") == "binary"
            return response.get_data()
        body = response.get_json()
        validator = jsonschema_rs.Draft202012Validator({**schema, "components": self.spec["components"]})
        problems = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not problems, f"{method} {path} {status} does not match its document:\n" + "\n".join(problems)
        return body

    def _operation(self, method: str, path: str) -> dict[str, Any]:
        """The documented operation whose path template matches `path` (query string ignored)."""
        path = path.split("?")[0]
        for template, item in self.spec["paths"].items():
            if re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)), path) and method.lower() in item:
                return item[method.lower()]
        raise AssertionError(f"{method} {path} is not documented")


@pytest.fixture
def doc(api: Api) -> Documented:
    return Documented(api)


def test_the_status_filter_takes_the_comma_and_the_repeated_form(api: Api, doc: Documented) -> None:
    start(api)
    start(api)
    done = worklist(api, "sthj_reviewer")[0]
    complete(api, "sthj_reviewer", done["id"])

    def ids(query: str) -> list[str]:
        return [t["id"] for t in doc.call("GET", f"/api/tasks?{query}", "sthj_reviewer")["items"]]

    open_ids = ids("")
    assert len(open_ids) == 1 and done["id"] not in open_ids
    everything = ids("status=ready,claimed,completed")
    assert set(everything) == {*open_ids, done["id"]}
    assert ids("status=ready&status=claimed&status=completed") == everything
    assert ids("status=completed,ready&status=completed") == everything
    assert ids("status=completed") == [done["id"]]
    for bad in ("status=ready,bogus", "status=ready,", "status=", "status=ready%0A"):
        assert api.get(f"/api/tasks?{bad}", "sthj_reviewer").status_code == 400, bad


def test_definitions_and_drafts_answer_as_documented(doc: Documented) -> None:
    changed = SHIPPED.replace(b"workdays(20)", b"workdays(22)")  # the shipped file itself is deployed
    created = doc.call("POST", "/api/definitions", "designer", 201, data=changed, headers=XML)
    assert created["created"] is True and created["deployed"][0]["key"] == created["key"]
    again = doc.call("POST", "/api/definitions", "designer", 200, data=changed, headers=XML)
    assert again["created"] is False and again["version"] == created["version"]
    xml = doc.call("GET", f"/api/definitions/{created['key']}/versions/{created['version']}/xml", "designer")
    assert xml == changed

    saved = doc.call("PUT", "/api/definitions/flow/draft", "designer", data=SHIPPED, headers=XML)
    assert saved["revision"] == 1
    assert doc.call("GET", "/api/definitions/flow/draft", "designer") == SHIPPED
    doc.call("PUT", "/api/definitions/flow/draft", "designer", data=SHIPPED, headers={**XML, "If-Match": 'W/"1"'})
    for bad in ("two", "²", '"1', "1234567890"):
        refused = doc.api.call("PUT", "/api/definitions/flow/draft", "designer", data=SHIPPED,
                               headers={**XML, "If-Match": bad})
        assert refused.status_code in (400, 409), bad  # never a 500 for a header that is not a number
    doc.call("DELETE", "/api/definitions/flow/draft", "designer", 204)


def test_calendar_uploads_answer_as_documented(doc: Documented) -> None:
    first = doc.call("PUT", f"{CALENDAR}/2027", "admin", 201, json=year_2027_json())
    assert first["recomputed"]["dry_run"] is False and len(first["days"]) == 365
    dry = doc.call("PUT", f"{CALENDAR}/2027?dry_run=true", "admin", 200, json=year_2027_json())
    assert dry["days"] == [] and dry["recomputed"]["dry_run"] is True
    day = doc.call("PATCH", f"{CALENDAR}/2027/days/2027-01-04", "admin", json={"is_workday": False})
    assert day["is_workday"] is False and day["recomputed"]["count"] == 0


def test_an_empty_account_change_answers_the_account_unchanged(doc: Documented) -> None:
    users = doc.call("GET", "/api/admin/users", "admin")["items"]
    reviewer = next(u for u in users if u["username"] == "fgw_reviewer")
    assert doc.call("PATCH", f"/api/admin/users/{reviewer['id']}", "admin", json={}) == reviewer
    department = doc.call("POST", "/api/admin/departments", "admin", 201, json={"code": "wj", "name": "卫健委"})
    assert department["code"] == "wj"
    doc.call("GET", "/api/admin/incidents", "admin")
