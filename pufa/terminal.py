"""The terminal conversation (`pufa chat`) and the readable form of one answer (`pufa ask`).

Plain text for a terminal: the answer, the articles it rests on (with the law's version when the law
changed recently), the disclaimer; suggestions, and the close alternatives under an answer, as a numbered
list the user can pick from by typing the number.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TextIO

from knowledge.matcher import Matcher
from knowledge.model import Citation, Faq, KnowledgeBase, MatchResult, Outcome
from knowledge.replies import Replies, version_notes
from pufa.settings import Settings

ARTICLE_WORDS = frozenset({"原文", "法条", "看原文", "法条原文"})
EXIT_WORDS = frozenset({"q", "quit", "exit", "退出", "再见", "拜拜"})
PROMPT = "问> "
URGENT_MARK = "【紧急】"


def format_answer(
    faq_or_none: Faq | None, result: MatchResult, kb: KnowledgeBase, replies: Replies, today: dt.date | None = None
) -> str:
    """An answered result: urgent marker, answer, citations, version notes, disclaimer."""
    today = today or dt.date.today()
    lines = []
    if faq_or_none is not None and faq_or_none.urgent:
        lines.append(URGENT_MARK)
    lines.append(result.answer or "")
    if result.citations:
        lines.append("依据：" + "、".join(c.display for c in result.citations))
    lines.extend(version_notes(result.citations, kb.laws, replies.version_note, today))
    lines.append(replies.disclaimer)
    return "\n".join(line for line in lines if line)


def format_articles(citations: tuple[Citation, ...], matcher: Matcher, replies: Replies) -> str:
    """The cited articles' own words, or the bare citations with a note when texts are not imported."""
    parts = []
    for citation in citations:
        text = matcher.statutes.article_text(citation.law, citation.article) if matcher.statutes else None
        parts.append(f"{citation.display}\n{text}" if text else f"{citation.display}：{replies.article_missing}")
    return "\n\n".join(parts)


def format_result(result: MatchResult, kb: KnowledgeBase, replies: Replies, office: str, pick: bool = False) -> str:
    """Any result as terminal text. With `pick` (the chat) the numbered options invite a number in reply;
    a one-shot `pufa ask` lists them without that invitation, since nothing would read the number."""
    options = [f"  {i}. {faq.question}" for i, faq in enumerate(result.suggestions, 1)]
    invite = [replies.pick_by_number] if pick else []
    if result.status is Outcome.ANSWERED:
        answer = format_answer(result.faq, result, kb, replies)
        return "\n".join([answer, replies.alternatives, *options, *invite]) if options else answer
    if result.referral:
        legal = [replies.referral_legal, *options, *invite] if options else []
        return "\n".join([result.referral, *legal])
    if result.status is Outcome.SUGGEST:
        none_of_these = [f"  0. {replies.none_of_these}"] if pick else []
        step = result.suggestions[0].emergency_step if result.suggestions else None
        urgent = [URGENT_MARK + step] if step else []
        return "\n".join([*urgent, replies.suggest, *options, *none_of_these, *invite])
    if result.chitchat:
        return result.chitchat
    return replies.fallback.format(office=office)


def run_chat(
    matcher: Matcher,
    replies: Replies,
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    on_result: Callable[[str, MatchResult, float], None] | None = None,
) -> int:
    """Read questions until EOF or an exit word; a number picks one of the last suggestions (or of the
    alternatives under the last answer), and 原文 shows the text of the articles the last answer cited
    (when statutes are imported)."""
    stdout.write("普法小助手：有啥子法律上的事，直接问我。看法条原文请输入“原文”，输入 q 退出。\n")
    last_suggestions: tuple[Faq, ...] = ()
    last_citations: tuple[Citation, ...] = ()
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        question = line.strip()
        if question.lower() in EXIT_WORDS:
            stdout.write("再见！有事再来问。\n")
            return 0
        if question in ARTICLE_WORDS and last_citations:
            stdout.write(format_articles(last_citations, matcher, replies) + "\n\n")
            continue
        if question.isdigit() and last_suggestions:
            choice = int(question)
            if 1 <= choice <= len(last_suggestions):
                faq = last_suggestions[choice - 1]
                picked = MatchResult(Outcome.ANSWERED, 1.0, faq=faq, answer=faq.answer, citations=faq.citations)
                stdout.write(format_answer(faq, picked, matcher.kb, replies) + "\n\n")
                last_citations = faq.citations
            else:
                stdout.write(replies.fallback.format(office=settings.office_contact) + "\n\n")
            last_suggestions = ()
            continue
        started = time.perf_counter()
        result = matcher.match(question)
        if on_result is not None:
            on_result(question, result, (time.perf_counter() - started) * 1000)
        last_suggestions = result.suggestions
        last_citations = result.citations
        stdout.write(format_result(result, matcher.kb, replies, settings.office_contact, pick=True) + "\n\n")
