"""Checks a clerk runs with `pufa kb check` beyond what loading validates, and `pufa kb stats`.

Loading already guarantees the schema, unique ids, resolvable `related` links and current laws. This
module adds what needs the matcher or the statute texts: alternates that the matcher would send to a
different entry (collisions), near-duplicate entries, citations that do not exist, and inexact quotes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from knowledge.loader import Problem
from knowledge.matcher import Matcher, Scored, Thresholds, decide
from knowledge.model import Faq, KnowledgeBase, Outcome
from knowledge.statutes import normalize_quote, read_statute_file

# Two entries whose questions are this similar (rapidfuzz ratio on normalised text) are likely the same
# question written twice; merge them or make the difference explicit.
NEAR_DUPLICATE_RATIO = 92
# A topic with fewer entries than this is reported as thin by `pufa kb stats`.
THIN_TOPIC_ENTRIES = 8
# Entries not reviewed for longer than this are listed for review.
REVIEW_AFTER = dt.timedelta(days=365)
MIN_ALTERNATES = 4
# Alternates are held out in this many folds when testing for collisions (each fold rebuilds the index).
HELD_OUT_FOLDS = 4
# An alternate is reported when another entry outscores its own by more than this (ties are noise).
COLLISION_MARGIN = 0.05
# "About 300 characters": what fits a phone screen without scrolling, with a little room for a clerk.
MAX_ANSWER_CHARS = 320


def _where(faq: Faq) -> tuple[str, int]:
    return (faq.source.path, faq.source.line) if faq.source else ("?", 0)


@dataclass(frozen=True)
class HeldOut:
    """One alternate asked of a matcher that was built without it: how a new, similar question fares."""

    faq: Faq
    text: str
    ranked: list[Scored]
    answerable: bool


def held_out_rankings(kb: KnowledgeBase, folds: int = HELD_OUT_FOLDS) -> list[HeldOut]:
    """Rank every alternate with a matcher built on the other folds' alternates (k-fold).

    An alternate asked of a base that contains it matches itself perfectly and proves nothing; held
    out, it shows which entry a villager asking it that way would really get. Referral subjects' phrasings
    are held out the same way: a legal entry that would answer one is as much a collision."""
    rows: list[HeldOut] = []

    def held_out(entries: tuple[Faq, ...], fold: int) -> tuple[Faq, ...]:
        return tuple(
            dataclasses.replace(f, alternates=tuple(a for a in f.alternates if _fold_of(a, folds) != fold))
            for f in entries
        )

    for fold in range(folds):
        matcher = Matcher(dataclasses.replace(kb, faqs=held_out(kb.faqs, fold), referrals=held_out(kb.referrals, fold)))
        for faq in (*kb.faqs, *kb.referrals):
            for text in faq.alternates:
                if _fold_of(text, folds) == fold:
                    rows.append(HeldOut(faq, text, *matcher.rank_for_decision(text)))
    return rows


def _fold_of(alternate: str, folds: int) -> int:
    """The fold an alternate is held out in, from its own text: a clerk who adds or moves an entry must
    not reshuffle every other alternate's fold and make unrelated warnings come and go."""
    return zlib.crc32(alternate.encode("utf-8")) % folds


def find_collisions(rows: list[HeldOut], thresholds: Thresholds) -> tuple[list[Problem], list[Problem]]:
    """Held-out alternates whose best match is another entry that shares no citation with their own.

    Returns (errors, warnings): an error when the matcher would *answer* such a question with the other
    entry (a confident wrong answer), or refer an entry's question away as outside the law; a warning
    when it would only rank the other entry first among its suggestions, or when a legal entry would
    answer a referral subject's phrasing (a subject's phrasing that only meets another subject or legal
    suggestions is not reported)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for row in rows:
        if not row.ranked or row.ranked[0].faq.id == row.faq.id:
            continue
        winner = row.ranked[0]
        if {c.label for c in row.faq.citations} & {c.label for c in winner.faq.citations}:
            continue
        own_score = next((s.score for s in row.ranked if s.faq.id == row.faq.id), 0.0)
        if winner.score - own_score <= COLLISION_MARGIN:
            continue
        result = decide(row.ranked, row.answerable, thresholds)
        answered = result.status is Outcome.ANSWERED
        referred_away = result.referral is not None and not row.faq.referral
        if row.faq.referral and not answered:
            continue  # another subject's reply, or legal suggestions: nothing wrong is said
        verb = "would be answered with" if answered else "would be referred to" if referred_away else "matches"
        problem = Problem(
            *_where(row.faq), f'{row.faq.id}: "{row.text}" {verb} {winner.faq.id} better than its own entry'
        )
        # A referral phrasing that a legal entry would answer is only a warning: the subject makes nothing
        # worse (without it, that entry answers such questions anyway), it just needs more phrasings.
        (errors if (answered and not row.faq.referral) or referred_away else warnings).append(problem)
    return errors, warnings


def base_problems(kb: KnowledgeBase, matcher: Matcher) -> tuple[list[Problem], list[Problem]]:
    """What `pufa kb check` fails on (collisions, near duplicates, thin entries) and what it only lists
    (warnings), short of the statute texts; one place, so that CI checks the bundled base the same way."""
    collisions, warnings = find_collisions(held_out_rankings(kb), matcher.thresholds)
    return collisions + find_near_duplicates(kb, matcher) + find_thin_entries(kb), warnings


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
    referrals: int = 0  # subjects outside the law (referrals.yaml)


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
        referrals=len(kb.referrals),
    )
