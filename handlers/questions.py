"""Typed questions, the reply-keyboard menu, and media that cannot be read.

A question goes: rate limit -> matcher -> analytics event -> reply. In groups the bot only answers
messages that mention it or reply to it, so it never talks over a village chat.
"""

from __future__ import annotations

import time

from telegram import KeyboardButton, Message, MessageEntity, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from analytics.from_match import question_event
from handlers.answers import Reply, fallback_reply, result_reply, send_reply
from handlers.formatting import plain
from handlers.rate_limit import Verdict
from handlers.services import BotServices, services
from handlers.visitors import CHANNEL

# Questions are cut to this length for matching (a pasted contract or chat log is not refused): no FAQ
# question is longer than ~60 characters, and scoring a longer text only adds noise and time.
MAX_QUESTION_CHARS = 300
MENU_KEYS = ("menu.faq", "menu.by_law", "menu.office", "menu.help")


def menu_keyboard(svc: BotServices) -> ReplyKeyboardMarkup:
    """The four menu buttons that stay under the input box."""
    labels = [svc.messages.text(key) for key in MENU_KEYS]
    return ReplyKeyboardMarkup([[KeyboardButton(labels[0]), KeyboardButton(labels[1])],
                                [KeyboardButton(labels[2]), KeyboardButton(labels[3])]], resize_keyboard=True)


def addressed_text(message: Message, bot_id: int, bot_username: str) -> str | None:
    """The question in a message meant for the bot, with the @mention taken out; None if not for us.

    In a private chat everything is for the bot; in a group only a reply to the bot or a mention."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    mention = f"@{bot_username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.lower() == mention:
            return (text[: entity.offset] + text[entity.offset + entity.length:]).strip()
    return None


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed question."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    question = addressed_text(message, context.bot.id, context.bot.username)
    if question is None:
        return
    await answer_question(message, user.id, question, services(context))


async def answer_question(message: Message, user_id: int, question: str, svc: BotServices) -> None:
    """Match one question, record it, reply. Also used by the example buttons of /start."""
    verdict = svc.rate_limiter.check(user_id)
    if verdict is Verdict.DROP:
        return
    if verdict is Verdict.NOTIFY:
        await send_reply(message, Reply(tuple(plain(svc.messages.text("rate_limited")))), svc)
        return
    if not question.strip():
        await send_reply(message, fallback_reply(svc), svc)
        return
    started = time.perf_counter()
    result = svc.engine.current.matcher.match(question[:MAX_QUESTION_CHARS])
    latency_ms = (time.perf_counter() - started) * 1000
    event = question_event(user_id, CHANNEL, question[:MAX_QUESTION_CHARS], result, latency_ms)
    # One analytics write per question (grouped with concurrent ones); it also files a first-time asker,
    # and a question without a village takes the one the asker chose (see AnalyticsStore.record_question).
    question_id = await svc.analytics.record_question(event)
    await send_reply(message, result_reply(svc, result, question_id), svc)


async def show_office(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """找司法所: how to reach the judicial office."""
    svc = services(context)
    if update.effective_message:
        text = svc.messages.text("office", office_contact=svc.office_contact)
        await send_reply(update.effective_message, Reply(tuple(plain(text))), svc)


async def media_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A voice note, photo or sticker: count it and kindly ask for typed text."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if message.chat.type != ChatType.PRIVATE and addressed_text(message, context.bot.id, context.bot.username) is None:
        return
    svc = services(context)
    kind = media_kind(message)
    await svc.analytics.run(lambda store: store.record_media(user.id, kind=kind))
    await message.reply_text(svc.messages.text("media_note"), reply_markup=menu_keyboard(svc))


def media_kind(message: Message) -> str:
    """A short name for what was sent instead of text."""
    for kind in ("voice", "audio", "photo", "sticker", "video", "video_note", "document", "location", "contact"):
        if getattr(message, kind, None):
            return kind
    return "other"
