"""The judicial office's commands: /reload, /stats, /gaps and /report.

Only ids in PUFA_ADMIN_IDS may use them; anyone else gets the same polite refusal as an unknown
command, so nothing reveals that these commands exist.
"""

from __future__ import annotations

import asyncio
import functools
import html
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.formatting import pack_messages
from handlers.services import BotServices, services
from knowledge.loader import KnowledgeBaseError

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]

# The office counts days in local time, so "today" starts at midnight in Chongqing, not in UTC.
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")
STATS_PERIODS = ("today", "week", "month", "year")
DEFAULT_STATS_PERIOD = "week"
# Gaps listed per /gaps: what a clerk reads in one sitting to pick the next FAQs to write.
GAPS_SHOWN = 15
# Validator problems quoted back by /reload; the rest are counted (`pufa kb check` lists them all).
PROBLEMS_SHOWN = 30


def is_admin(svc: BotServices, user_id: int | None) -> bool:
    """Whether this Telegram user is judicial office staff."""
    return user_id is not None and user_id in svc.admin_ids


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The polite reply to an unknown command (and to a non-admin trying an admin one)."""
    message = update.effective_message
    if message is not None and message.chat.type == "private":
        await message.reply_text(services(context).messages.text("not_available"))


def admin_only(handler: Handler) -> Handler:
    """Run `handler` for admins; everyone else gets the unknown-command refusal."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not is_admin(services(context), user.id if user else None):
            message = update.effective_message
            if message is not None:
                await message.reply_text(services(context).messages.text("not_available"))
            return
        await handler(update, context)

    return guarded


async def _reply_lines(update: Update, lines: list[str]) -> None:
    if update.effective_message is None:
        return
    for part in pack_messages(lines):
        await update.effective_message.reply_text(part, parse_mode=ParseMode.HTML)


@admin_only
async def reload_knowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload: load the knowledge base again; a broken file keeps the running base in service."""
    svc = services(context)
    try:
        engine = await asyncio.to_thread(svc.load_engine)
    except KnowledgeBaseError as exc:
        head = svc.messages.text("admin.reload_failed", count=len(exc.problems))
        shown = [html.escape(str(p)) for p in exc.problems[:PROBLEMS_SHOWN]]
        more = [f"… +{len(exc.problems) - PROBLEMS_SHOWN}"] if len(exc.problems) > PROBLEMS_SHOWN else []
        await _reply_lines(update, [html.escape(head), "\n".join(shown), *more])
        return
    svc.engine.swap(engine)
    await _reply_lines(update, [html.escape(svc.messages.text("admin.reload_ok", faqs=len(engine.kb.faqs)))])


def period_start(period: str, now: datetime) -> datetime:
    """The local start of today / this week (Monday) / this month / this year."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "today":
        return midnight
    if period == "week":
        return midnight - timedelta(days=midnight.weekday())
    if period == "month":
        return midnight.replace(day=1)
    return midnight.replace(month=1, day=1)


@admin_only
async def show_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats [today|week|month|year]: questions, people, answer rate, top topics and unanswered."""
    svc, texts = services(context), services(context).messages
    period = (context.args[0].lower() if context.args else DEFAULT_STATS_PERIOD)
    if period not in STATS_PERIODS:
        await _reply_lines(update, [html.escape(texts.text("admin.stats_usage"))])
        return
    now = datetime.now(OFFICE_ZONE)
    since = period_start(period, now)
    stats = await svc.analytics.run(lambda store: store.stats(since, now + timedelta(seconds=1)))
    kb = svc.engine.current.kb
    lines = [texts.text("admin.stats_head", period=texts.text(f"admin.stats_periods.{period}"),
                        since=since.date().isoformat(), questions=stats.questions, people=stats.people,
                        rate=f"{stats.answered_rate:.0%}")]
    lines.append(texts.text("admin.stats_topics"))
    lines.extend([f"• {kb.topic_name(t)}：{n}" for t, n in stats.top_topics] or [texts.text("admin.stats_none")])
    lines.append(texts.text("admin.stats_unanswered"))
    lines.extend([f"• {q}（{n}）" for q, n in stats.top_unanswered] or [texts.text("admin.stats_none")])
    await _reply_lines(update, ["\n".join(html.escape(line) for line in lines)])


@admin_only
async def show_gaps(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/gaps: the questions most worth a new FAQ (already redacted by the store)."""
    svc = services(context)
    gaps = await svc.analytics.run(lambda store: store.gaps(GAPS_SHOWN))
    if not gaps:
        await _reply_lines(update, [html.escape(svc.messages.text("admin.gaps_empty"))])
        return
    lines = [svc.messages.text("admin.gaps_title")]
    lines.extend(f"• {g.question or g.faq_id or '?'}"
                 f"（{g.count}，{svc.messages.text(f'admin.gap_kinds.{g.kind}', faq=g.faq_id or '').strip()}）"
                 for g in gaps)
    await _reply_lines(update, ["\n".join(html.escape(line) for line in lines)])
