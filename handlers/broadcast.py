"""/broadcast: the weekly outreach message to every subscriber, paced within Telegram's limits.

Telegram allows about 30 messages a second to different chats; we stay at 25. A 429 answer is obeyed
(wait `retry_after`, try the same chat again), a 403 means the person blocked the bot, so they are
unsubscribed, and the admin gets the delivered / blocked / failed counts at the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from handlers.admin import admin_only
from handlers.callback_data import Action, pack
from handlers.formatting import note, plain
from handlers.send_retry import retry_after_seconds
from handlers.services import BotServices, services
from knowledge.tips import Tip

log = logging.getLogger(__name__)

# Below Telegram's documented ~30 messages/second to different chats, leaving room for live answers.
MESSAGES_PER_SECOND = 25
# Tries per chat: a 429 or a network hiccup is retried, a third failure counts the message as failed.
MAX_ATTEMPTS = 3
# A network error is retried after this pause; 429s carry their own pause.
NETWORK_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class DeliveryReport:
    """How one broadcast went."""

    delivered: int
    blocked: int
    failed: int


def weekly_tip(tips: Sequence[Tip], today: dt.date) -> Tip | None:
    """This week's tip: the tips take turns by ISO week number."""
    return tips[today.isocalendar().week % len(tips)] if tips else None


async def deliver(chat_ids: Sequence[int], send: Callable[[int], Awaitable[object]],
                  record: Callable[[int, str], Awaitable[None]],
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> DeliveryReport:
    """Send to every chat in turn at the paced rate; `record(chat_id, outcome)` notes each result."""
    counts = {"delivered": 0, "blocked": 0, "failed": 0}
    for chat_id in chat_ids:
        outcome = "failed"
        for _attempt in range(MAX_ATTEMPTS):
            try:
                await send(chat_id)
                outcome = "delivered"
                break
            except RetryAfter as exc:
                await sleep(retry_after_seconds(exc))
            except Forbidden:
                outcome = "blocked"
                break
            except BadRequest as exc:
                # A bad request (chat not found, …) fails the same way on every retry.
                log.warning("broadcast message not accepted: %s", exc)
                break
            except NetworkError:
                await sleep(NETWORK_RETRY_SECONDS)
            except TelegramError as exc:
                log.warning("broadcast message failed: %s", exc)
                break
        counts[outcome] += 1
        await record(chat_id, outcome)
        await sleep(1 / MESSAGES_PER_SECOND)
    return DeliveryReport(**counts)


def tip_message(svc: BotServices, tip: Tip) -> tuple[str, InlineKeyboardMarkup | None]:
    """A tip as a broadcast: title, text, the note, and a read-more button when it points to an FAQ."""
    body = "\n\n".join([f"<b>{html.escape(tip.title)}</b>", *plain(tip.text), note(svc.replies.disclaimer)])
    if tip.faq_id and svc.engine.current.kb.faq(tip.faq_id):
        button = InlineKeyboardButton(svc.messages.text("buttons.read_more"), callback_data=pack(Action.TIP, tip.id))
        return body, InlineKeyboardMarkup([[button]])
    return body, None


@admin_only
async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcast <text> | tip [id]: send to all subscribers in the background and report the counts."""
    message = update.effective_message
    if message is None or not context.args:
        if message:
            await message.reply_text(services(context).messages.text("admin.broadcast_usage"))
        return
    svc = services(context)
    tip: Tip | None = None
    if context.args[0] == "tip":
        tip_id = context.args[1] if len(context.args) > 1 else None
        tip = svc.tip(tip_id) if tip_id else weekly_tip(svc.tips, dt.date.today())
        if tip is None:
            await message.reply_text(svc.messages.text("admin.broadcast_unknown_tip", tip_id=tip_id or "-"))
            return
        body, keyboard = tip_message(svc, tip)
        stored_text = f"{tip.title}\n{tip.text}"
    else:
        stored_text = (message.text or "").split(maxsplit=1)[1]
        body, keyboard = "\n\n".join([*plain(stored_text), note(svc.replies.disclaimer)]), None
    chat_ids = await svc.analytics.run(lambda store: store.subscribers())
    broadcast_id = await svc.analytics.run(
        lambda store: store.record_broadcast(text=stored_text, tip_id=tip.id if tip else None))
    await message.reply_text(svc.messages.text("admin.broadcast_started", count=len(chat_ids)))

    async def send(chat_id: int) -> object:
        return await context.bot.send_message(chat_id, body, parse_mode=ParseMode.HTML, reply_markup=keyboard)

    async def record(chat_id: int, outcome: str) -> None:
        # Broadcasts go to private chats, where the chat id is the user's id.
        await svc.analytics.run(lambda store: store.record_delivery(broadcast_id, chat_id, outcome=outcome))
        if outcome == "blocked":
            await svc.analytics.run(lambda store: store.unsubscribe(chat_id))

    async def run_and_report() -> None:
        report = await deliver(chat_ids, send, record)
        await message.reply_text(svc.messages.text(
            "admin.broadcast_done", delivered=report.delivered, blocked=report.blocked, failed=report.failed))

    context.application.create_task(run_and_report(), update=update, name="broadcast")
