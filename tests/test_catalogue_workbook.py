"""The catalogue as an Excel workbook: exported, edited as a centre would, imported back; and
workbooks that are wrong or hostile are refused with the cell to fix, storing nothing.
"""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
from flask import Flask

from api.cli import DEMO_CATALOGUE, import_catalogue
from engine.exceptions import InvalidError
from monitor.workbook_reading import XLSX_TYPE
from tests.conftest import Api

DEMO = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))["items"]


def upload(api: Api, body: bytes, mimetype: str = XLSX_TYPE, user: str = "admin") -> object:
    return api.call("POST", "/api/catalogue/import/workbook", user, data=body, content_type=mimetype)


def workbook(api: Api) -> openpyxl.Workbook:
    r = api.get("/api/catalogue/workbook", "designer")
    assert r.status_code == 200 and r.mimetype == XLSX_TYPE
    return openpyxl.load_workbook(io.BytesIO(r.data))


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(r: object) -> dict[str, str]:
    assert r.status_code == 422, r.get_json()
    return {p["field"]: p["message"] for p in r.get_json()["error"]["details"]["problems"]}


def contents(api: Api) -> dict[str, dict]:
    listed = api.get("/api/public/catalogue", query_string={"per_page": 200}).get_json()["items"]
    return {i["code"]: api.get(f"/api/public/catalogue/{i['code']}").get_json()["content"] for i in listed}


def test_the_blank_template_has_both_sheets_with_their_headers(api: Api) -> None:
    book = workbook(api)
    assert book.sheetnames == ["事项", "材料"]
    assert [c.value for c in book["事项"][1]][:4] == ["事项编码", "事项名称", "办理主体（部门代码）", "办件类型（即办件/承诺件）"]
    assert book["事项"].max_row == 1 and book["材料"].max_row == 1
    assert api.get("/api/catalogue/workbook", "window1").status_code == 403


def test_an_exported_catalogue_imports_back_as_the_same_items(api: Api) -> None:
    assert api.post("/api/catalogue/import", "admin", json={"items": DEMO}).status_code == 201
    before = contents(api)
    book = workbook(api)
    assert book["事项"].max_row == 1 + len(DEMO)
    assert book["材料"].max_row == 1 + sum(len(item["materials"]) for item in DEMO)
    r = upload(api, saved(book))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["published"] == [{"code": item["code"], "version": 2} for item in DEMO]
    assert contents(api) == before


def test_a_centre_edits_cells_in_excel_and_the_new_versions_carry_them(api: Api) -> None:
    assert api.post("/api/catalogue/import", "admin", json={"items": DEMO[:1]}).status_code == 201
    book = workbook(api)
    items = book["事项"]
    items.cell(row=2, column=6, value=30)  # 承诺办结时限, typed as a number
    items.append(["330100-NEW-0001", "新增事项", DEMO[0]["department"], "即办件", 5, 0, DEMO[0]["definition_key"],
                  "《条例》", None, "条件", "程序", "结果", "0571-12345", None, "否"])
    book["材料"].append(["330100-NEW-0001", "申请表", "原件", 1, "是", "否"])
    r = upload(api, saved(book))
    assert r.status_code == 201, r.get_json()
    after = contents(api)
    assert after[DEMO[0]["code"]]["promised_days"] == 30
    new = after["330100-NEW-0001"]
    assert (new["kind"], new["legal_days"], new["promised_days"], new["fees"]["charged"]) == ("immediate", 5, 0, False)
    assert new["materials"] == [{"name": "申请表", "form": "original", "copies": 1, "required": True,
                                 "shortfall_allowed": False, "template": None}]


def test_every_wrong_cell_is_named_by_sheet_row_and_column_and_nothing_is_stored(api: Api) -> None:
    assert api.post("/api/catalogue/import", "admin", json={"items": DEMO[:1]}).status_code == 201
    book = workbook(api)
    book["事项"].cell(row=2, column=5, value="一百")  # 法定办结时限
    book["事项"].cell(row=2, column=15, value="收")  # 是否收费
    book["材料"].cell(row=3, column=5, value="否")  # not required ...
    book["材料"].cell(row=3, column=6, value="是")  # ... yet 可容缺
    book["材料"].append(["NOPE-1", "申请表"])
    found = problems(upload(api, saved(book)))
    assert found == {
        "事项 第2行 法定办结时限（工作日）": "法定办结时限须为0至365个工作日",
        "事项 第2行 是否收费（是/否）": "只能填“是”或“否”",
        "材料 第3行 可否容缺（是/否）": "可容缺的只能是必要材料（非必要材料本就可以不交）",
        f"材料 第{book['材料'].max_row}行 事项编码": "事项表中没有编码为“NOPE-1”的事项"}
    assert api.get(f"/api/catalogue/{DEMO[0]['code']}", "designer").get_json()["latest_version"] == 1


def test_a_workbook_of_another_shape_is_refused_with_what_it_must_have(api: Api) -> None:
    book = openpyxl.Workbook()
    book.active.title = "事项"
    book.active.append(["编码", "名称"])
    assert problems(upload(api, saved(book))) == {"材料": "工作簿须有名为“材料”的工作表"}
    book.create_sheet("材料").append(["事项编码", "材料名称"])
    found = problems(upload(api, saved(book)))
    assert set(found) == {"事项", "材料"} and found["事项"].startswith("工作表“事项”的第一行须为表头：事项编码、事项名称")


def test_what_is_not_a_workbook_is_refused_before_it_is_read(api: Api) -> None:
    assert upload(api, b'{"items": []}', "application/json").status_code == 415
    r = upload(api, b"PK\x03\x04 not really a zip")
    assert r.status_code == 400 and "不是 Excel 工作簿" in r.get_json()["error"]["message"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))  # 80 MB of zeros, ~80 kB packed
    r = upload(api, bomb.getvalue())
    assert r.status_code == 400 and "解压后过大" in r.get_json()["error"]["message"]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert upload(api, broken.getvalue()).status_code == 400
    assert upload(api, saved(openpyxl.Workbook()), user="window1").status_code == 403


def test_the_command_line_imports_a_workbook_and_names_the_cell_of_a_problem(app: Flask, api: Api, tmp_path) -> None:
    assert api.post("/api/catalogue/import", "admin", json={"items": DEMO}).status_code == 201
    book = workbook(api)
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(saved(book))
    with app.app_context():
        assert import_catalogue(path) == [(item["code"], 2) for item in DEMO]
    book["事项"].cell(row=3, column=3, value="nope")
    path.write_bytes(saved(book))
    with app.app_context():
        try:
            import_catalogue(path)
        except InvalidError as exc:
            assert [(p.field, p.message) for p in exc.problems] == [
                ("事项 第3行 办理主体（部门代码）", "办理主体须为已有的部门代码")]
        else:
            raise AssertionError("a wrong department was imported")
