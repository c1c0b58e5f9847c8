"""Browsing by topic (/topics, 常见问题) and by law (按法律查): lists of buttons, with back navigation.

Lists are edited in place as the villager taps through them, so the chat does not fill with menus.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from handlers.answers import question_buttons
from handlers.callback_data import Action, AnswerSource, pack
from handlers.services import BotServices, services
from knowledge.model import Faq

# Eight questions per page fit one phone screen without scrolling.
QUESTIONS_PER_PAGE = 8
# Topic and law buttons go two to a row: their names are short (婚姻家庭, 民法典).
NAMES_PER_ROW = 2

Screen = tuple[str, InlineKeyboardMarkup]


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i: i + NAMES_PER_ROW] for i in range(0, len(buttons), NAMES_PER_ROW)]


def topic_list(svc: BotServices) -> Screen:
    """Every topic that has at least one question."""
    kb = svc.engine.current.kb
    used = {f.topic for f in kb.faqs}
    buttons = [InlineKeyboardButton(t.name, callback_data=pack(Action.TOPIC, t.id, 0))
               for t in kb.topics if t.id in used]
    return svc.messages.text("topics_intro"), InlineKeyboardMarkup(_rows(buttons))


def law_list(svc: BotServices) -> Screen:
    """Every law that at least one question cites, in the order of laws.yaml."""
    kb = svc.engine.current.kb
    cited = {law for f in kb.faqs for law in f.laws}
    buttons = [InlineKeyboardButton(f"《{name}》", callback_data=pack(Action.LAW, name, 0))
               for name in kb.laws if name in cited]
    return svc.messages.text("laws_intro"), InlineKeyboardMarkup(_rows(buttons))


def _page(svc: BotServices, title: str, faqs: Sequence[Faq], source: AnswerSource, page: int,
          page_action: Action, key: str, back: Action) -> Screen:
    page = max(0, min(page, (len(faqs) - 1) // QUESTIONS_PER_PAGE if faqs else 0))
    shown = faqs[page * QUESTIONS_PER_PAGE: (page + 1) * QUESTIONS_PER_PAGE]
    rows = question_buttons(shown, source)
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(svc.messages.text("buttons.prev"),
                                        callback_data=pack(page_action, key, page - 1)))
    if (page + 1) * QUESTIONS_PER_PAGE < len(faqs):
        nav.append(InlineKeyboardButton(svc.messages.text("buttons.next"),
                                        callback_data=pack(page_action, key, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(svc.messages.text("buttons.back"), callback_data=pack(back))])
    text = title if faqs else svc.messages.text("nothing_here")
    return text, InlineKeyboardMarkup(rows)


def topic_page(svc: BotServices, topic_id: str, page: int) -> Screen:
    """One page of a topic's questions."""
    kb = svc.engine.current.kb
    faqs = [f for f in kb.faqs if f.topic == topic_id]
    title = svc.messages.text("topic_intro", topic=kb.topic_name(topic_id))
    return _page(svc, title, faqs, AnswerSource.TOPIC, page, Action.TOPIC, topic_id, Action.TOPICS)


def law_page(svc: BotServices, law: str, page: int) -> Screen:
    """One page of the questions citing a law."""
    faqs = [f for f in svc.engine.current.kb.faqs if law in f.laws]
    title = svc.messages.text("law_intro", law=law)
    return _page(svc, title, faqs, AnswerSource.LAW, page, Action.LAW, law, Action.LAWS)


async def show_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics and the 常见问题 menu button."""
    if update.effective_message:
        text, keyboard = topic_list(services(context))
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def show_laws(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 按法律查 menu button."""
    if update.effective_message:
        text, keyboard = law_list(services(context))
        await update.effective_message.reply_text(text, reply_markup=keyboard)
