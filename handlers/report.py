"""/report [2026 | 2026-01-01 2026-06-30]: the outreach report as .docx and .xlsx, sent into the chat.

A clerk gets the same report `pufa report` writes (same figures, title and file names), on the phone,
without a terminal: the documents come from `analytics.reports.report_documents`.
"""

from __future__ import annotations

import datetime as dt
import io

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from analytics.reports import ReportLabels, ReportPeriod, report_documents
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


def report_labels(kb: KnowledgeBase) -> ReportLabels:
    """Topic names and FAQ questions from the knowledge base in use, for the report's tables."""
    return ReportLabels(topic_names={t.id: t.name for t in kb.topics},
                        faq_questions={f.id: f.question for f in kb.faqs})


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
    labels = report_labels(svc.engine.current.kb)
    files = await svc.analytics.run(lambda store: report_documents(store, period, labels))
    for file in files:
        await message.reply_document(InputFile(io.BytesIO(file.data), filename=file.name))
