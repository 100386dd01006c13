"""Deploying BPMN: versions, idempotence, lint, hostile XML, and the MIWG reference corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bpmn_builder import INVALID_BPMN, definitions, invalid_diagram, parallel_review, process_xml
from tests.conftest import Api

# The MIWG reference diagrams (CC BY 3.0, attribution in the folder's README) travel with the tests.
MIWG = Path(__file__).resolve().parent / "fixtures" / "miwg"


def deploy(api: Api, xml: bytes, user: str = "designer", **kw):
    return api.post("/api/definitions", user, data=xml, content_type="application/xml", **kw)


def test_deploy_versions_and_identical_noop(api: Api) -> None:
    first = deploy(api, parallel_review())
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["key"] == "small_review" and first.get_json()["version"] == 1
    same = deploy(api, parallel_review())
    assert same.status_code == 200 and same.get_json()["id"] == first.get_json()["id"]
    changed = deploy(api, parallel_review(due="workdays(7)"))
    assert changed.status_code == 201 and changed.get_json()["version"] == 2
    detail = api.get("/api/definitions/small_review", "window1").get_json()
    assert detail["version"] == 2 and [v["version"] for v in detail["versions"]] == [2, 1]
    xml = api.get("/api/definitions/small_review/versions/1/xml", "window1")
    assert xml.status_code == 200 and b"workdays(5)" in xml.data and xml.mimetype == "application/xml"
    assert api.get("/api/definitions/small_review/versions/9/xml", "window1").status_code == 404
    keys = {d["key"] for d in api.get("/api/definitions", "window1").get_json()["items"]}
    assert {"small_review", "investment_joint_approval", "one_window_acceptance"} <= keys


def test_multipart_upload(api: Api) -> None:
    from io import BytesIO

    r = api.post("/api/definitions", "designer", data={"file": (BytesIO(parallel_review("multi_up")), "a.bpmn")},
                 content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["key"] == "multi_up"
    r = api.post("/api/definitions", "designer", data={"other": "x"}, content_type="multipart/form-data")
    assert r.status_code == 400


def test_running_instances_stay_on_their_version(api: Api) -> None:
    deploy(api, parallel_review())
    body = {"definition_key": "small_review", "project": {"name": "p", "code": "c", "investment": 1},
            "applicant": {"name": "a", "contact": "b"}}
    old = api.post("/api/instances", "window1", json=body).get_json()
    deploy(api, parallel_review(departments=("sthj", "sw", "jt")))
    new = api.post("/api/instances", "window1", json=body).get_json()
    assert (old["definition_version"], new["definition_version"]) == (1, 2)
    old_tasks = api.get(f"/api/instances/{old['id']}", "jiancha").get_json()["tasks"]
    new_tasks = api.get(f"/api/instances/{new['id']}", "jiancha").get_json()["tasks"]
    assert len(old_tasks) == 2 and len(new_tasks) == 3


def test_several_executable_processes_deploy_under_their_own_keys(api: Api) -> None:
    review = process_xml("first_proc", '<bpmn:startEvent id="s1"/><bpmn:sequenceFlow id="a" sourceRef="s1" '
                         'targetRef="e1"/><bpmn:endEvent id="e1"/>')
    other = process_xml("second_proc", '<bpmn:startEvent id="s2"/><bpmn:sequenceFlow id="b" sourceRef="s2" '
                        'targetRef="e2"/><bpmn:endEvent id="e2"/>')
    hidden = process_xml("not_run", '<bpmn:startEvent id="s3"/>', executable=False)
    r = deploy(api, definitions(review, other, hidden))
    assert r.status_code == 201
    assert sorted(d["key"] for d in r.get_json()["deployed"]) == ["first_proc", "second_proc"]


@pytest.mark.parametrize(("xml", "needle"), [
    (invalid_diagram("no_executable_process"), "没有可执行的流程"),
    (invalid_diagram("not_well_formed"), "XML 格式不正确"),
    (b"", "BPMN 文件为空"),  # stays inline: a fixture file with a comment saying why would no longer be empty
    (invalid_diagram("wrong_root_element"), "bpmn:definitions"),
], ids=["no_executable_process", "not_well_formed", "empty", "wrong_root_element"])
def test_unusable_files_are_refused_with_422(api: Api, xml: bytes, needle: str) -> None:
    r = deploy(api, xml)
    assert r.status_code == 422, r.get_json()
    problems = r.get_json()["error"]["details"]["problems"]
    assert any(needle in p["message"] for p in problems), problems


def test_unknown_department_lanes_are_named(api: Api) -> None:
    xml = parallel_review(departments=("sthj", "mars", "venus"))
    r = deploy(api, xml)
    assert r.status_code == 422
    messages = " ".join(p["message"] for p in r.get_json()["error"]["details"]["problems"])
    assert "'mars'" in messages and "'venus'" in messages and "'sthj'" not in messages


def test_user_task_outside_lanes_is_refused(api: Api) -> None:
    r = deploy(api, invalid_diagram("user_task_outside_lanes"))
    assert r.status_code == 422
    problem = r.get_json()["error"]["details"]["problems"][0]
    assert problem["element"] == "t" and "不在任何泳道中" in problem["message"]


@pytest.mark.parametrize("condition", [
    "__import__('os').system('id')",
    "().__class__.__base__.__subclasses__()",
    "open('/etc/passwd').read()",
])
def test_hostile_expressions_are_refused_at_deploy(api: Api, condition: str) -> None:
    from xml.sax.saxutils import escape

    r = deploy(api, parallel_review(condition=escape(condition)))
    assert r.status_code == 422
    problems = r.get_json()["error"]["details"]["problems"]
    assert any(p.get("element") == "f_ok" for p in problems), problems


def test_workdays_in_a_duration_is_refused(api: Api) -> None:
    xml = invalid_diagram("workdays_in_time_duration")
    assert b"<bpmn:timeDuration>workdays(5)</bpmn:timeDuration>" in xml
    r = deploy(api, xml)
    assert r.status_code == 422 and "timeDate" in r.get_data(as_text=True)


def test_xxe_is_refused_and_leaks_nothing(api: Api) -> None:
    xml = invalid_diagram("xxe_external_entity")
    r = deploy(api, xml)
    assert r.status_code == 422
    assert "root:" not in r.get_data(as_text=True)
    assert xml.startswith(b'<?xml version="1.0"?>')
    utf16 = xml.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    r16 = deploy(api, utf16.encode("utf-16"))
    assert r16.status_code == 422 and "root:" not in r16.get_data(as_text=True)


def test_billion_laughs_is_refused_quickly(api: Api) -> None:
    import time

    xml = invalid_diagram("billion_laughs")
    t0 = time.perf_counter()
    r = deploy(api, xml)
    # Expanded, the entities would make gigabytes; refused unexpanded, milliseconds (bound loose for load).
    assert r.status_code == 422 and time.perf_counter() - t0 < 5.0


def test_size_limit(api: Api) -> None:
    big = parallel_review().replace(b"</bpmn:definitions>", b"<!--" + b"x" * (3 * 1024 * 1024) + b"--></bpmn:definitions>")
    r = deploy(api, big)
    assert r.status_code in (413, 422)
    assert set(r.get_json()["error"]) == {"code", "message", "details"}


def test_only_designers_and_admins_deploy(api: Api) -> None:
    assert deploy(api, parallel_review(), user="window1").status_code == 403
    assert api.post("/api/definitions", data=parallel_review(), content_type="application/xml").status_code == 401
    r = api.post("/api/definitions", "designer", data="x", content_type="text/plain")
    assert r.status_code == 415


def test_invalid_fixtures_are_present_and_each_says_why() -> None:
    files = sorted(INVALID_BPMN.glob("*.bpmn"))
    assert len(files) >= 17, f"invalid diagrams not found in {INVALID_BPMN}"
    for path in files:
        head = path.read_bytes()[:600]
        assert b"<!--" in head and b"Refused" in head, f"{path.name} does not say why it must be refused"


@pytest.mark.parametrize("path", sorted(INVALID_BPMN.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_invalid_fixture_is_refused_with_a_clear_422(api: Api, path: Path) -> None:
    r = deploy(api, path.read_bytes())
    assert r.status_code == 422, (path.name, r.status_code, r.get_data(as_text=True)[:500])
    problems = r.get_json()["error"]["details"]["problems"]
    assert problems and all(p["message"] for p in problems)


def test_miwg_corpus_is_present() -> None:
    # Without it the parametrized test below would silently collect nothing.
    assert len(list(MIWG.glob("*.bpmn"))) >= 20, f"MIWG reference diagrams not found in {MIWG}"


@pytest.mark.parametrize("path", sorted(MIWG.glob("*.bpmn")), ids=lambda p: p.name)
def test_miwg_reference_diagrams_deploy_or_get_a_clear_4xx(api: Api, path: Path) -> None:
    r = deploy(api, path.read_bytes())
    assert r.status_code in (200, 201, 422), (r.status_code, r.get_data(as_text=True)[:500])
    if r.status_code == 422:
        problems = r.get_json()["error"]["details"]["problems"]
        assert problems
        for problem in problems:  # each names where (element or line) and what to write instead
            assert problem.get("element") or problem.get("line"), problem
            assert any(fix in problem["message"] for fix in ("请", "可改为", "例如")), problem
            assert "\r" not in problem["message"] and "\n" not in problem["message"], problem
