"""/report [2026 | 2026-01-01 2026-06-30]: the outreach report as .docx and .xlsx, sent into the chat.

A clerk gets the same report `pufa report` writes, on the phone, without a terminal.
"""

from __future__ import annotations

import datetime as dt
import io

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from analytics.export import render_docx, render_xlsx
from analytics.report_data import ReportPeriod, read_report_data
from analytics.report_tables import ReportLabels, period_phrase, report_paragraph, report_tables
from analytics.store import AnalyticsStore
from handlers.admin import OFFICE_ZONE, admin_only
from handlers.services import services
from knowledge.model import KnowledgeBase


def report_period(args: list[str], today: dt.date) -> ReportPeriod | None:
    """No argument: this year so far; `2026`: that year; two ISO dates: that span. None if unreadable."""
    try:
        if not args:
            return ReportPeriod(dt.date(today.year, 1, 1), today)
        if len(args) == 1 and args[0].isdigit():
            year = int(args[0])
            return ReportPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if len(args) == 2:
            start, end = dt.date.fromisoformat(args[0]), dt.date.fromisoformat(args[1])
            return ReportPeriod(start, end) if start <= end else None
    except ValueError:
        return None
    return None


def render_report(store: AnalyticsStore, kb: KnowledgeBase, period: ReportPeriod) -> tuple[str, bytes, bytes]:
    """The report's title, .docx and .xlsx bytes (runs on the analytics thread)."""
    labels = ReportLabels(topic_names={t.id: t.name for t in kb.topics},
                          faq_questions={f.id: f.question for f in kb.faqs})
    data = read_report_data(store.connection, period)
    title = f"{period_phrase(period.start, period.end)}普法工作统计"
    tables = report_tables(data, labels)
    paragraph = report_paragraph(data, labels)
    return title, render_docx(title, paragraph, tables), render_xlsx(title, paragraph, tables)


@admin_only
async def send_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Build the report for the requested period and send both documents."""
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    period = report_period(list(context.args or []), dt.datetime.now(OFFICE_ZONE).date())
    if period is None:
        await message.reply_text(svc.messages.text("admin.report_usage"))
        return
    await message.reply_text(svc.messages.text(
        "admin.report_sending", start=period.start.isoformat(), end=period.end.isoformat()))
    kb = svc.engine.current.kb
    title, docx_bytes, xlsx_bytes = await svc.analytics.run(lambda store: render_report(store, kb, period))
    stem = f"pufa-report-{period.start.isoformat()}-{period.end.isoformat()}"
    await message.reply_document(InputFile(io.BytesIO(docx_bytes), filename=f"{stem}.docx"), caption=title)
    await message.reply_document(InputFile(io.BytesIO(xlsx_bytes), filename=f"{stem}.xlsx"), caption=title)
