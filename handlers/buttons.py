"""Every inline-button tap, routed by its action code.

Button data comes back from the client and can be forged, so each route re-checks what it is given
(unknown FAQ ids, malformed numbers) and does nothing rather than fail; no admin action is reachable
from a button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from handlers.answers import Reply, article_reply, fallback_reply, faq_reply, question_buttons, send_reply
from handlers.callback_data import Action, AnswerSource, pack, unpack
from handlers.formatting import plain
from handlers.questions import answer_question
from handlers.services import BotServices, services
from handlers.topics import Screen, law_list, law_page, topic_list, topic_page
from handlers.visitors import choose_village

CLICK_KINDS = {
    AnswerSource.SUGGESTION: "suggestion",
    AnswerSource.RELATED: "related",
    AnswerSource.TOPIC: "topic",
    AnswerSource.LAW: "topic",
}

# SQLite row ids are signed 64-bit integers; a larger forged number would fail deep in the database driver.
MAX_ROW_ID = 2**63 - 1

Route = Callable[[CallbackQuery, Message, int, list[str], BotServices], Awaitable[None]]


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _question_id(text: str) -> int | None:
    """A question id from button data: negative while the analytics row waits in memory (writer.py);
    None for anything a row id cannot be, such as a forged number too large for SQLite."""
    if not text.removeprefix("-").isdigit():
        return None
    value = int(text)
    return value if abs(value) <= MAX_ROW_ID else None


async def _edit(query: CallbackQuery, screen: Screen) -> None:
    text, keyboard = screen
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        # Tapping the button of the screen already shown is harmless; anything else is a real error.
        if "not modified" not in str(exc).lower():
            raise


async def answer_faq(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                     svc: BotServices) -> None:
    """A tapped question (suggestion, related, topic or law list): its answer."""
    if len(parts) != 2:
        return
    source_code, faq_id = parts
    try:
        source = AnswerSource(source_code)
    except ValueError:
        return
    faq = svc.engine.current.kb.faq(faq_id)
    if faq is None:
        await send_reply(message, fallback_reply(svc), svc)
        return
    await svc.analytics.run(lambda store: store.record_click(user_id, kind=CLICK_KINDS[source], target=faq_id))
    back = None
    if source is AnswerSource.TOPIC:
        back = InlineKeyboardButton(svc.messages.text("buttons.back"), callback_data=pack(Action.TOPIC, faq.topic, 0))
    await send_reply(message, faq_reply(svc, faq, faq.answer, faq.citations, question_id=None, back=back), svc)


async def answer_alternative(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                             svc: BotServices) -> None:
    """An entry offered under an answer, tapped: its answer. The tap is noted with the question it was
    offered for: the first answer missed the point, and /gaps shows the clerk which entry the villager
    wanted, so that their wording can become one of its alternates."""
    if len(parts) != 2:
        return
    question_id, faq = _question_id(parts[0]), svc.engine.current.kb.faq(parts[1])
    if faq is None:
        await send_reply(message, fallback_reply(svc), svc)
        return
    await svc.analytics.run(lambda store: store.record_click(
        user_id, kind="alternative", target=faq.id, question_id=question_id or None))
    await send_reply(message, faq_reply(svc, faq, faq.answer, faq.citations, question_id=None), svc)


async def show_article(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                       svc: BotServices) -> None:
    """📜 法条原文: the text of the articles an answer cites."""
    faq = svc.engine.current.kb.faq(parts[0]) if parts else None
    if faq is None:
        return
    await svc.analytics.run(lambda store: store.record_click(user_id, kind="article", target=faq.id))
    await send_reply(message, article_reply(svc, faq.citations), svc)


async def show_related(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                       svc: BotServices) -> None:
    """🔗 相关问题: the related questions as buttons."""
    kb = svc.engine.current.kb
    faq = kb.faq(parts[0]) if parts else None
    if faq is None:
        return
    await svc.analytics.run(lambda store: store.record_click(user_id, kind="related", target=faq.id))
    related = [r for r in (kb.faq(i) for i in faq.related) if r is not None]
    if not related:
        await message.reply_text(svc.messages.text("related_none"))
        return
    keyboard = InlineKeyboardMarkup(question_buttons(related, AnswerSource.RELATED))
    await message.reply_text(svc.messages.text("related_intro"), reply_markup=keyboard)


async def give_feedback(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                        svc: BotServices) -> None:
    """👍 / 👎 under an answer."""
    if len(parts) != 3 or parts[0] not in ("0", "1") or _question_id(parts[1]) is None:
        await query.answer()
        return
    helpful, question_id, faq_id = parts[0] == "1", _question_id(parts[1]) or None, parts[2] or None
    await svc.analytics.run(lambda store: store.record_feedback(
        user_id, faq_id=faq_id, helpful=helpful, question_id=question_id))
    await query.answer(svc.messages.text("feedback_thanks"))


async def none_of_these(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                        svc: BotServices) -> None:
    """都不是: the miss is recorded as a gap and the referral shown."""
    question_id = _question_id(parts[0]) if parts else None
    if question_id is None:
        return
    await svc.analytics.run(lambda store: store.record_click(user_id, kind="none_of_these", target=str(question_id)))
    referral = fallback_reply(svc)
    await send_reply(message, Reply((*plain(svc.messages.text("none_of_these")), *referral.paragraphs)), svc)


async def ask_example(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                      svc: BotServices) -> None:
    """One of the welcome's example questions, asked as if typed."""
    examples = svc.messages.items("examples")
    index = _int(parts[0]) if parts else None
    if index is not None and index < len(examples):
        await answer_question(message, user_id, examples[index], svc)


async def pick_village(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                       svc: BotServices) -> None:
    """The village choice (or skip) offered by /start."""
    village = svc.village(parts[0]) if parts else None
    if village is None:
        await _edit(query, (svc.messages.text("village_skipped"), InlineKeyboardMarkup([])))
        return
    await choose_village(svc, user_id, village.code)
    await _edit(query, (svc.messages.text("village_chosen", village=village.name), InlineKeyboardMarkup([])))


async def read_tip(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                   svc: BotServices) -> None:
    """📖 阅读全文 under a broadcast: the FAQ the tip points to, counted as a click."""
    tip = svc.tip(parts[0]) if parts else None
    faq = svc.engine.current.kb.faq(tip.faq_id) if tip and tip.faq_id else None
    if tip is None or faq is None:
        return
    await svc.analytics.run(lambda store: store.record_click(user_id, kind="read_more", target=tip.id))
    await send_reply(message, faq_reply(svc, faq, faq.answer, faq.citations, question_id=None), svc)


async def browse(query: CallbackQuery, message: Message, user_id: int, parts: list[str],
                 svc: BotServices, action: Action) -> None:
    """Topic and law lists: edit the list in place."""
    if action is Action.TOPICS:
        await _edit(query, topic_list(svc))
    elif action is Action.LAWS:
        await _edit(query, law_list(svc))
    elif len(parts) == 2 and _int(parts[1]) is not None:
        page = _int(parts[1]) or 0
        if action is Action.TOPIC:
            await _edit(query, topic_page(svc, parts[0], page))
        else:
            await _edit(query, law_page(svc, parts[0], page))


ROUTES: dict[Action, Route] = {
    Action.ANSWER: answer_faq,
    Action.ARTICLE: show_article,
    Action.RELATED: show_related,
    Action.FEEDBACK: give_feedback,
    Action.NONE_OF_THESE: none_of_these,
    Action.ALTERNATIVE: answer_alternative,
    Action.EXAMPLE: ask_example,
    Action.VILLAGE: pick_village,
    Action.TIP: read_tip,
}
BROWSING = (Action.TOPICS, Action.TOPIC, Action.LAWS, Action.LAW)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route one tap; every tap is acknowledged so the client stops its spinner."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parsed = unpack(query.data)
    message = query.message
    if parsed is None or not isinstance(message, Message):
        await query.answer()
        return
    action, parts = parsed
    svc = services(context)
    if action is not Action.FEEDBACK:
        await query.answer()
    if action in BROWSING:
        await browse(query, message, user.id, parts, svc, action)
    else:
        await ROUTES[action](query, message, user.id, parts, svc)
