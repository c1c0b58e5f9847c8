"""The outreach report: count a period from the store, then lay it out as md, csv, xlsx, docx and PNG charts.

For the bot's `/report` command use `report_documents(store, period, labels)`: it returns
`ReportFile(name, data)` objects (bytes, .docx and .xlsx by default) ready for `send_document`, so a clerk
gets the report on the phone. The CLI (`pufa report`) calls `build_report` and `write_report_files`.

    from analytics.reports import ReportPeriod, report_documents
    files = report_documents(store, ReportPeriod(date(2026, 1, 1), date(2026, 12, 31)))
    for f in files:
        await context.bot.send_document(chat_id, document=f.data, filename=f.name)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analytics.charts import report_charts
from analytics.export import FORMATS, RENDERERS
from analytics.report_data import Progress, ReportData, ReportPeriod, read_report_data
from analytics.report_tables import ReportLabels, Table, report_paragraph, report_tables
from analytics.store import AnalyticsStore

__all__ = [
    "FORMATS", "Report", "ReportFile", "ReportLabels", "ReportPeriod", "build_report", "report_documents",
    "write_report_files",
]

# What the bot sends for /report: Word for the paragraph, Excel for the figures.
BOT_FORMATS = ("docx", "xlsx")


@dataclass(frozen=True)
class Report:
    """A counted report with its tables and paragraph, ready to render in any format."""

    data: ReportData
    title: str
    paragraph: str
    tables: tuple[Table, ...]
    labels: ReportLabels

    @property
    def file_stem(self) -> str:
        """普法统计_2026-01-01_2026-12-31[_某村]: a file name a clerk recognises."""
        period = self.data.period
        village = f"_{period.village}" if period.village else ""
        return f"普法统计_{period.start.isoformat()}_{period.end.isoformat()}{village}"

    def render(self, fmt: str) -> bytes:
        """The report as one format of FORMATS."""
        return RENDERERS[fmt](self.title, self.paragraph, self.tables)


@dataclass(frozen=True)
class ReportFile:
    name: str
    data: bytes


def build_report(
    store: AnalyticsStore, period: ReportPeriod, labels: ReportLabels | None = None,
    progress: Progress | None = None,
) -> Report:
    """Count the period and prepare the tables and the paragraph."""
    labels = labels or ReportLabels()
    store.flush()
    data = read_report_data(store.connection, period, progress)
    scope = f"（{period.village}）" if period.village else ""
    title = f"智慧普法平台普法工作统计{scope} {period.start.isoformat()} 至 {period.end.isoformat()}"
    return Report(data, title, report_paragraph(data, labels), tuple(report_tables(data, labels)), labels)


def report_documents(
    store: AnalyticsStore, period: ReportPeriod, labels: ReportLabels | None = None,
    formats: Sequence[str] = BOT_FORMATS,
) -> tuple[ReportFile, ...]:
    """The report as in-memory files (default .docx and .xlsx) for sending into a Telegram chat."""
    report = build_report(store, period, labels)
    return tuple(ReportFile(f"{report.file_stem}.{fmt}", report.render(fmt)) for fmt in formats)


def write_report_files(
    report: Report, fmt: str, output: Path | None = None, charts_dir: Path | None = None
) -> list[Path]:
    """Write the report (and the charts, when `charts_dir` is given); return the paths written."""
    written: list[Path] = []
    path = output or Path(f"{report.file_stem}.{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(report.render(fmt))
    written.append(path)
    if charts_dir is not None:
        charts_dir.mkdir(parents=True, exist_ok=True)
        for name, png in report_charts(report.data, report.labels).items():
            (charts_dir / name).write_bytes(png)
            written.append(charts_dir / name)
    return written
