"""Recording evaluation sessions (述职, 质询评议, 社会调查): one at a time, or a sheet of raters' scores.

A sheet is read as rows `kind, department, held_on, title, rater, score`; rows that share the first four
are one session. Every problem of every row is reported at once, and nothing is stored unless all pass.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.exceptions import ForbiddenError, InvalidError, Problem
from engine.models import Department
from engine.workdays import SHANGHAI

from ..models import EVALUATION_KINDS, EvaluationScore, EvaluationSession

__all__ = ["CHINESE_COLUMNS", "CSV_COLUMNS", "KIND_WORDS", "MAX_RATERS", "MAX_TITLE",
           "ImportEvaluationsCommand", "RecordEvaluationCommand", "evaluation_rows", "parse_evaluation_csv"]

RECORDING_ROLES = frozenset({"supervisor", "admin"})
MAX_RATERS = 500
MAX_TITLE = 255
MAX_ROWS = 20_000
CSV_COLUMNS = ("kind", "department", "held_on", "title", "rater", "score")
CHINESE_COLUMNS = ("评议类型", "部门代码", "评议日期", "评议名称", "评议人", "得分")
"""The same header in Chinese, as a centre's own sheet names them; either is read."""
KIND_WORDS = {"述职": "report", "年中述职": "report", "质询评议": "questioning", "社会调查": "survey",
              **{kind: kind for kind in EVALUATION_KINDS}}
"""What a sheet may write in its kind column: the Chinese name or the API's word."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _require_bureau(ctx: CommandContext) -> None:
    if ctx.actor.role not in RECORDING_ROLES:
        raise ForbiddenError("只有监察局（效能办）和管理员可以录入评议结果")


def _check_session(ctx: CommandContext, departments: set[str], kind: object, department: object,
                   held_on: object, title: object, at: str, problems: list[Problem]) -> date | None:
    if KIND_WORDS.get(kind if isinstance(kind, str) else "") is None:
        problems.append(Problem("评议类型只能是述职、质询评议或社会调查", field=f"{at}kind"))
    if department not in departments:
        problems.append(Problem("被评议部门须为已有的部门代码", field=f"{at}department"))
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > MAX_TITLE:
        problems.append(Problem(f"请填写评议名称（1至{MAX_TITLE}个字）", field=f"{at}title"))
    day = None
    if isinstance(held_on, str) and _DATE.fullmatch(held_on.strip()):
        try:
            day = date.fromisoformat(held_on.strip())
        except ValueError:
            day = None
    today = ctx.now().astimezone(SHANGHAI).date()
    if day is None or day.year < 2000:
        problems.append(Problem("评议日期须为 YYYY-MM-DD 格式的日期", field=f"{at}held_on"))
        return None
    if day > today:
        problems.append(Problem("评议日期不能晚于今天", field=f"{at}held_on"))
        return None
    return day


def _check_score(rater: object, score: object, at: str, problems: list[Problem]) -> tuple[str, float] | None:
    name = rater.strip() if isinstance(rater, str) else ""
    if not name or len(name) > 64:
        problems.append(Problem("请填写评议人（1至64个字）", field=f"{at}rater"))
    value = None
    if isinstance(score, int | float) and not isinstance(score, bool):
        value = float(score)
    elif isinstance(score, str):
        try:
            value = float(score.strip())
        except ValueError:
            value = None
    if value is None or not 0 <= value <= 100 or value != value:
        problems.append(Problem("得分须为0至100的数", field=f"{at}score"))
        return None
    return (name, round(value, 2)) if name and len(name) <= 64 else None


def _store(ctx: CommandContext, kind: str, department: str, held_on: date, title: str,
           scores: list[tuple[str, float]]) -> EvaluationSession:
    session = EvaluationSession(kind=KIND_WORDS[kind], department_code=department, title=title.strip(),
                                held_on=held_on, entered_at=ctx.now(), entered_by=ctx.actor_name or "system")
    ctx.session.add(session)
    ctx.session.flush()
    ctx.session.add_all(EvaluationScore(session_id=session.id, rater=r, score=s) for r, s in scores)
    return session


@dataclass(frozen=True)
class RecordEvaluationCommand:
    """Record one session with its raters' scores."""

    kind: str
    department: str
    held_on: str
    title: str
    scores: list[Any]

    def execute(self, ctx: CommandContext) -> EvaluationSession:
        """422 with every problem at once; nothing stored unless all pass."""
        _require_bureau(ctx)
        departments = set(ctx.session.scalars(select(Department.code)))
        problems: list[Problem] = []
        day = _check_session(ctx, departments, self.kind, self.department, self.held_on, self.title, "",
                             problems)
        clean: list[tuple[str, float]] = []
        if not isinstance(self.scores, list) or not 1 <= len(self.scores) <= MAX_RATERS:
            problems.append(Problem(f"须有1至{MAX_RATERS}位评议人的得分", field="scores"))
        else:
            for i, entry in enumerate(self.scores):
                entry = entry if isinstance(entry, dict) else {}
                checked = _check_score(entry.get("rater"), entry.get("score"), f"scores[{i}].", problems)
                if checked is not None:
                    clean.append(checked)
        if problems or day is None:
            raise InvalidError("评议结果有误", problems)
        return _store(ctx, self.kind, self.department, day, self.title, clean)


@dataclass(frozen=True)
class ImportEvaluationsCommand:
    """Record the sessions of a sheet: rows sharing kind, department, date and title are one session."""

    rows: list[dict[str, Any]]
    problems: tuple[Problem, ...] = ()  # the sheet's own (an unreadable line, a wrong header)

    def execute(self, ctx: CommandContext) -> list[EvaluationSession]:
        """422 naming every row's problems (`第N行 column` by the sheet's line, else `rows[i].column`).

        Nothing is stored unless every row passes.
        """
        _require_bureau(ctx)
        problems = list(self.problems)
        if not problems and not 1 <= len(self.rows) <= MAX_ROWS:
            problems.append(Problem(f"须有1至{MAX_ROWS}行评分", field="rows"))
        departments = set(ctx.session.scalars(select(Department.code)))
        sessions: dict[tuple[str, str, date, str], list[tuple[str, float]]] = {}
        for i, row in enumerate(self.rows):
            line = row.get("line")
            at = f"第{line}行 " if isinstance(line, int) else f"rows[{i}]."
            day = _check_session(ctx, departments, row.get("kind"), row.get("department"), row.get("held_on"),
                                 row.get("title"), at, problems)
            checked = _check_score(row.get("rater"), row.get("score"), at, problems)
            if day is not None and checked is not None and not problems:
                key = (str(row["kind"]).strip(), str(row["department"]), day, str(row["title"]).strip())
                sessions.setdefault(key, []).append(checked)
        if problems:
            raise InvalidError("评分表有误，未导入任何内容", problems)
        return [_store(ctx, kind, department, day, title, scores)
                for (kind, department, day, title), scores in sessions.items()]


def parse_evaluation_csv(text: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a sheet saved as CSV (UTF-8, header `kind,department,held_on,title,rater,score`)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    lines: list[tuple[int, list[str]]] = []
    try:
        for line in reader:
            lines.append((reader.line_num, line))
    except csv.Error as exc:
        return [], [Problem(f"无法读取的 CSV：{exc}", line=reader.line_num)]
    return evaluation_rows(lines)


def evaluation_rows(lines: Iterable[tuple[int, list[str]]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Turn a sheet's numbered lines (header first) into rows, whether it came as CSV or as a workbook.

    Blank lines and blank cells after the sixth column are ignored: a workbook's sheet is as wide as
    its widest row, and a CSV saved from Excel keeps empty trailing columns.
    """
    numbered = iter(lines)
    first = next(numbered, None)
    header = tuple(h.strip().lower() for h in _trimmed(first[1] if first else []))
    if header not in (CSV_COLUMNS, CHINESE_COLUMNS):
        return [], [Problem(f"第一行须为表头 {','.join(CHINESE_COLUMNS)}（或 {','.join(CSV_COLUMNS)}）",
                            line=first[0] if first else 1)]
    rows: list[dict[str, Any]] = []
    for number, line in numbered:
        cells = _trimmed(line)
        if not cells:
            continue
        if len(cells) > len(CSV_COLUMNS):
            return [], [Problem(f"第{number}行应有{len(CSV_COLUMNS)}列，实有{len(cells)}列", line=number)]
        cells += [""] * (len(CSV_COLUMNS) - len(cells))
        rows.append({**dict(zip(CSV_COLUMNS, (cell.strip() for cell in cells), strict=True)), "line": number})
    return rows, []


def _trimmed(line: list[str]) -> list[str]:
    cells = list(line)
    while cells and not cells[-1].strip():
        cells.pop()
    return cells
