"""Refusals of a request's shape speak Chinese and name the fields by their labels."""

from __future__ import annotations

import re

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from api.messages import field_label, localize_field_errors, schema_summary, translate_schema_text
from tests.conftest import Api

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


class _Probe(Schema):
    """Fields with every stock check our schemas use, to read marshmallow's real texts."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=5))
    exact = fields.String(validate=validate.Length(equal=3))
    short = fields.String(validate=validate.Length(max=2))
    long = fields.String(validate=validate.Length(min=4))
    grade = fields.Integer(validate=validate.Range(min=1, max=5))
    positive = fields.Float(validate=validate.Range(min=0, min_inclusive=False))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))
    flag = fields.Boolean()
    day = fields.Date()
    at = fields.DateTime()
    items = fields.List(fields.String(validate=validate.Length(max=1)))
    nested = fields.Dict()
    pattern = fields.String(validate=validate.Regexp(r"^\d+$"))
    not_null = fields.String(allow_none=False)


BAD = {"exact": "ab", "short": "abc", "long": "ab", "grade": 9, "positive": 0, "kind": "c", "flag": "maybe",
       "day": "someday", "at": "later", "items": ["xy"], "nested": 3, "pattern": "x1", "not_null": None,
       "extra": 1}


def test_every_stock_text_our_schemas_can_produce_reads_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        _Probe().load(BAD)
    texts = {f"{key}": value for key, value in localize_field_errors(caught.value.messages).items()}
    flat = [t for value in texts.values() for t in (value if isinstance(value, list) else
                                                   [x for v in value.values() for x in v])]
    assert len(flat) == len(BAD) + 1  # name missing, extra unknown, the others wrong: one text each
    for text in flat:
        assert not LATIN_WORD.search(text.replace("NaN", "").replace("JSON", "").replace("true", "")
                                     .replace("false", "").replace("UTF", "")), text
    assert texts["name"] == ["此项为必填项。"] and texts["grade"] == ["须在 1 至 5 之间。"]
    assert texts["kind"] == ["须为以下之一：a, b。"] and texts["extra"] == ["不接受此字段。"]


def test_our_own_chinese_texts_pass_unchanged_and_unknown_english_stays_visible() -> None:
    assert translate_schema_text("须为非空文字") == "须为非空文字"
    assert translate_schema_text("something new") == "something new"  # never swallowed


def test_labels_by_path_then_by_name() -> None:
    assert field_label("project.name") == "项目名称"
    assert field_label("applicant.name") == "申请单位（人）"
    assert field_label("missing_documents.0") == "需补正的材料"
    assert field_label("shortfall.deadline_working_days") == "容缺补交期限（工作日）"
    assert field_label("no_such_field") == "no_such_field"
    summary = schema_summary({"project": {"name": ["此项为必填项。"]}, "grade": ["须在 1 至 5 之间。"]})
    assert summary == "请求内容有误：项目名称：此项为必填项；评价等级：须在 1 至 5 之间。"


def test_a_bad_body_is_refused_in_chinese_naming_its_fields(api: Api) -> None:
    r = api.post("/api/instances", "window1", json={"definition_key": "investment_joint_approval",
                                                    "project": {"name": "", "investment": "many"},
                                                    "applicant": {"name": "某公司"}})
    assert r.status_code in (400, 422)
    error = r.get_json()["error"]
    assert error["details"]["fields"]["project"]["investment"] == ["请输入数字。"]
    assert error["details"]["fields"]["applicant"]["contact"] == ["此项为必填项。"]
    assert "项目代码：此项为必填项" in error["message"] and "总投资：请输入数字" in error["message"]
    assert error["message"].startswith("请求内容有误：")


def test_werkzeug_refusals_are_in_chinese(api: Api) -> None:
    missing = api.get("/api/no-such-thing", "window1")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "未找到所请求的地址或记录。"
    wrong_method = api.call("DELETE", "/api/instances", "window1")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["message"] == "该地址不支持这种请求方式。"
