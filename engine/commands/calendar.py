"""Commands that change the working-day calendar: seed from the official data, replace a year, edit a day.

Replacing a year or editing a day recomputes, in the same transaction, every open deadline the
change affects (engine.deadline_recompute), and answers with the deadlines it moved.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import delete, func, insert, select

from ..calendar_store import CALENDAR_CHANGED, OFFICIAL_YEARS, days_of_year, seed_from_official
from ..command_context import CommandContext
from ..deadline_recompute import CalendarChange, MovedDeadline, recompute_deadlines
from ..exceptions import ForbiddenError, InvalidError, NotFoundError, Problem
from ..models import DEFAULT_CENTRE, CalendarDay
from .org import ADMIN_ROLES

__all__ = [
    "CSV_HEADER",
    "MAX_NOTE",
    "MAX_YEAR",
    "MIN_YEAR",
    "UNCHANGED",
    "ChangedDay",
    "DayEntry",
    "ReplaceCalendarYearCommand",
    "ReplacedYear",
    "SeedOfficialCalendarCommand",
    "SetCalendarDayCommand",
    "entries_from_json",
    "parse_calendar_csv",
]

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_NOTE = 200
CSV_HEADER = ("date", "is_workday", "note")
# The same columns as an administrator would head them in a spreadsheet.
CSV_HEADER_ZH = ("日期", "是否工作日", "备注")
MAX_MISSING_RANGES = 10
_TRUE = frozenset({"true", "1", "是"})
_FALSE = frozenset({"false", "0", "否"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Unchanged:
    """Marker for a PATCH field the caller left out."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()


def _require_admin(ctx: CommandContext) -> None:
    if ctx.actor.role not in ADMIN_ROLES:
        raise ForbiddenError("只有管理员可以修改工作日历")


@dataclass(frozen=True)
class DayEntry:
    """One uploaded day as received, with where it came from, so problems can point at it."""

    date: str
    is_workday: bool | str | None
    note: str | None = None
    line: int | None = None
    index: int | None = None

    def problem(self, message: str, name: str) -> Problem:
        """Locate a problem by CSV line, or by JSON field path `days[i].name`."""
        if self.line is not None:
            return Problem(message, line=self.line, field=name)
        return Problem(message, field=f"days[{self.index}].{name}" if self.index is not None else name)


def parse_calendar_csv(text: str) -> tuple[list[DayEntry], list[Problem]]:
    """Split CSV text headed `日期,是否工作日,备注` (or `date,is_workday,note`) into entries and problems."""
    entries: list[DayEntry] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader, None)
        names = tuple(h.strip().lower() for h in header or ())
        if names not in (CSV_HEADER, CSV_HEADER[:2], CSV_HEADER_ZH, CSV_HEADER_ZH[:2]):
            expected = f"{','.join(CSV_HEADER_ZH)}（或 {','.join(CSV_HEADER)}）"
            return [], [Problem(f"第一行须为表头 {expected}", line=1)]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if not 2 <= len(row) <= len(names):
                problems.append(Problem(f"应有 {len(names)} 列（{','.join(names)}），实有 {len(row)} 列",
                                        line=reader.line_num))
                continue
            note = row[2] if len(row) > 2 else None
            entries.append(DayEntry(row[0].strip(), row[1].strip(), note, line=reader.line_num))
    except csv.Error as exc:
        problems.append(Problem(f"无法读取 CSV 文件：{exc}", line=reader.line_num))
    return entries, problems


def _parse_day(text: object) -> date | None:
    """Return the date of a strict YYYY-MM-DD string, else None."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_flag(value: object) -> bool | None:
    """Read is_workday from a boolean or from true/false/1/0/是/否; None if it is none of those."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


def _clean_note(note: str | None) -> str | None:
    """Store blank notes as no note."""
    if note is None:
        return None
    return note.strip() or None


def _year_problem(year: int) -> Problem | None:
    if MIN_YEAR <= year <= MAX_YEAR:
        return None
    return Problem(f"年份须在 {MIN_YEAR} 至 {MAX_YEAR} 之间，收到的是 {year}", field="year")


def _ranges(days: list[date]) -> list[str]:
    """Write sorted days as compact ranges, e.g. 2027-03-01至2027-03-31, for a readable message."""
    spans: list[list[date]] = []
    for day in days:
        if spans and day - spans[-1][1] == timedelta(days=1):
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [a.isoformat() if a == b else f"{a.isoformat()}至{b.isoformat()}" for a, b in spans]


@dataclass(frozen=True)
class ReplacedYear:
    """What a year upload stored."""

    centre: str
    year: int
    created: bool
    days: int
    workdays: int
    moved: tuple[MovedDeadline, ...] = ()


@dataclass(frozen=True)
class ChangedDay:
    """What a day edit stored, and the deadlines it moved."""

    date: date
    is_workday: bool
    note: str | None
    moved: tuple[MovedDeadline, ...] = ()


@dataclass(frozen=True)
class ReplaceCalendarYearCommand:
    """Load or replace every day of one year for a centre, all or nothing.

    `problems` are those already found while reading the upload (e.g. CSV rows with the wrong
    number of columns); they are reported together with the rest and also block the change.
    Open deadlines reckoned over the replaced days (provisional or official) are recomputed.
    """

    year: int
    entries: tuple[DayEntry, ...]
    problems: tuple[Problem, ...] = ()
    centre: str = DEFAULT_CENTRE

    def execute(self, ctx: CommandContext) -> ReplacedYear:
        """Validate every entry, then swap the year's rows and announce the change after commit."""
        _require_admin(ctx)
        days = self._validated()
        session = ctx.session
        in_year = (CalendarDay.centre == self.centre, CalendarDay.day >= date(self.year, 1, 1),
                   CalendarDay.day < date(self.year + 1, 1, 1))
        existed = bool(session.scalar(select(func.count()).select_from(CalendarDay).where(*in_year)))
        session.execute(delete(CalendarDay).where(*in_year))
        session.execute(insert(CalendarDay), [
            {"centre": self.centre, "day": day, "is_workday": is_workday, "note": note}
            for day, (is_workday, note) in sorted(days.items())])
        ctx.emit(CALENDAR_CHANGED, centre=self.centre, year=self.year, actor=ctx.actor_name)
        reason = f"导入{self.year}年工作日历" if not existed else f"重新导入{self.year}年工作日历"
        moved = recompute_deadlines(ctx, CalendarChange(
            self.centre, {day: is_workday for day, (is_workday, _note) in days.items()}, reason))
        workdays = sum(1 for is_workday, _ in days.values() if is_workday)
        return ReplacedYear(self.centre, self.year, not existed, len(days), workdays, tuple(moved))

    def _validated(self) -> dict[date, tuple[bool, str | None]]:
        """Return the year's days or raise InvalidError listing every problem found."""
        problems = list(self.problems)
        year_problem = _year_problem(self.year)
        if year_problem:
            problems.append(year_problem)
        days: dict[date, tuple[bool, str | None]] = {}
        first_seen: dict[date, DayEntry] = {}
        for entry in self.entries:
            day = _parse_day(entry.date)
            flag = _parse_flag(entry.is_workday)
            note = _clean_note(entry.note)
            if day is None:
                problems.append(entry.problem(f"“{entry.date}”不是 YYYY-MM-DD 格式的日期", "date"))
            elif not year_problem and day.year != self.year:
                problems.append(entry.problem(f"{day.isoformat()} 不在 {self.year} 年内", "date"))
            elif day in first_seen:
                earlier = first_seen[day]
                where = f"第 {earlier.line} 行" if earlier.line is not None else f" days[{earlier.index}]"
                problems.append(entry.problem(f"{day.isoformat()} 重复出现（首次出现于{where}）", "date"))
            if flag is None:
                problems.append(entry.problem(
                    f"is_workday 须为 true/false/1/0/是/否，收到的是“{entry.is_workday}”", "is_workday"))
            if note is not None and len(note) > MAX_NOTE:
                problems.append(entry.problem(f"备注不能超过 {MAX_NOTE} 个字符", "note"))
            if day is not None and day not in first_seen:
                first_seen[day] = entry
                if flag is not None and day.year == self.year:
                    days[day] = (flag, note)
        unreadable = bool(self.problems) and not self.entries  # e.g. a wrong CSV header: rest is noise
        if not year_problem and not unreadable:
            missing = [d for d in days_of_year(self.year) if d not in first_seen]
            if missing:
                shown = _ranges(missing)
                hidden = len(shown) - MAX_MISSING_RANGES
                more = f"，另有 {hidden} 段未列出" if hidden > 0 else ""
                problems.append(Problem(
                    f"上传的日历须包含 {self.year} 年的每一天，缺少 {len(missing)} 天："
                    f"{'、'.join(shown[:MAX_MISSING_RANGES])}{more}", field="days"))
            flags_readable = all(_parse_flag(e.is_workday) is not None for e in self.entries)
            if flags_readable and not any(flag for flag, _ in days.values()):
                problems.append(Problem(f"{self.year} 年没有工作日", field="days"))
        if problems:
            raise InvalidError(f"{self.year} 年工作日历未保存", problems,
                               year=self.year, centre=self.centre)
        return days


@dataclass(frozen=True)
class SetCalendarDayCommand:
    """Make one existing day a working day or a day off (e.g. a newly announced 调休), with a note.

    Open deadlines reckoned over that day are recomputed in the same transaction.
    """

    year: int
    day: str
    is_workday: bool
    note: str | None | _Unchanged = UNCHANGED
    centre: str = DEFAULT_CENTRE

    def execute(self, ctx: CommandContext) -> ChangedDay:
        """Check the day, load its row, refuse to leave the year without working days, update."""
        _require_admin(ctx)
        problems = []
        day = _parse_day(self.day)
        if day is None:
            problems.append(Problem(f"“{self.day}”不是 YYYY-MM-DD 格式的日期", field="date"))
        elif day.year != self.year:
            problems.append(Problem(f"{day.isoformat()} 不在 {self.year} 年内", field="date"))
        note = self.note if isinstance(self.note, _Unchanged) else _clean_note(self.note)
        if isinstance(note, str) and len(note) > MAX_NOTE:
            problems.append(Problem(f"备注不能超过 {MAX_NOTE} 个字符", field="note"))
        if problems or day is None:
            raise InvalidError("日历日期设置有误", problems)
        row = ctx.session.get(CalendarDay, (self.centre, day))
        if row is None:
            raise NotFoundError(f"工作日历中没有 {day.isoformat()} 的数据，请先导入 {self.year} 年日历",
                                date=day.isoformat(), centre=self.centre)
        if not self.is_workday:
            others = ctx.session.scalar(select(func.count()).select_from(CalendarDay).where(
                CalendarDay.centre == self.centre, CalendarDay.is_workday.is_(True), CalendarDay.day != day,
                CalendarDay.day >= date(self.year, 1, 1), CalendarDay.day < date(self.year + 1, 1, 1)))
            if not others:
                raise InvalidError("日历日期设置有误", [Problem(
                    f"修改后 {self.year} 年将没有工作日", field="is_workday")])
        was_workday = row.is_workday
        row.is_workday = self.is_workday
        if not isinstance(note, _Unchanged):
            row.note = note
        ctx.session.flush()
        ctx.emit(CALENDAR_CHANGED, centre=self.centre, year=self.year, actor=ctx.actor_name)
        moved: list[MovedDeadline] = []
        if was_workday != self.is_workday:
            kind = "工作日" if self.is_workday else "休息日"
            moved = recompute_deadlines(ctx, CalendarChange(
                self.centre, {day: self.is_workday}, f"{day.isoformat()}改为{kind}"))
        return ChangedDay(day, row.is_workday, row.note, tuple(moved))


@dataclass(frozen=True)
class SeedOfficialCalendarCommand:
    """Fill in the years the centre lacks from chinese_calendar; years already present are kept."""

    years: Iterable[int] = OFFICIAL_YEARS
    centre: str = DEFAULT_CENTRE

    def execute(self, ctx: CommandContext) -> list[int]:
        """Insert the missing official years and announce each one after commit."""
        _require_admin(ctx)
        added = seed_from_official(ctx.session, self.years, self.centre)
        for year in added:
            ctx.emit(CALENDAR_CHANGED, centre=self.centre, year=year, actor=ctx.actor_name)
        return added


def entries_from_json(days: list[dict[str, Any]]) -> tuple[DayEntry, ...]:
    """Turn schema-checked JSON items into entries that remember their list position."""
    return tuple(DayEntry(item["date"], item["is_workday"], item.get("note"), index=i)
                 for i, item in enumerate(days))
