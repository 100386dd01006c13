"""The service catalogue in the browser: the public guide with its nine disclosures, printable on A4;
the window registering under an item with the item's own checklist; a new version leaving a running
application on the version it was registered under.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import requests

from tests.browser.conftest import api_token, login, shot

pytestmark = pytest.mark.browser

MUNICIPAL = "330100-TZ-0002"
DISCLOSURES = ("g-subject", "g-basis", "g-conditions", "g-procedure", "g-limit", "g-result", "g-fee-basis",
               "g-fee-standard", "g-supervision")


def test_the_public_finds_an_item_and_reads_its_guide_with_all_nine_disclosures(phone, desktop,
                                                                                live_url: str) -> None:
    phone.goto(f"{live_url}/")
    phone.click("#catalogue-link")
    phone.wait_for_selector("#catalogue-items li")
    assert phone.locator("#catalogue-items li").count() >= 2
    phone.fill("#catalogue-search input[name=q]", "市政")
    phone.click("#catalogue-search button[type=submit]")
    phone.wait_for_selector(f"#catalogue-items li[data-code='{MUNICIPAL}']")
    assert phone.locator("#catalogue-items li").count() == 1
    shot(phone, "catalogue-search-phone")
    phone.click(f"#catalogue-items li[data-code='{MUNICIPAL}'] a")
    phone.wait_for_selector("#guide")
    texts = {key: phone.inner_text(f"#{key}").strip() for key in DISCLOSURES}
    assert all(texts.values()), texts
    assert texts["g-subject"] == "住房和城乡建设局" and "60 个工作日" in texts["g-limit"]
    assert "每平方米100元" in texts["g-fee-standard"] and "0571-12345" in texts["g-supervision"]
    assert "施工图审查合格书" in phone.inner_text("#g-materials")
    shot(phone, "catalogue-guide-phone")
    desktop.goto(f"{live_url}/catalogue/{MUNICIPAL}")
    desktop.emulate_media(media="print")
    assert not desktop.locator(".topbar").is_visible() and desktop.locator("#g-materials").is_visible()
    pdf = shot(desktop, "catalogue-guide-print-a4").with_suffix(".pdf")
    desktop.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 1000
    desktop.emulate_media(media="screen")
    desktop.goto(f"{live_url}/catalogue/NO-SUCH-ITEM")
    assert "404" in desktop.title() or desktop.locator("#guide").count() == 0


def test_the_window_registers_under_an_item_and_keeps_its_version_after_an_edit(desktop, live_url: str) -> None:
    login(desktop, live_url, "window1")
    desktop.locator(f"select[name=definition_key] option[value='{MUNICIPAL}']").wait_for(state="attached")
    # A centre has hundreds of items: the window finds one by a part of its name or code.
    desktop.fill("input[name=item_search]", "没有这样的事项")
    desktop.wait_for_selector("#item-more:not([hidden])")
    assert "没有找到" in desktop.inner_text("#item-more")
    desktop.fill("input[name=item_search]", "市政")
    desktop.wait_for_function("() => document.querySelectorAll('select[name=definition_key] option[data-item]').length === 1")
    assert desktop.input_value("select[name=definition_key]") == MUNICIPAL
    desktop.select_option("select[name=definition_key]", MUNICIPAL)
    desktop.wait_for_selector("li[data-document='施工图审查合格书']")
    guide = requests.get(f"{live_url}/api/public/catalogue/{MUNICIPAL}", timeout=30).json()
    listed = desktop.eval_on_selector_all("#documents li", "els => els.map((e) => e.dataset.document)")
    assert listed == [m["name"] for m in guide["content"]["materials"]]  # the checklist is the item's
    desktop.fill("input[name='project.name']", "城西综合管廊工程")
    desktop.fill("input[name='project.code']", "2026-330100-48-01-000777")
    desktop.fill("input[name='project.investment']", "120000000")
    desktop.fill("input[name='applicant.name']", "市城投集团")
    desktop.fill("input[name='applicant.contact']", "0571-86000000")
    # A document the item does not allow to follow later cannot be marked 容缺 on the page.
    assert desktop.locator("li[data-document='可行性研究报告批复'] input[value=shortfall]").is_disabled()
    desktop.locator("li[data-document='施工图审查合格书'] input[value=shortfall]").check()
    shot(desktop, "window-intake-catalogue-item")
    desktop.click("button[value=accept]")
    desktop.wait_for_url(re.compile(r".*/window/receipt/\d+$"))
    instance_id = int(desktop.url.rsplit("/", 1)[1])
    # The item charges a fee: the window collects it (一窗收费) and the receipt shows it.
    desktop.wait_for_selector("#fee-form:not([hidden])")
    desktop.fill("#fee-form input[name=amount]", "0")
    desktop.fill("#fee-form input[name=receipt_no]", "浙财票 No.0088")
    desktop.click("#fee-form button[type=submit]")
    desktop.wait_for_selector("#fee-form .field-error[data-for=amount]")
    desktop.fill("#fee-form input[name=amount]", "12000")
    desktop.click("#fee-form button[type=submit]")
    desktop.wait_for_selector("#fee-form", state="hidden")
    assert "12000.00 元（票据号 浙财票 No.0088）" in desktop.inner_text("#a4-facts")
    assert "政府投资市政基础设施项目并联审批" in desktop.inner_text("#a4-facts")
    shot(desktop, "window-receipt-fee")
    headers = {"Authorization": f"Bearer {api_token(live_url, 'designer')}"}
    content = {k: v for k, v in guide["content"].items()}
    content.update(department=guide["department"], definition_key=guide["definition_key"], kind=guide["kind"],
                   legal_days=guide["legal_days"], promised_days=45)
    saved = requests.put(f"{live_url}/api/catalogue/{MUNICIPAL}/draft", json={"content": content}, headers=headers,
                         timeout=30)
    assert saved.status_code == 200, saved.text
    published = requests.post(f"{live_url}/api/catalogue/{MUNICIPAL}/publish", headers=headers, timeout=30)
    assert published.status_code == 201 and published.json()["version"] == guide["version"] + 1
    detail = requests.get(f"{live_url}/api/instances/{instance_id}", timeout=30, headers={
        "Authorization": f"Bearer {api_token(live_url, 'window1')}"}).json()
    assert (detail["service_item"]["code"], detail["service_item"]["version"]) == (MUNICIPAL, guide["version"])
    assert detail["service_item"]["promised_days"] == 60


def test_a_designer_creates_an_item_sees_its_problems_by_field_and_publishes_it(desktop, live_url: str) -> None:
    login(desktop, live_url, "designer")
    desktop.click("header nav a:text-is('事项清单')")
    desktop.wait_for_selector("#item-list li")
    desktop.click("#new-item")
    form = "#item-form"
    desktop.fill(f"{form} input[name=code]", "330100-QT-0009")
    desktop.fill(f"{form} input[name=name]", "建设项目档案专项验收")
    desktop.select_option(f"{form} select[name=department]", "da")
    desktop.fill(f"{form} input[name=legal_days]", "20")
    desktop.fill(f"{form} input[name=promised_days]", "30")  # longer than the legal limit
    desktop.click(f"{form} button[value=save]")
    desktop.wait_for_selector(f"{form} .field-error[data-for=promised_days]")
    errors = {e.get_attribute("data-for"): e.inner_text() for e in desktop.query_selector_all(f"{form} .field-error")}
    assert errors["promised_days"] == "承诺时限不能长于法定时限" and errors["legal_basis"] == "请填写办理依据"
    assert errors["materials[0].name"].startswith("请填写材料名称")
    shot(desktop, "catalogue-editor-errors")
    desktop.fill(f"{form} input[name=promised_days]", "10")
    desktop.fill(f"{form} textarea[name=legal_basis]", "《中华人民共和国档案法》第二十条")
    desktop.fill(f"{form} textarea[name=conditions]", "建设项目已竣工，档案整理完毕。")
    desktop.fill(f"{form} textarea[name=procedure]", "窗口受理 → 档案馆现场验收 → 出具意见。")
    desktop.fill(f"{form} input[name=result]", "建设项目档案验收意见书")
    desktop.fill(f"{form} input[name=supervision_phone]", "0571-12345")
    desktop.fill(f"{form} input[name='materials[0].name']", "建设项目档案验收申请表")
    desktop.click("#add-material")
    desktop.fill(f"{form} input[name='materials[1].name']", "竣工图")
    desktop.check(f"{form} input[name='materials[1].shortfall_allowed']")
    desktop.click(f"{form} button[value=publish]")
    desktop.wait_for_selector("#saved:not([hidden])")
    assert "已发布第 1 版" in desktop.inner_text("#saved")
    assert desktop.locator("#item-list li[data-code='330100-QT-0009']").count() == 1
    shot(desktop, "catalogue-editor-published")
    guide = requests.get(f"{live_url}/api/public/catalogue/330100-QT-0009", timeout=30).json()
    assert guide["promised_days"] == 10 and [m["name"] for m in guide["content"]["materials"]] == [
        "建设项目档案验收申请表", "竣工图"]


def test_a_designer_downloads_the_catalogue_workbook_and_imports_an_edited_one(desktop, live_url: str,
                                                                                tmp_path) -> None:
    login(desktop, live_url, "designer")
    desktop.click("header nav a:text-is('事项清单')")
    desktop.wait_for_selector("#item-list li")
    with desktop.expect_download() as download:
        desktop.click("#export-workbook")
    assert download.value.suggested_filename == "catalogue.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    items, materials = book["事项"], book["材料"]
    assert items.max_row > 1 and materials.max_row > 1  # the demo catalogue, to edit and import back
    first = [cell.value for cell in items[2]]
    items.delete_rows(2, items.max_row)
    materials.delete_rows(2, materials.max_row)
    items.append(["330100-XLSX-0001", "建设工程消防验收备案（表格导入）", *first[2:]])
    materials.append(["330100-XLSX-0001", "消防验收备案表", "原件", 1, "是", "否"])
    path = tmp_path / "edited.xlsx"
    book.save(path)
    desktop.set_input_files("#import-file", str(path))
    desktop.wait_for_selector("#status.ok:not([hidden])")
    assert "已导入并发布 1 个事项" in desktop.inner_text("#status")
    desktop.wait_for_selector("#item-list li[data-code='330100-XLSX-0001']")
    shot(desktop, "catalogue-editor-workbook-imported")
    items.cell(row=2, column=5, value="三十")  # 法定办结时限 in words
    book.save(path)
    desktop.set_input_files("#import-file", str(path))
    desktop.wait_for_selector("#import-form .form-error:not([hidden]) li")
    lines = desktop.eval_on_selector_all("#import-form .form-error li", "els => els.map((e) => e.textContent)")
    assert lines == ["事项 第2行 法定办结时限（工作日）：法定办结时限须为0至365个工作日"]
    shot(desktop, "catalogue-editor-workbook-problems")
    guide = requests.get(f"{live_url}/api/public/catalogue/330100-XLSX-0001", timeout=30).json()
    assert guide["version"] == 1 and guide["content"]["materials"][0]["name"] == "消防验收备案表"
