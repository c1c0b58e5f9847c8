"""Turning matcher results and texts into phone-sized Telegram HTML messages.

Answers are split into short paragraphs, law-and-article references are bold, urgent entries show
their emergency step first, and every villager-facing message ends with the general-information note.
Messages are packed under Telegram's 4,096-character limit at paragraph boundaries, so no tag is cut.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from knowledge.model import Citation

# Telegram's limit on one message, counted in UTF-16 code units after entity parsing; counting the
# HTML source instead is stricter, so the real text always fits.
MAX_MESSAGE_UNITS = 4096
# A paragraph on a phone screen: about four lines of Chinese. Sentences are packed up to this size.
PARAGRAPH_CHARS = 90
# A run of text with no sentence end is cut here; even if every character were escaped to 5 ("&amp;"),
# the paragraph stays under the message limit.
HARD_CUT_CHARS = 800
SENTENCE_END = re.compile(r"(?<=[。！？；!?])")
CITATION_IN_TEXT = re.compile(
    r"《[^《》\n]{1,40}》第[0-9零〇一二三四五六七八九十百千]+条(?:之[0-9一二三四五六七八九十]+)?"
)


def utf16_units(text: str) -> int:
    """Length as Telegram counts it (characters outside the BMP, like emoji, count twice)."""
    return len(text.encode("utf-16-le")) // 2


def short_paragraphs(text: str) -> list[str]:
    """Plain text -> paragraphs of a few sentences each (still plain, not escaped)."""
    paragraphs: list[str] = []
    for line in text.splitlines():
        current = ""
        for sentence in (s for s in SENTENCE_END.split(line.strip()) if s):
            while len(sentence) > HARD_CUT_CHARS:
                if current:
                    paragraphs.append(current)
                    current = ""
                paragraphs.append(sentence[:HARD_CUT_CHARS])
                sentence = sentence[HARD_CUT_CHARS:]
            if current and len(current) + len(sentence) > PARAGRAPH_CHARS:
                paragraphs.append(current)
                current = ""
            current += sentence
        if current:
            paragraphs.append(current)
    return paragraphs


def rich(text: str) -> str:
    """Escape plain text for HTML and make the law-and-article references in it bold."""
    escaped = html.escape(text, quote=False)
    return CITATION_IN_TEXT.sub(lambda m: f"<b>{m.group(0)}</b>", escaped)


def plain(text: str) -> list[str]:
    """Plain text as escaped short paragraphs."""
    return [html.escape(p, quote=False) for p in short_paragraphs(text)]


def answer_paragraphs(answer: str, *, urgent: bool, urgent_mark: str) -> list[str]:
    """An FAQ answer as HTML paragraphs; for an urgent entry the first (emergency) step is marked and bold."""
    paragraphs = [rich(p) for p in short_paragraphs(answer)]
    if urgent and paragraphs:
        paragraphs[0] = f"{urgent_mark} <b>{paragraphs[0]}</b>"
    return paragraphs


def citations_line(label: str, citations: Sequence[Citation]) -> list[str]:
    """'法律依据：《民法典》第1079条、…' with every reference bold; nothing when there are no citations."""
    if not citations:
        return []
    refs = "、".join(f"<b>{html.escape(c.display)}</b>" for c in citations)
    return [f"📖 {html.escape(label)}：{refs}"]


def note(text: str) -> str:
    """The closing general-information note, set apart in italics."""
    return f"<i>{html.escape(text, quote=False)}</i>"


def pack_messages(paragraphs: Iterable[str], limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Join paragraphs with blank lines into as few messages as fit under `limit`."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if current and utf16_units(candidate) > limit:
            messages.append(current)
            current = paragraph
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages
