"""The quick figures behind the bot's admin commands: /stats for a period and /gaps for new FAQs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# How many topics and unanswered questions /stats lists: what fits on a phone screen.
STATS_TOP_N = 5


@dataclass(frozen=True)
class Stats:
    """One period's headline figures."""

    questions: int
    people: int
    answered_rate: float  # 0–1; answered questions over all questions (0 when there were none)
    top_topics: tuple[tuple[str, int], ...]  # (topic id, questions), most asked first
    top_unanswered: tuple[tuple[str, int], ...]  # (redacted question, times), fallbacks only


@dataclass(frozen=True)
class Gap:
    """A question the knowledge base does not serve well yet."""

    question: str  # redacted text as asked
    count: int
    # "fallback" (no answer) | "none_of_these" (suggestions missed) | "unhelpful" (👎) | "alternative" (the
    # answer missed the point and the villager tapped another entry offered under it)
    kind: str
    faq_id: str | None = None  # for 👎: the FAQ that did not help; for an alternative: the one tapped instead


def read_stats(conn: sqlite3.Connection, since: str, until: str) -> Stats:
    """Figures for questions with `since <= at < until` (stored UTC text times)."""
    total, people, answered = conn.execute(
        "select count(*), count(distinct user), coalesce(sum(status = 'answered'), 0) from questions"
        " where at >= ? and at < ?", (since, until)).fetchone()
    topics = conn.execute(
        "select topic, count(*) as n from questions where at >= ? and at < ? and topic is not null"
        " group by topic order by n desc, topic limit ?", (since, until, STATS_TOP_N)).fetchall()
    unanswered = conn.execute(
        "select question, count(*) as n from questions where at >= ? and at < ? and status = 'fallback'"
        " and question is not null group by question order by n desc, question limit ?",
        (since, until, STATS_TOP_N)).fetchall()
    return Stats(
        questions=total,
        people=people,
        answered_rate=answered / total if total else 0.0,
        top_topics=tuple((t, n) for t, n in topics),
        top_unanswered=tuple((q, n) for q, n in unanswered),
    )


def read_gaps(conn: sqlite3.Connection, limit: int) -> list[Gap]:
    """The most frequent fallbacks, 都不是 taps, 👎 and alternatives tapped under an answer, merged and
    ordered by how often they happen."""
    rows: list[Gap] = []
    for question, count in conn.execute(
        "select question, count(*) from questions where status = 'fallback' and question is not null"
        " group by question"
    ):
        rows.append(Gap(question, count, "fallback"))
    for question, count in conn.execute(
        "select q.question, count(*) from clicks c join questions q on q.id = cast(c.target as integer)"
        " where c.kind = 'none_of_these' and q.question is not null group by q.question"
    ):
        rows.append(Gap(question, count, "none_of_these"))
    for question, faq_id, count in conn.execute(
        "select coalesce(q.question, ''), f.faq_id, count(*) from feedback f left join questions q"
        " on q.id = f.question_id where f.helpful = 0 group by q.question, f.faq_id"
    ):
        rows.append(Gap(question, count, "unhelpful", faq_id))
    for question, faq_id, count in conn.execute(
        "select q.question, c.target, count(*) from clicks c join questions q on q.id = c.question_id"
        " where c.kind = 'alternative' and q.question is not null group by q.question, c.target"
    ):
        rows.append(Gap(question, count, "alternative", faq_id))
    rows.sort(key=lambda gap: (-gap.count, gap.kind, gap.question))
    return rows[:limit]
