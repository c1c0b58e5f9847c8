"""/start, /help, /subscribe and /unsubscribe: welcoming villagers and keeping their choices.

A poster's QR code opens `/start v-<code>`, so the village is known from the first message and the
office can count how many people each poster brought in.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from handlers.answers import Reply, send_reply
from handlers.callback_data import Action, pack
from handlers.formatting import plain
from handlers.questions import menu_keyboard
from handlers.services import BotServices, services
from handlers.visitors import note_visitor

DEEP_LINK_VILLAGE_PREFIX = "v-"
POSTER_SOURCE = "poster"
# Two village buttons per row keep names like 场镇社区 readable on a phone.
VILLAGES_PER_ROW = 2


def village_keyboard(svc: BotServices) -> InlineKeyboardMarkup:
    """The configured villages, two to a row, and a skip button."""
    buttons = [InlineKeyboardButton(v.name, callback_data=pack(Action.VILLAGE, v.code)) for v in svc.villages]
    rows = [buttons[i: i + VILLAGES_PER_ROW] for i in range(0, len(buttons), VILLAGES_PER_ROW)]
    rows.append([InlineKeyboardButton(svc.messages.text("buttons.skip"), callback_data=pack(Action.VILLAGE, "-"))])
    return InlineKeyboardMarkup(rows)


def examples_keyboard(svc: BotServices) -> InlineKeyboardMarkup:
    """The welcome's example questions, answered when tapped."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=pack(Action.EXAMPLE, index))]
                                 for index, text in enumerate(svc.messages.items("examples"))])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome: what the bot does, the menu, example questions, and the village choice."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    payload = context.args[0] if context.args else ""
    village = None
    if payload.startswith(DEEP_LINK_VILLAGE_PREFIX):
        village = svc.village(payload[len(DEEP_LINK_VILLAGE_PREFIX):])
    await note_visitor(svc, user.id, village=village.code if village else None,
                       source=POSTER_SOURCE if village else None)
    await message.reply_text(svc.messages.text("welcome"), reply_markup=menu_keyboard(svc))
    await message.reply_text(svc.messages.text("examples_intro"), reply_markup=examples_keyboard(svc))
    if village is not None:
        await message.reply_text(svc.messages.text("village_chosen", village=village.name))
    elif svc.villages:
        await message.reply_text(svc.messages.text("village_prompt"), reply_markup=village_keyboard(svc))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot."""
    svc = services(context)
    if update.effective_message:
        await send_reply(update.effective_message, Reply(tuple(plain(svc.messages.text("help")))), svc)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sign up for the weekly outreach message."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    chat_id = message.chat_id
    await svc.analytics.run(lambda store: store.subscribe(user.id, chat_id))
    await message.reply_text(svc.messages.text("subscribed"))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the weekly outreach message."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    await svc.analytics.run(lambda store: store.unsubscribe(user.id))
    await message.reply_text(svc.messages.text("unsubscribed"))
