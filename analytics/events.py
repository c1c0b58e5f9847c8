"""The events the bot and the terminal chat hand to the analytics store.

These are the contract between the handlers and analytics: plain frozen dataclasses holding raw values.
The store pseudonymises `user_id` and redacts `question` on the way in, so callers never have to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

CHANNELS = ("telegram", "cli")
STATUSES = ("answered", "suggest", "fallback")
CLICK_KINDS = ("article", "related", "suggestion", "alternative", "none_of_these", "read_more", "topic")
DELIVERY_OUTCOMES = ("delivered", "blocked", "failed")


@dataclass(frozen=True)
class QuestionEvent:
    """One question asked and what the matcher did with it."""

    user_id: int | str  # raw id; the store pseudonymises it, never stores it
    channel: str  # "telegram" | "cli"
    question: str  # raw text; the store redacts phone/ID-card/bank-card numbers before storing
    status: str  # "answered" | "suggest" | "fallback"
    faq_id: str | None
    topic: str | None
    laws: tuple[str, ...]  # short titles cited
    citations: tuple[str, ...]  # labels like "民法典:1079"
    score: float
    latency_ms: float
    village: str | None = None
    at: datetime | None = None  # aware datetime; default now (UTC stored, reports in Asia/Shanghai)


def event_time(at: datetime | None) -> datetime:
    """An aware UTC time for `at` (now when None); a naive datetime is refused so no hour is silently lost."""
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("analytics times must be timezone-aware (e.g. datetime.now(UTC))")
    return at.astimezone(UTC)


def stored_time(at: datetime | None) -> str:
    """The UTC text form stored in SQLite (STORED_TIME_FORMAT): sortable, readable in any SQLite browser."""
    # isoformat is several times faster than strftime, which matters at bulk-ingest rates.
    return event_time(at).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


# Microseconds keep the order of events within one second; string order equals time order.
STORED_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
