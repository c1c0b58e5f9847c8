"""Offline outreach the judicial office does in person, recorded so the annual report counts it too.

A clerk adds one activity at a time (`pufa activity add`) or imports the spreadsheet the office already
keeps (`pufa activity import FILE`, CSV or XLSX). Imports are forgiving: every bad row is named with its
line and what is wrong, and the good rows are kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from analytics.events import stored_time
from analytics.store import AnalyticsStore

# The kinds the office's annual report states separately. Others are accepted as written.
KNOWN_KINDS = ("专题普法宣传", "院坝会", "以案释法", "法治宣传栏出刊", "执法检查")
# Issues of the village bulletin board are reported as 宣传栏期数, not as activity sessions.
BULLETIN_KIND = "法治宣传栏出刊"

# Column headers accepted in an import file, English or the Chinese a clerk would type.
HEADER_ALIASES = {
    "date": ("date", "日期", "时间"),
    "kind": ("kind", "类型", "活动类型", "活动"),
    "village": ("village", "村", "村社", "地点"),
    "people": ("people", "人次", "覆盖人次", "参与人次"),
    "materials": ("materials", "资料", "发放资料", "发放资料份数", "份数"),
    "staff": ("staff", "出动人次", "工作人员", "出动"),
    "note": ("note", "备注", "说明"),
}
REQUIRED_COLUMNS = ("date", "kind")


@dataclass(frozen=True)
class Activity:
    """One offline outreach activity; `date` is the local (Asia/Shanghai) day it took place."""

    date: date
    kind: str
    village: str | None = None
    people: int = 0  # 覆盖人次
    materials: int = 0  # 发放资料份数
    staff: int = 0  # 出动人次
    note: str | None = None


@dataclass(frozen=True)
class RowProblem:
    """A row of an import file that was not kept, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    imported: int
    problems: tuple[RowProblem, ...]


class ActivityError(ValueError):
    """A value that cannot be an activity field; the message says which and why."""


def record_activity(store: AnalyticsStore, activity: Activity, at: datetime | None = None) -> None:
    """Store one activity (never raises at the caller, like every store write)."""
    row = (
        activity.date.isoformat(), activity.kind, activity.village, activity.people, activity.materials,
        activity.staff, activity.note, stored_time(at or datetime.now(UTC)),
    )
    store.write_rows(
        "insert into activities (date, kind, village, people, materials, staff, note, recorded_at)"
        " values (?, ?, ?, ?, ?, ?, ?, ?)", [row])


def parse_activity(values: dict[str, object]) -> Activity:
    """An `Activity` from loose values (CLI arguments, a spreadsheet row); raise ActivityError if wrong."""
    kind = _text(values.get("kind"))
    if not kind:
        raise ActivityError("kind is empty (e.g. 专题普法宣传, 院坝会)")
    return Activity(
        date=_date(values.get("date")),
        kind=kind,
        village=_text(values.get("village")),
        people=_count(values.get("people"), "people"),
        materials=_count(values.get("materials"), "materials"),
        staff=_count(values.get("staff"), "staff"),
        note=_text(values.get("note")),
    )


def import_activities(store: AnalyticsStore, path: Path) -> ImportResult:
    """Import a CSV or XLSX file of activities; keep the good rows, report each bad one by line."""
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    header_line, header = next(rows, (1, []))
    columns = _column_map(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        return ImportResult(0, (RowProblem(header_line, f"missing column(s): {', '.join(missing)}"),))
    good: list[Activity] = []
    problems: list[RowProblem] = []
    for line, cells in rows:
        if all(_text(cell) is None for cell in cells):
            continue
        values = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
        try:
            good.append(parse_activity(values))
        except ActivityError as exc:
            problems.append(RowProblem(line, str(exc)))
    for activity in good:
        record_activity(store, activity)
    return ImportResult(len(good), tuple(problems))


def _column_map(header: Sequence[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = (_text(cell) or "").lower()
        for name, aliases in HEADER_ALIASES.items():
            if label in aliases and name not in found:
                found[name] = index
    return found


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    # utf-8-sig: Excel on Windows saves CSV with a byte-order mark.
    text = path.read_text(encoding="utf-8-sig")
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield line, list(cells)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    finally:
        book.close()


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        raise ActivityError("date is empty (use 2026-03-15)")
    for form in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ActivityError(f"date {text!r} is not a date (use 2026-03-15)")


def _count(value: object, name: str) -> int:
    text = _text(value)
    if text is None:
        return 0
    try:
        number = float(text.replace(",", "").rstrip("余多人次份场"))
    except ValueError:
        raise ActivityError(f"{name} {text!r} is not a number") from None
    if number < 0 or number != int(number):
        raise ActivityError(f"{name} {text!r} must be a whole number of 0 or more")
    return int(number)


def kinds_in_report_order(kinds: Iterable[str]) -> list[str]:
    """The kinds present, the office's report order first, then any others in order of appearance."""
    present = list(dict.fromkeys(kinds))
    return [k for k in KNOWN_KINDS if k in present] + [k for k in present if k not in KNOWN_KINDS]
