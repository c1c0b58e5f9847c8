"""Question -> answered / suggest / fallback: route article references, rank FAQs, decide.

A wrong confident answer is the worst outcome, so the decision is deliberately conservative: answer
only when the best FAQ is clearly good *and* clearly better than a different runner-up; offer choices
when something is close; otherwise admit not knowing. Thresholds are named and were chosen on
`../shared/eval/dev.jsonl` (see docs/benchmarks.md for the figures and the command).
"""

from __future__ import annotations

import bisect
import gc
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from rapidfuzz import fuzz, process

from knowledge.articles import ArticleReferenceFinder
from knowledge.index import CandidateIndex
from knowledge.model import ArticleNumber, Citation, Faq, KnowledgeBase, MatchResult, Outcome
from knowledge.text import Analysis, TextAnalyzer, normalize
from knowledge.typos import HomophoneCorrector

# How many FAQs the index returns for the decision and the suggestions; more costs latency, not quality.
CANDIDATES = 20
MAX_SUGGESTIONS = 3
# Each FAQ is indexed as ONE document made of all its phrasings, so a new question scores by how many
# of its words the entry's phrasings use between them, not by its single nearest phrasing: on the base's
# own held-out alternates this ranks the right entry first 0.89 of the time against 0.82 for scoring by
# the best phrasing (docs/benchmarks.md). Long entries are discounted by BM25's usual length normalisation.
# The answer is part of that document at reduced weight: it names the legal point in plain words
# (质量问题, 退货) that a story-form question may share with no phrasing (held-out rank 1 falls by 0.03
# without it).
ANSWER_DOC_WEIGHT = 0.4
# Share of a question's (rarity-weighted) words an FAQ must contain when the question is too short, or
# the base too small, for the absolute `min_word_evidence` bar to be reachable at all. Nearly all: a
# three-word question that shares two words with an entry (微信 …语音 → the entry on threats sent by
# WeChat voice) is usually asking something else; 0.7 let 5 of the 90 out-of-scope questions in
# benchmarks/out_of_scope.jsonl through, 0.9 lets 3.
MIN_WORD_SHARE = 0.9
# Weight of a word recovered from a pinyin typo (离昏 -> 离婚): as strong as a typed word. At 0.7 a short
# question with a typo in its one subject word (老板不买社宝, 山养费多少钱) fell short of the evidence bar
# however clear the match; at 1.0 the short-question benchmarks answer 4 more rightly and 1 more wrongly,
# the base's held-out phrasings 19 more rightly, one real out-of-scope question is no longer answered, and
# nothing else moves (docs/benchmarks.md, session 16).
TYPO_WEIGHT = 1.0
# An urgent entry this close to the best candidate is put first rather than answering with a calmer one:
# missing the emergency step costs more than one extra tap.
URGENT_WINDOW = 0.07
# A one-word question (离婚, 赔偿) names a subject, not a question: offer choices rather than guess.
MIN_ANSWER_WORDS = 2
# Sibling entries often share every subject word and differ only in the angle asked (罚多少 / 谁赔 / 多久 /
# 有没有奖励, the `angles` of synonyms.yaml), words BM25 weighs lightly because so many entries use them. A
# question naming an angle lifts each entry by up to this share, in proportion to how many of its phrasings
# ask that angle. On dev it answers 2 more questions rightly and none wrongly; on the base's held-out
# alternates 0.3 % more are answered (one more wrongly, 12 of 8,442); lifts of 0.15–0.3 add wrong answers for
# little or no gain (docs/benchmarks.md).
ANGLE_WEIGHT = 0.1
# Under an answer, the next entries scoring at least this share of the best are offered too ("没说到点子上？"):
# a sibling that nearly tied is one tap away when the answer missed the point. On dev this puts the right
# entry within reach for 2 of the 3 wrongly answered questions, with about one offer per three answers;
# a lower share adds offers that are rarely the point (docs/benchmarks.md).
ALTERNATIVE_SHARE = 0.7
MAX_ALTERNATIVES = 2
# A vague question (遗产怎么分, 欠钱不还, 土地被征收) names only a subject, and many entries contain all of its
# words; which of them BM25 puts first then depends on how densely an entry repeats those words, not on what
# was asked, so the bot answered special cases (deaths in one accident, seizing a debtor's goods). Vague
# means at least this many entries among the first ten contain every word of the question.
VAGUE_ENTRIES = 3
VAGUE_WINDOW = 10
FULL_COVER = 0.999  # "every word", allowing for rounding in the sums
# Among those entries, the general one is the one the office links to from the special cases (`related`):
# each is lifted by this share of log(1 + the entries that link to it). With `vague_margin` it took short
# general questions (benchmarks/vague_questions*.jsonl) from 66 right / 9 wrong to 75 / 4, and 66 / 11 to
# 70 / 7 on the half not used to choose it; questions with a story are rarely vague, and no other benchmark
# moved by more than a held-out answer or two (docs/benchmarks.md).
HUB_WEIGHT = 0.3
# How many entries citing something else a close reading must beat (see Thresholds.reading), looked for
# among the first READING_WINDOW ranked entries: only those get a closeness, which costs an edit distance
# per phrasing.
RIVALS = 3
READING_WINDOW = 10
# A question naming an article (安全生产法57条要求工人做啥) keeps its number unless the rest of its words lead
# away from it: no entry citing that article among the first this many the words reach (see Matcher.match).
REFERENCE_WINDOW = 5
# Entries the office linked as `related` are neighbours on one subject (helping for free / for a day's wage).
# When such a neighbour is the closest rival, the answer shows it anyway as an alternative, so a wrong pick
# costs less: the best may lead it by this much less. Only for a question with real word evidence that no
# more than one entry holds in full (a vague 出车祸了怎么办 still gets the choice). Session 18: blind probes
# +17 right / +1 wrong, held-out +156 / +29, real +3 / +4 (docs/benchmarks.md).
RELATED_ALLOWANCE = 0.02
RELATED_EVIDENCE = 2.0
# Two entries resting on the same article (发现有人种罂粟: the entry on reporting drug crime and the one on
# growing poppies, both 禁毒法 19) often nearly tie, and the first may win on its answer's words while
# holding too few of the question's own words to pass the evidence bar. When the one just behind it shares a
# citation, is within this much, and passes every bar itself against the entries citing something else,
# it answers: either rests on the right law, and this one holds what was asked. Session 20: dev +2, the
# probes +5 right and none wrong, real +1 right; flat from 0.02 to 0.12 (docs/benchmarks.md). Looking
# past the second entry answered wrongly with a third that shared only a side citation.
SIBLING_WINDOW = 0.05


@dataclass(frozen=True)
class Thresholds:
    """When to answer, suggest or fall back, on the 0–1 score (the FAQ's BM25 over the most any FAQ
    could score for this question; a good match is typically 0.2–0.5).

    Chosen on ../shared/eval/dev.jsonl pooled with benchmarks/out_of_scope.jsonl (figures and the
    command in docs/benchmarks.md): wrong confident answers stay under 3 % of in-scope questions, and
    out-of-scope questions are answered about 4 % of the time (5 of 120, session 5). A suggestion is
    cheap and a wrong answer is not, so they lean to suggesting.
    """

    answer: float = 0.20  # the best FAQ's score must reach this to be answered
    margin: float = 0.04  # ...and beat the best FAQ that does not share a citation with it by this much
    suggest: float = 0.06  # below this nothing is close enough even to suggest
    # *Words* shared with the FAQ, weighted by rarity (1.0 = one word as rare as can be): chit-chat and
    # other domains share only common characters and filler, never the rare legal words. The bar drifts as
    # the base grows: every new entry on a subject makes its words commoner. At 1,077 entries 1.6 answers 1
    # more dev question, 2 more real ones (both right) and 40 more held-out alternates with no more wrong or
    # out-of-scope answers than 1.7 did; 1.5 lets one more of our out-of-scope questions in (docs/benchmarks.md).
    min_word_evidence: float = 1.6
    # A long story (我在县城工地上干了大半年小工，包工头……) shares many rare words with the right entry
    # and as many with nothing, so its normalised score stays low however clear the match. Enough rare
    # shared words, well ahead of a different answer, stand in for the score: on the base's 8,442
    # held-out alternates (session 4) this answers 0.65 of them instead of 0.59 with no more wrong answers (7);
    # on dev 2 more questions, none wrongly. The margin is 0.06, not the 0.05 that dev alone prefers:
    # long real questions (real_questions.jsonl) are answered less often wrongly at 0.06.
    story_answer: float = 0.08
    story_margin: float = 0.06
    story_evidence: float = 3.0
    # The reverse case: a short question that one entry wins clearly (score and margin both well above the
    # bars) on only one or two rare words, its subject (吸毒 …) plus common ones (被抓, 多久). The absolute
    # evidence bar also drifts as the base grows and a rare word turns up in more answers. A clear winner
    # needs less of it: on dev 3 more answered and none wrongly, on the base's held-out alternates 96 more
    # and none wrongly, on real_questions.jsonl 2 more, both right, and no more of our out-of-scope
    # questions (docs/benchmarks.md).
    clear_answer: float = 0.30
    clear_margin: float = 0.10
    clear_evidence: float = 1.2
    # A vague question (see VAGUE_ENTRIES) is answered only when the best entry leads the next one, whatever
    # it cites, by this much; otherwise the close questions are offered. Sharing a citation does not make
    # two entries the same answer when the question says nothing to choose between them.
    vague_margin: float = 0.05
    # BM25 over all of an entry's phrasings at once ignores word order, so two siblings that share a
    # question's words tie even when the question reads almost word for word like one entry's phrasing.
    # Nearly tied, a question is still answered when it is this close (rapidfuzz ratio of the normalised
    # texts) to one of the best entry's phrasings, and closer by `reading_lead` than to any phrasing of the
    # next RIVALS entries citing something else.
    reading: float = 0.5
    reading_lead: float = 0.12
    reading_answer: float = 0.15
    reading_evidence: float = 1.0


class StatuteLookup(Protocol):
    """Anything that can give an article's text (the SQLite statute store, or a dict in tests)."""

    def article_text(self, law: str, article: ArticleNumber) -> str | None: ...


@dataclass(frozen=True)
class Scored:
    """One ranked candidate."""

    faq: Faq
    score: float
    word_evidence: float  # rarity-weighted words of the question that the FAQ contains
    word_ceiling: float  # ...and what they would add up to if it contained them all
    closeness: float = 0.0  # edit similarity (0–1) to the entry's nearest phrasing; 0 past READING_WINDOW


class Matcher:
    """Answers questions from one knowledge base; build a new one to reload."""

    def __init__(
        self, kb: KnowledgeBase, statutes: StatuteLookup | None = None, thresholds: Thresholds = Thresholds()
    ) -> None:
        self.kb = kb
        self.thresholds = thresholds
        self.statutes = statutes
        # Referral subjects are ranked with the entries: a question about blood-pressure pills should meet
        # the subject 看病吃药, not be answered by the health-food entry that shares a word with it.
        self._entries = (*kb.faqs, *kb.referrals)
        user_words = [w for faq in kb.faqs for w in faq.keywords]
        self.analyzer = TextAnalyzer(kb.synonyms, kb.fillers, kb.stopwords, user_words, kb.keep)
        self.articles = ArticleReferenceFinder(kb.laws.values())
        self._faq_terms: list[frozenset[str]] = []
        self._phrasings: dict[str, tuple[str, ...]] = {}  # entry id -> its normalised phrasings
        self._angles = {name: words for name, words in kb.angles.items() if words}
        self._angle_shares: list[dict[str, float]] = []
        self.index = CandidateIndex(self._documents())
        self._typos = HomophoneCorrector(
            {t[2:]: self.index.document_frequency(t) for t in self.index.idf if t.startswith("w:")},
            self.analyzer.synonyms,
            self.analyzer.stopwords,
        )
        self._links_in = Counter(linked for faq in kb.faqs for linked in faq.related)
        self._citations_by_law: dict[str, list[tuple[float, int]]] = {}
        for position, faq in enumerate(kb.faqs):
            for citation in faq.citations:
                self._citations_by_law.setdefault(citation.law, []).append((_article_order(citation.article), position))
        for cited in self._citations_by_law.values():
            cited.sort()
        kb.faqs_citing("", 0)  # builds the base's citation lookup now rather than on the first article question
        self._chitchat = {normalize(phrase): reply for phrases, reply in kb.chitchat.values() for phrase in phrases}
        # The index is hundreds of thousands of long-lived objects; without this, every full cyclic-GC
        # pass rescans them all and a question that triggers one waits ~10 ms (the p99 in benchmarks).
        gc.freeze()

    def _documents(self) -> Iterator[dict[str, float]]:
        """One indexed document per FAQ and referral subject: all its phrasings (question, alternates,
        keywords) together, each term weighted by how many of them use it, plus its answer at reduced
        weight. Records each FAQ's vocabulary (its phrasings' terms) and the share of its phrasings
        asking each angle on the way."""
        for faq in self._entries:
            terms: dict[str, float] = {}
            asked: dict[str, int] = {}
            phrasings = (faq.question, *faq.alternates)
            texts = []
            for text in phrasings:
                analysis = self.analyzer.analyze(text)
                texts.append(analysis.text)
                _add_terms(terms, analysis.terms, 1.0)
                for name in self._angles_in(analysis.text):
                    asked[name] = asked.get(name, 0) + 1
            _add_terms(terms, self.analyzer.analyze(" ".join(faq.keywords)).terms, 1.0)
            self._faq_terms.append(frozenset(terms))
            self._phrasings[faq.id] = tuple(texts)
            self._angle_shares.append({name: count / len(phrasings) for name, count in asked.items()})
            if faq.answer:
                _add_terms(terms, self.analyzer.analyze(faq.answer).terms, ANSWER_DOC_WEIGHT)
            yield terms

    def _angles_in(self, text: str) -> list[str]:
        """The angles (罚多少, 多久 …) a normalised text asks about."""
        return [name for name, words in self._angles.items() if any(word in text for word in words)]

    def match(self, question: str) -> MatchResult:
        """Decide what to do with one question. Never raises on any text input."""
        text = normalize(question)
        if not text:
            return MatchResult(Outcome.FALLBACK, 0.0)
        reply = self._chitchat.get(text)
        if reply is not None:
            return MatchResult(Outcome.FALLBACK, 0.0, chitchat=reply)
        reference = self.articles.find(text)
        if reference is None:
            # 治安管理处罚法里头打人咋个罚: a law named without an article is read without its name, whose
            # words (治安, 管理, 处罚) would outweigh the subject and pull in any entry mentioning the law.
            # Keeping only the entries that cite the named law was tried too: people say 劳动法 for
            # labour law and mean entries citing 劳动合同法 (docs/benchmarks.md).
            ranked, answerable = self.rank_for_decision(self.articles.remove_names(text))
            return decide(ranked, answerable, self.thresholds)
        # The rest of the question may say what the person means better than the number does: article
        # numbers on old leaflets are stale after a revision (治安管理处罚法 2025: 殴打他人 43 -> 51).
        # If the words alone confidently reach an entry of the same law that cites another article, and
        # point away from the number (no entry citing it among the first REFERENCE_WINDOW), trust the words.
        # Words that only say what kind of answer is wanted (安全生产法57条要求工人做啥) do reach an entry
        # confidently, but the entry citing 57 is close behind: there the number is what was asked.
        ranked, answerable = self.rank_for_decision(self.articles.remove(text))
        by_words = decide(ranked, answerable, self.thresholds)
        citing = {f.id for f in self.kb.faqs_citing(reference.law, reference.article)}
        close = [s for s in ranked if not s.faq.referral][:REFERENCE_WINDOW]
        if (
            by_words.faq is not None
            and reference.law in by_words.faq.laws
            and not any(s.faq.id in citing for s in close)
        ):
            return by_words
        return self._answer_article(reference.law, reference.article, ranked)

    def rank(self, question: str) -> list[Scored]:
        """Rank the FAQs for a question, best first. Public so that `pufa kb check` can test collisions."""
        return self._rank(self._analyze_question(question))

    def rank_for_decision(self, question: str) -> tuple[list[Scored], bool]:
        """The ranking and whether the question says enough to be answered at all (calibration reuses it)."""
        query = self._analyze_question(question)
        return self._rank(query), len(set(query.words)) >= MIN_ANSWER_WORDS

    def _analyze_question(self, question: str) -> Analysis:
        """The question's terms plus the words its pinyin typos stand for (at reduced weight)."""
        query = self.analyzer.analyze(question)
        typos = self._typos.corrections(query.text, self.analyzer.tokens(query.text))
        corrected = {"w:" + w: TYPO_WEIGHT for w in typos if "w:" + w not in query.terms}
        if not corrected:
            return query
        return Analysis(text=query.text, words=query.words, terms=query.terms, recovered=corrected)

    def _rank(self, query: Analysis) -> list[Scored]:
        if not query.terms:
            return []
        upper = self.index.upper_bound(query.terms) or 1.0
        searched = {**query.terms, **query.recovered}
        hits = self.index.search(searched, CANDIDATES)
        word_terms = [t for t in query.terms if t.startswith("w:")]
        word_ceiling = sum(self.index.idf.get(t, self.index.unseen_idf) for t in word_terms) / self.index.unseen_idf
        word_weights = {t: self.index.idf.get(t, 0.0) for t in word_terms}
        word_weights.update({t: w * self.index.idf.get(t, 0.0) for t, w in query.recovered.items()})
        # An angle typed with a pinyin typo (怎么举保) is asked all the same: its recovered word counts.
        asked = self._angles_in(" ".join([query.text, *(t[2:] for t in query.recovered)]))
        scored = []
        for hit in hits:
            vocabulary = self._faq_terms[hit.faq_index]
            # In units of "a word as rare as can be" (found in no other document), so that the threshold
            # keeps its meaning as the base grows or shrinks.
            word_evidence = sum(word_weights[t] for t in vocabulary.intersection(word_weights)) / self.index.unseen_idf
            score = hit.score / upper
            if asked:
                shares = self._angle_shares[hit.faq_index]
                score *= 1 + ANGLE_WEIGHT * sum(shares.get(name, 0.0) for name in asked) / len(asked)
            score = min(score, 1.0)
            scored.append(Scored(self._entries[hit.faq_index], score, word_evidence, word_ceiling))
        scored.sort(key=lambda s: -s.score)
        ranked = self._general_first(scored)
        return [*(self._with_closeness(query.text, s) for s in ranked[:READING_WINDOW]), *ranked[READING_WINDOW:]]

    def _with_closeness(self, text: str, scored: Scored) -> Scored:
        """`scored` with how closely `text` reads like the entry's nearest phrasing (see Thresholds.reading)."""
        nearest = process.extractOne(text, self._phrasings[scored.faq.id], scorer=fuzz.ratio)
        return replace(scored, closeness=nearest[1] / 100 if nearest else 0.0)

    def _general_first(self, scored: list[Scored]) -> list[Scored]:
        """For a vague question, lift the entries the base links to most (see HUB_WEIGHT). All scores are
        then divided by the largest lift, so that they stay on the 0–1 scale the bars are set on."""
        covering = _covering_all(scored)
        if len(covering) < VAGUE_ENTRIES:
            return scored
        lift = {id(s): 1 + HUB_WEIGHT * math.log1p(self._links_in[s.faq.id]) for s in covering}
        top = max(lift.values())
        return sorted((replace(s, score=s.score * lift.get(id(s), 1.0) / top) for s in scored), key=lambda s: -s.score)

    def _nearest_articles(self, law: str, article: ArticleNumber) -> tuple[Faq, ...]:
        """Entries citing the articles of `law` closest in number to `article` (neighbours often share a
        chapter and a subject). A binary search in the law's sorted citations, walking outwards."""
        cited = self._citations_by_law.get(law, [])
        target = _article_order(article)
        right = bisect.bisect_left(cited, (target, -1))
        left = right - 1
        chosen: dict[int, None] = {}
        while len(chosen) < MAX_SUGGESTIONS and (left >= 0 or right < len(cited)):
            take_left = right >= len(cited) or (left >= 0 and target - cited[left][0] <= cited[right][0] - target)
            if take_left:
                chosen.setdefault(cited[left][1])
                left -= 1
            else:
                chosen.setdefault(cited[right][1])
                right += 1
        return tuple(self.kb.faqs[position] for position in chosen)

    def _answer_article(self, law: str, article: ArticleNumber, ranked: Sequence[Scored] = ()) -> MatchResult:
        """Route a question that names an article to that article: its text when statutes are loaded,
        else the entry citing it; when we know neither, offer the entries citing the nearest articles
        of that law rather than pretend. Of several entries citing it, those the question's other words
        reach (`ranked`) come first: 民法典1245条 …养狗的人 is about dogs, not the kept wild animals that
        come first in the files. Then those that cite it first, as their basis: 民法典第1079条 alone is the
        entry on divorce by lawsuit, not the cooling-off entry that mentions suing at its end."""
        citation = Citation(law=law, article=article)
        text = self.statutes.article_text(law, article) if self.statutes else None
        reached = {s.faq.id: rank for rank, s in enumerate(ranked) if s.word_evidence > 0}
        citing = tuple(
            sorted(
                self.kb.faqs_citing(law, article),
                key=lambda f: (reached.get(f.id, len(ranked)), [c.label for c in f.citations].index(citation.label)),
            )
        )
        if text is None and not citing:
            nearby = self._nearest_articles(law, article)
            status = Outcome.SUGGEST if nearby else Outcome.FALLBACK
            return MatchResult(status, 0.0, suggestions=nearby)
        faq = citing[0] if citing else None
        return MatchResult(
            Outcome.ANSWERED,
            1.0,
            faq=faq,
            answer=text if text is not None else (faq.answer if faq else None),
            citations=(citation,),
            suggestions=citing[1 : 1 + MAX_SUGGESTIONS],
        )


def _add_terms(document: dict[str, float], terms: dict[str, float], weight: float) -> None:
    """Add one text's terms to an FAQ's document at `weight` (1 for phrasings, less for the answer)."""
    for term, value in terms.items():
        document[term] = document.get(term, 0.0) + value * weight


def _article_order(article: ArticleNumber) -> float:
    """133 -> 133.0, "133之1" -> 133.1: a sortable position for distance between articles."""
    main, _, sub = str(article).partition("之")
    return int(main) + (int(sub) / 10 if sub else 0.0)


def decide(ranked: list[Scored], answerable: bool, thresholds: Thresholds) -> MatchResult:
    """Answered only when the best is good, clearly ahead of a *different* answer, and rests on real
    word evidence (with any nearly-as-close entries as alternatives); suggest when something is close;
    otherwise fall back. Safety first: when an urgent entry (violence now, a child at risk …) is nearly
    as close as the best, it is offered first instead of answering with a calmer entry.

    A referral subject (看病吃药 …) is ranked like an entry. Ranked first and ahead of every legal entry by the
    answer margin, it is the result: a fallback naming it, with the legal entries that came close offered
    under it in case the question was legal after all. That is a gentle outcome, so no score or evidence
    bar: the answer's bars referred half as many of the out-of-scope benchmark questions; but without the
    lead, legal questions that only brush a subject (集体土地被征收 → urban expropriation) were referred away
    (docs/benchmarks.md). As a close runner-up it narrows a legal answer's margin. It is never suggested.

    A vague question (many entries hold all its words) needs a lead of `vague_margin` over the next entry
    even when that entry shares a citation: 遗产怎么分 is not answered by the entry on deaths in one accident.

    A near tie is still answered when the question reads almost word for word like one of the best entry's
    phrasings and clearly less like the rivals' (`Thresholds.reading`); and a closest rival that the office
    linked to the best as `related` needs `RELATED_ALLOWANCE` less lead, since it is shown under the answer.
    A best entry that falls short of the bars yields to the one just behind it when they share a citation
    and that one clears them (`SIBLING_WINDOW`)."""
    if not ranked or ranked[0].score < thresholds.suggest or ranked[0].word_evidence <= 0:
        return MatchResult(Outcome.FALLBACK, ranked[0].score if ranked else 0.0)
    best = ranked[0]
    legal = [s for s in ranked if not s.faq.referral]
    urgent = next(
        (s for s in legal if s.faq.urgent and s.score >= best.score - URGENT_WINDOW and s.word_evidence > 0), None
    )
    floor = max(thresholds.suggest, ALTERNATIVE_SHARE * best.score)
    lead = best.score - (legal[0].score if legal else 0.0)
    if best.faq.referral and urgent is None and lead >= thresholds.margin:
        close = tuple(s.faq for s in legal if s.score >= floor)
        return MatchResult(Outcome.FALLBACK, best.score, faq=best.faq, suggestions=close[:MAX_SUGGESTIONS])
    confident = _confident(best, ranked, legal, thresholds)
    sibling = legal[1] if len(legal) > 1 and legal[0] is best else None
    if (
        not confident
        and sibling is not None
        and _shares_citation(sibling.faq, best.faq)
        and best.score - sibling.score <= SIBLING_WINDOW
        and _confident(sibling, [sibling, *(s for s in ranked if s is not sibling)], legal, thresholds)
    ):
        best = sibling
        confident = True
    if answerable and confident and not best.faq.referral and (urgent is None or urgent is best):
        alternatives = tuple(s.faq for s in legal if s is not best and s.score >= floor)[:MAX_ALTERNATIVES]
        return MatchResult(
            Outcome.ANSWERED,
            best.score,
            faq=best.faq,
            answer=best.faq.answer,
            citations=best.faq.citations,
            suggestions=alternatives,
        )
    first = [urgent] if urgent is not None else []
    offered = [*first, *(s for s in legal if s is not urgent)][:MAX_SUGGESTIONS]
    if not offered:
        return MatchResult(Outcome.FALLBACK, best.score)
    return MatchResult(Outcome.SUGGEST, best.score, suggestions=tuple(s.faq for s in offered))


def _confident(best: Scored, ranked: list[Scored], legal: list[Scored], thresholds: Thresholds) -> bool:
    """Whether `best` (first in `ranked`) clears one of the answer rules of `Thresholds` against the
    entries that cite something else; a vague question also needs a lead over every other legal entry."""
    runner_up = next((s for s in ranked[1:] if not _shares_citation(s.faq, best.faq)), None)
    margin = best.score - (runner_up.score if runner_up else 0.0)
    covering = len(_covering_all(ranked))  # how many entries hold every word: a vague question has several
    if (
        runner_up is not None
        and _linked(best.faq, runner_up.faq)
        and best.word_evidence >= RELATED_EVIDENCE
        and covering < 2
    ):
        margin += RELATED_ALLOWANCE
    # A short question in a small base cannot reach the absolute bars; sharing most of its words is enough.
    share_bar = MIN_WORD_SHARE * best.word_ceiling
    needed = min(thresholds.min_word_evidence, share_bar)
    clear_needed = min(thresholds.clear_evidence, share_bar)
    confident = (
        (best.score >= thresholds.answer and margin >= thresholds.margin and best.word_evidence >= needed)
        or (
            best.score >= thresholds.clear_answer
            and margin >= thresholds.clear_margin
            and best.word_evidence >= clear_needed
        )
        or (
            best.score >= thresholds.story_answer
            and margin >= thresholds.story_margin
            and best.word_evidence >= thresholds.story_evidence
        )
        or (
            best.score >= thresholds.reading_answer
            and best.word_evidence >= thresholds.reading_evidence
            and best.closeness >= thresholds.reading
            and best.closeness - _closest_rival(ranked) >= thresholds.reading_lead
        )
    )
    if confident and covering >= VAGUE_ENTRIES:
        next_legal = next((s for s in legal if s is not best), None)
        confident = best.score - (next_legal.score if next_legal else 0.0) >= thresholds.vague_margin
    return confident


def _closest_rival(ranked: list[Scored]) -> float:
    """How closely the question reads like the nearest phrasing of the next RIVALS entries that cite
    something other than the best."""
    best = ranked[0]
    rivals = [s for s in ranked[1:READING_WINDOW] if not _shares_citation(s.faq, best.faq)][:RIVALS]
    return max((s.closeness for s in rivals), default=0.0)


def _covering_all(ranked: list[Scored]) -> list[Scored]:
    """The legal entries among the first VAGUE_WINDOW that contain every word of the question."""
    return [
        s
        for s in ranked[:VAGUE_WINDOW]
        if not s.faq.referral and s.word_ceiling > 0 and s.word_evidence >= s.word_ceiling * FULL_COVER
    ]


def _linked(a: Faq, b: Faq) -> bool:
    """Either entry lists the other under `related`."""
    return b.id in a.related or a.id in b.related


def _shares_citation(a: Faq, b: Faq) -> bool:
    """Two entries resting on the same article are not competitors: either answer cites the right law."""
    labels = {c.label for c in a.citations}
    return any(c.label in labels for c in b.citations)
