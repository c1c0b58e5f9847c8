"""Typed, frozen objects for the knowledge base and the matcher's results.

YAML becomes these objects once, at load time; everything downstream (matcher, CLI, Telegram handlers,
analytics) reads attributes, never raw dicts. Nothing here knows about Telegram or SQLite.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

_FIRST_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]?")

ArticleNumber = int | str  # 1079, or "133之1" for the few articles numbered 第X条之Y


@dataclass(frozen=True)
class SourceRef:
    """Where an object came from, so that every problem can name file and line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Citation:
    """One article a FAQ answer rests on; `quote`, when given, must be word for word from the statute."""

    law: str
    article: ArticleNumber
    quote: str | None = None

    @property
    def label(self) -> str:
        """The `法名:条号` form used by the evaluation files and analytics."""
        return f"{self.law}:{self.article}"

    @property
    def display(self) -> str:
        """How a villager reads it: 《民法典》第1079条 (or 第133条之1)."""
        number = str(self.article)
        if "之" in number:
            main, sub = number.split("之", 1)
            return f"《{self.law}》第{main}条之{sub}"
        return f"《{self.law}》第{number}条"

    def to_json(self) -> dict[str, Any]:
        """The contract form: article in the same type as in the knowledge base (int, or str for 之)."""
        return {"law": self.law, "article": self.article}


@dataclass(frozen=True)
class Faq:
    """One legal question with its plain-language answer and the articles it cites."""

    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    citations: tuple[Citation, ...]
    topic: str
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    urgent: bool = False
    updated: dt.date | None = None
    reviewed: dt.date | None = None
    source: SourceRef | None = field(default=None, compare=False)
    # A subject outside the base's laws (看病吃药, 补贴发多少 …) from referrals.yaml: `question` is its
    # subject, `alternates` its phrasings, `answer` the kind reply saying where to ask; no citations.
    # It is ranked with the legal entries so that such a question is recognised instead of being answered
    # by a legal entry that shares a word with it; it is never answered or suggested as a legal entry.
    referral: bool = False

    @property
    def emergency_step(self) -> str | None:
        """An urgent entry's first sentence. Urgent answers open with what to do right now (马上打110 …),
        which a villager in danger must see even when the bot only offers close questions to choose from."""
        if not self.urgent:
            return None
        match = _FIRST_SENTENCE.match(self.answer.strip())
        return match.group(0) if match and match.group(0) else None

    @property
    def laws(self) -> tuple[str, ...]:
        """The distinct laws cited, in citation order (for analytics and browsing by law)."""
        return tuple(dict.fromkeys(c.law for c in self.citations))


@dataclass(frozen=True)
class Law:
    """An entry of `knowledge/laws.yaml`: which statutes exist, under what names, and whether in force."""

    short_title: str
    title: str
    version: str
    in_force_from: dt.date | None
    status: str  # "in_force" or "repealed"
    replaced_by: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def in_force(self) -> bool:
        return self.status == "in_force"


@dataclass(frozen=True)
class Topic:
    """A browsing category (婚姻家庭, 道路交通 …) with its display name."""

    id: str
    name: str


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the matcher needs, validated: FAQs, synonym table, lexicon, law registry, topics."""

    faqs: tuple[Faq, ...]
    synonyms: dict[str, str]
    laws: dict[str, Law]
    topics: tuple[Topic, ...]
    fillers: tuple[str, ...] = ()
    stopwords: frozenset[str] = frozenset()
    angles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 罚多少 / 谁赔 / 多久 … -> their words
    keep: tuple[str, ...] = ()  # words left alone though a synonym sits inside them (养老公寓 is not 老公)
    chitchat: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    referrals: tuple[Faq, ...] = ()  # subjects outside the laws, each a Faq with `referral` set
    root: str = ""

    def faq(self, faq_id: str) -> Faq | None:
        """Look an entry up by id (ids travel in Telegram button data)."""
        return self._by_id.get(faq_id)

    @property
    def _by_id(self) -> dict[str, Faq]:
        cached: dict[str, Faq] | None = self.__dict__.get("_by_id_cache")
        if cached is None:
            cached = {f.id: f for f in self.faqs}
            object.__setattr__(self, "_by_id_cache", cached)
        return cached

    def faqs_citing(self, law: str, article: ArticleNumber) -> tuple[Faq, ...]:
        """Entries that cite one article, in knowledge-base order."""
        cached: dict[tuple[str, str], tuple[Faq, ...]] | None = self.__dict__.get("_citing_cache")
        if cached is None:
            grouped: dict[tuple[str, str], list[Faq]] = {}
            for faq in self.faqs:
                for key in dict.fromkeys((c.law, str(c.article)) for c in faq.citations):
                    grouped.setdefault(key, []).append(faq)
            cached = {key: tuple(faqs) for key, faqs in grouped.items()}
            object.__setattr__(self, "_citing_cache", cached)
        return cached.get((law, str(article)), ())

    def topic_name(self, topic_id: str) -> str:
        """Display name of a topic, falling back to its id for a topic not listed in topics.yaml."""
        return next((t.name for t in self.topics if t.id == topic_id), topic_id)


class Outcome(StrEnum):
    """The three things the bot can do with a question."""

    ANSWERED = "answered"
    SUGGEST = "suggest"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class ArticleRef:
    """A question that names an article: 民法典第1079条, 道交法七十六条."""

    law: str
    article: ArticleNumber


@dataclass(frozen=True)
class MatchResult:
    """What the matcher decided for one question.

    `answer` is the text to show when answered: the FAQ's answer, or the article's own text when the
    question named an article and statute texts are loaded. `suggestions` are the questions to choose
    from when not answered, and under an answer the close alternatives offered in case it missed the
    point. `chitchat` is a kind reply to greetings and thanks, which never count as a legal answer. A
    `referral` result is a fallback whose `faq` is the referral subject recognised (its answer says where
    to ask instead) and whose `suggestions` are legal entries that came close, in case it was legal after all.
    """

    status: Outcome
    score: float
    faq: Faq | None = None
    answer: str | None = None
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Faq, ...] = ()
    chitchat: str | None = None

    @property
    def referral(self) -> str | None:
        """The reply of the referral subject recognised (where to ask instead), if that is what this is."""
        return self.faq.answer if self.status is Outcome.FALLBACK and self.faq and self.faq.referral else None

    def to_json(self) -> dict[str, Any]:
        """The stable `pufa ask --json` contract: exactly these six keys."""
        return {
            "status": self.status.value,
            "faq_id": self.faq.id if self.faq else None,
            "score": round(self.score, 4),
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "suggestions": [
                {"faq_id": f.id, "question": f.question, "citations": [c.to_json() for c in f.citations]}
                for f in self.suggestions
            ],
        }
