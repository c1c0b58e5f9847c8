"""Inline-button data: a short action code and ids, never question text, within Telegram's 64 bytes.

Every button the bot sends is built by `pack`, so the limit is checked in one place; `unpack` accepts
whatever a client sends back (data can be forged) and the router treats unknown actions as no-ops.
"""

from __future__ import annotations

from enum import StrEnum

# Telegram rejects callback_data longer than 64 bytes (UTF-8).
MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"


class Action(StrEnum):
    """What a tapped button asks for."""

    ANSWER = "a"  # a:<source>:<faq_id> — show an FAQ's answer
    ALTERNATIVE = "alt"  # alt:<question id or 0>:<faq_id> — an entry offered under an answer, tapped
    ARTICLE = "art"  # art:<faq_id> — the cited articles' text
    RELATED = "rel"  # rel:<faq_id> — related questions as buttons
    FEEDBACK = "fb"  # fb:<1|0>:<question id or 0>:<faq_id>
    NONE_OF_THESE = "none"  # none:<question id>
    EXAMPLE = "ex"  # ex:<index> — one of the welcome's example questions
    TOPICS = "tl"  # the topic list
    TOPIC = "tp"  # tp:<topic_id>:<page>
    LAWS = "ll"  # the law list
    LAW = "lp"  # lp:<law short title>:<page>
    VILLAGE = "v"  # v:<code> or v:- to skip
    TIP = "tip"  # tip:<tip_id> — "read more" under a broadcast


class AnswerSource(StrEnum):
    """Where a tapped question came from, for the click statistics."""

    SUGGESTION = "s"
    RELATED = "r"
    TOPIC = "t"
    LAW = "l"


def pack(action: Action, *parts: object) -> str:
    """Button data for an action; raises ValueError if it would not fit Telegram's limit."""
    data = SEPARATOR.join([action.value, *map(str, parts)])
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> tuple[Action, list[str]] | None:
    """The action and its parts, or None for data this bot never sends."""
    if not data:
        return None
    head, *parts = data.split(SEPARATOR)
    try:
        return Action(head), parts
    except ValueError:
        return None
