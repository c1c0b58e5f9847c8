"""Checks a clerk runs with `pufa kb check` beyond what loading validates, and `pufa kb stats`.

Loading already guarantees the schema, unique ids, resolvable `related` links and current laws. This
module adds what needs the matcher or the statute texts: alternates that the matcher would send to a
different entry (collisions), near-duplicate entries, citations that do not exist, and inexact quotes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from knowledge.loader import Problem
from knowledge.matcher import Matcher
from knowledge.model import Faq, KnowledgeBase
from knowledge.statutes import normalize_quote, read_statute_file

# Two entries whose questions are this similar (rapidfuzz ratio on normalised text) are likely the same
# question written twice; merge them or make the difference explicit.
NEAR_DUPLICATE_RATIO = 92
# A topic with fewer entries than this is reported as thin by `pufa kb stats`.
THIN_TOPIC_ENTRIES = 8
# Entries not reviewed for longer than this are listed for review.
REVIEW_AFTER = dt.timedelta(days=365)
MIN_ALTERNATES = 4
MAX_ANSWER_CHARS = 400


def _where(faq: Faq) -> tuple[str, int]:
    return (faq.source.path, faq.source.line) if faq.source else ("?", 0)


def find_collisions(matcher: Matcher) -> list[Problem]:
    """Alternates whose best match is another entry that does not share a citation with their own."""
    problems = []
    for faq in matcher.kb.faqs:
        own = {c.label for c in faq.citations}
        for text in (faq.question, *faq.alternates):
            ranked = matcher.rank(text)
            if not ranked or ranked[0].faq.id == faq.id:
                continue
            winner = ranked[0].faq
            if own & {c.label for c in winner.citations}:
                continue
            own_score = next((s.score for s in ranked if s.faq.id == faq.id), 0.0)
            if ranked[0].score - own_score > 0.02:
                problems.append(
                    Problem(*_where(faq), f'{faq.id}: "{text}" matches {winner.id} better than its own entry')
                )
    return problems


def find_near_duplicates(kb: KnowledgeBase, matcher: Matcher) -> list[Problem]:
    """Pairs of entries whose questions say almost the same thing."""
    problems = []
    canon = [(faq, matcher.analyzer.canonical(faq.question)) for faq in kb.faqs]
    for i, (a, text_a) in enumerate(canon):
        for b, text_b in canon[i + 1 :]:
            if fuzz.ratio(text_a, text_b) >= NEAR_DUPLICATE_RATIO:
                problems.append(Problem(*_where(b), f"{b.id} is nearly the same question as {a.id}"))
    return problems


def find_thin_entries(kb: KnowledgeBase) -> list[Problem]:
    """Entries a matcher cannot find well: too few alternates, or an answer too long for a phone."""
    problems = []
    for faq in kb.faqs:
        if len(faq.alternates) < MIN_ALTERNATES:
            problems.append(
                Problem(*_where(faq), f"{faq.id}: only {len(faq.alternates)} alternates (want {MIN_ALTERNATES}+)")
            )
        if len(faq.answer) > MAX_ANSWER_CHARS:
            problems.append(
                Problem(
                    *_where(faq),
                    f"{faq.id}: answer has {len(faq.answer)} characters (keep it under {MAX_ANSWER_CHARS})",
                )
            )
    return problems


def check_citations(kb: KnowledgeBase, laws_dir: Path) -> list[Problem]:
    """Every cited article exists in the statute texts and every quote is word for word in it."""
    texts: dict[str, dict[str, str]] = {}
    problems = []
    for faq in kb.faqs:
        for citation in faq.citations:
            if citation.law not in texts:
                path = laws_dir / f"{citation.law}.md"
                texts[citation.law] = {str(a.number): a.text for a in read_statute_file(path)} if path.exists() else {}
            articles = texts[citation.law]
            if not articles:
                problems.append(Problem(*_where(faq), f"{faq.id}: no statute text for {citation.law} in {laws_dir}"))
                continue
            article = articles.get(str(citation.article))
            if article is None:
                problems.append(Problem(*_where(faq), f"{faq.id}: {citation.display} does not exist"))
            elif citation.quote and normalize_quote(citation.quote) not in normalize_quote(article):
                problems.append(Problem(*_where(faq), f"{faq.id}: quote is not word for word in {citation.display}"))
    return problems


@dataclass(frozen=True)
class KbStats:
    """What `pufa kb stats` prints."""

    entries: int
    alternates: int
    synonyms: int
    per_topic: dict[str, int]
    per_law: dict[str, int]
    thin_topics: list[str]
    urgent: int
    due_for_review: list[str]


def kb_stats(kb: KnowledgeBase, today: dt.date) -> KbStats:
    """Counts per topic and law, thin topics and entries not reviewed for a year."""
    per_topic = Counter(f.topic for f in kb.faqs)
    per_law = Counter(law for f in kb.faqs for law in f.laws)
    return KbStats(
        entries=len(kb.faqs),
        alternates=sum(len(f.alternates) for f in kb.faqs),
        synonyms=len(kb.synonyms),
        per_topic={t.id: per_topic.get(t.id, 0) for t in kb.topics},
        per_law=dict(per_law.most_common()),
        thin_topics=[t.id for t in kb.topics if per_topic.get(t.id, 0) < THIN_TOPIC_ENTRIES],
        urgent=sum(f.urgent for f in kb.faqs),
        due_for_review=[f.id for f in kb.faqs if f.reviewed is None or today - f.reviewed > REVIEW_AFTER],
    )
