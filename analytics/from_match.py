"""Turning a matcher result into the analytics event, the same way for every channel.

Both the Telegram handlers and the terminal chat record questions; building the event in one place
keeps the counted topic and laws identical whichever way a person asked.
"""

from __future__ import annotations

from analytics.events import QuestionEvent
from knowledge.model import MatchResult


def question_event(
    user_id: int | str,
    channel: str,
    question: str,
    result: MatchResult,
    latency_ms: float,
    village: str | None = None,
) -> QuestionEvent:
    """The event for one question and what the matcher did with it."""
    faq = result.faq
    return QuestionEvent(
        user_id=user_id,
        channel=channel,
        question=question,
        status=result.status.value,
        faq_id=faq.id if faq else None,
        # A referral subject (看病吃药 …) is kept by its id but not counted as a legal topic in the reports.
        topic=faq.topic if faq and not faq.referral else None,
        laws=tuple(dict.fromkeys(c.law for c in result.citations)),
        citations=tuple(c.label for c in result.citations),
        score=result.score,
        latency_ms=latency_ms,
        village=village,
    )
