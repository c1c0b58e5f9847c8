"""Building the villager-facing replies: an FAQ answer, a suggestion list, the fallback, an article.

Each builder returns a `Reply` (HTML paragraphs and buttons); `send_reply` adds the closing note,
splits under Telegram's limit and sends, with the buttons under the last part.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from handlers.callback_data import Action, AnswerSource, pack
from handlers.formatting import answer_paragraphs, citations_line, note, pack_messages, plain, rich
from handlers.send_retry import send_with_retries
from handlers.services import BotServices
from knowledge.model import Citation, Faq, MatchResult, Outcome
from knowledge.replies import version_notes

# Button captions are cut here so that three suggestions still read well on a narrow phone.
MAX_BUTTON_CHARS = 32


@dataclass(frozen=True)
class Reply:
    """Paragraphs of Telegram HTML and the inline keyboard to put under them."""

    paragraphs: tuple[str, ...]
    keyboard: InlineKeyboardMarkup | None = None


def button_caption(text: str) -> str:
    """A question shortened to fit a button."""
    return text if len(text) <= MAX_BUTTON_CHARS else text[: MAX_BUTTON_CHARS - 1] + "…"


def question_buttons(faqs: Sequence[Faq], source: AnswerSource) -> list[list[InlineKeyboardButton]]:
    """One button per question, each answering it when tapped."""
    return [[InlineKeyboardButton(button_caption(f.question), callback_data=pack(Action.ANSWER, source, f.id))]
            for f in faqs]


def faq_reply(svc: BotServices, faq: Faq | None, answer: str, citations: Sequence[Citation], *,
              question_id: int | None, back: InlineKeyboardButton | None = None,
              alternatives: Sequence[Faq] = ()) -> Reply:
    """An answer with its legal basis and the 法条原文 / 相关问题 / 👍 👎 buttons, and under it the close
    alternatives the matcher offers in case the answer missed the point."""
    texts = svc.messages
    paragraphs = [
        *answer_paragraphs(answer, urgent=bool(faq and faq.urgent), urgent_mark=texts.text("urgent_mark")),
        *citations_line(texts.text("answer_basis"), citations),
        *(plain_line for text in version_notes(citations, svc.engine.current.kb.laws, svc.replies.version_note,
                                               dt.date.today()) for plain_line in plain(text)),
    ]
    faq_key = faq.id if faq else ""
    first_row = []
    if faq and svc.statutes is not None and faq.citations:
        first_row.append(InlineKeyboardButton(texts.text("buttons.article"),
                                              callback_data=pack(Action.ARTICLE, faq.id)))
    if faq and faq.related:
        first_row.append(InlineKeyboardButton(texts.text("buttons.related"),
                                              callback_data=pack(Action.RELATED, faq.id)))
    if alternatives:
        paragraphs.append(html.escape(texts.text("alternatives_intro")))
    qid = question_id or 0
    rows = [first_row] if first_row else []
    rows.extend([InlineKeyboardButton(button_caption(f.question), callback_data=_alternative_data(qid, f.id))]
                for f in alternatives)
    rows.append([
        InlineKeyboardButton(texts.text("buttons.helpful"), callback_data=pack(Action.FEEDBACK, 1, qid, faq_key)),
        InlineKeyboardButton(texts.text("buttons.unhelpful"), callback_data=pack(Action.FEEDBACK, 0, qid, faq_key)),
    ])
    if back is not None:
        rows.append([back])
    return Reply(tuple(paragraphs), InlineKeyboardMarkup(rows))


def _alternative_data(question_id: int, faq_id: str) -> str:
    """Button data for an alternative under an answer; without the question id in the (theoretical) case
    that a huge row id and a 40-byte entry id would not fit Telegram's 64 bytes together."""
    try:
        return pack(Action.ALTERNATIVE, question_id, faq_id)
    except ValueError:
        return pack(Action.ALTERNATIVE, 0, faq_id)


def fallback_reply(svc: BotServices) -> Reply:
    """The honest "not sure": 12348 and the office's contact, never a guess."""
    return Reply(tuple(plain(svc.replies.fallback.format(office=svc.office_contact))))


def result_reply(svc: BotServices, result: MatchResult, question_id: int | None) -> Reply:
    """What to send for one matcher result."""
    if result.chitchat is not None:
        return Reply(tuple(plain(result.chitchat)))
    if result.status is Outcome.ANSWERED and result.answer:
        return faq_reply(svc, result.faq, result.answer, result.citations, question_id=question_id,
                         alternatives=result.suggestions)
    if result.referral:
        return referral_reply(svc, result.referral, result.suggestions)
    if result.status is Outcome.SUGGEST and result.suggestions:
        rows = question_buttons(result.suggestions, AnswerSource.SUGGESTION)
        rows.append([InlineKeyboardButton(svc.replies.none_of_these,
                                          callback_data=pack(Action.NONE_OF_THESE, question_id or 0))])
        step = result.suggestions[0].emergency_step
        first = answer_paragraphs(step, urgent=True, urgent_mark=svc.messages.text("urgent_mark")) if step else []
        return Reply((*first, html.escape(svc.messages.text("suggest_intro"))), InlineKeyboardMarkup(rows))
    return fallback_reply(svc)


def referral_reply(svc: BotServices, referral: str, legal: Sequence[Faq]) -> Reply:
    """Where to ask about a matter outside the law (看病, 补贴 …), with the legal entries that came close as
    buttons, in case the question was a legal one after all."""
    if not legal:
        return Reply(tuple(plain(referral)))
    rows = question_buttons(legal, AnswerSource.SUGGESTION)
    return Reply((*plain(referral), html.escape(svc.replies.referral_legal)), InlineKeyboardMarkup(rows))


def article_reply(svc: BotServices, citations: Sequence[Citation]) -> Reply:
    """The cited articles' own words, or the note that a text is not imported yet."""
    paragraphs: list[str] = [html.escape(svc.messages.text("article_intro"))]
    for citation in citations:
        text = svc.statutes.article_text(citation.law, citation.article) if svc.statutes else None
        paragraphs.append(f"<b>{html.escape(citation.display)}</b>")
        paragraphs.extend(plain(text) if text else plain(svc.replies.article_missing))
    return Reply(tuple(paragraphs))


def citing_reply(svc: BotServices, citation: Citation, faqs: Sequence[Faq]) -> Reply:
    """An article asked for by /law: its text when imported, and the questions that cite it."""
    text = svc.statutes.article_text(citation.law, citation.article) if svc.statutes else None
    paragraphs = [f"<b>{html.escape(citation.display)}</b>"]
    paragraphs.extend(plain(text) if text else plain(svc.replies.article_missing))
    if faqs:
        paragraphs.append(rich(svc.messages.text("law_citing")))
    rows = question_buttons(faqs, AnswerSource.LAW)
    return Reply(tuple(paragraphs), InlineKeyboardMarkup(rows) if rows else None)


async def send_reply(message: Message, reply: Reply, svc: BotServices) -> None:
    """Send a reply to the chat of `message`, closing with the general-information note."""
    parts = pack_messages([*reply.paragraphs, note(svc.replies.disclaimer)])
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await send_with_retries(functools.partial(
            message.reply_text, part, parse_mode=ParseMode.HTML, reply_markup=reply.keyboard if last else None))
