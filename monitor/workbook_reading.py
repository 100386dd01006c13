"""Reading an uploaded Excel workbook (XLSX) as sheets of text cells, without trusting the file.

Centres keep their catalogue and their raters' score sheets in Excel, so imports take the workbook
as it is. An XLSX is a zip of XML: before openpyxl sees it, the archive's unpacked size and entry
count are checked, so a small upload cannot unpack into gigabytes; openpyxl parses the XML through
defusedxml (a declared dependency), so entity tricks are refused. Cells arrive as what a person
reads in them: dates as `YYYY-MM-DD`, whole numbers without `.0`, booleans as 是/否, blanks as "".
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

__all__ = ["MAX_SHEET_ROWS", "WORKBOOK_TYPES", "XLSX_TYPE", "WorkbookError", "cell_text", "first_sheet",
           "read_sheets"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_TYPES = (XLSX_TYPE, "application/octet-stream")
"""What an upload of an .xlsx arrives as: browsers on machines without an office suite send octet-stream."""
MAX_SHEET_ROWS = 20_000
MAX_COLUMNS = 60
_MAX_UNPACKED = 64 * 1024 * 1024
_MAX_ENTRIES = 500


class WorkbookError(ValueError):
    """The upload is not a workbook this server will read; the message says why, in Chinese."""


def cell_text(value: object) -> str:
    """What a person reads in a cell, as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise WorkbookError("不是 Excel 工作簿（.xlsx）文件") from None
    if len(entries) > _MAX_ENTRIES or sum(e.file_size for e in entries) > _MAX_UNPACKED:
        raise WorkbookError("工作簿解压后过大，请删去无关的工作表、图片后再上传")


def first_sheet(data: bytes) -> list[list[str]]:
    """The rows of a workbook's first sheet (a score sheet has one)."""
    return next(iter(read_sheets(data).values()), [])


def read_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """Every sheet by name, each a list of rows of cell texts (trailing blank rows dropped)."""
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise WorkbookError("无法读取的 Excel 工作簿，请用 Excel 或 WPS 另存为 .xlsx 后再上传") from None
    sheets: dict[str, list[list[str]]] = {}
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                if len(rows) >= MAX_SHEET_ROWS:
                    raise WorkbookError(f"工作表“{sheet.title}”超过{MAX_SHEET_ROWS}行，请分批导入")
                rows.append([cell_text(v) for v in values])
            while rows and not any(rows[-1]):
                rows.pop()
            sheets[sheet.title] = rows
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError("无法读取的 Excel 工作簿，请用 Excel 或 WPS 另存为 .xlsx 后再上传") from None
    finally:
        book.close()
    return sheets
