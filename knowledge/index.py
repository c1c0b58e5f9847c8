"""The candidate index: BM25 over weighted word, bigram and pinyin terms, with impact-capped postings.

Why not an off-the-shelf BM25 package: we need per-namespace term weights (a pinyin bigram is weaker
evidence than a word), documents that point to their FAQ (an alternate is a document; an FAQ scores as
its best document), and postings capped at build time so that a query's cost stops growing with the
size of the base (static index pruning: each term keeps only its highest-impact documents). The
scoring itself is textbook Okapi BM25.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Okapi BM25 constants; b is low because our documents are short phrasings of similar length.
BM25_K1 = 1.2
BM25_B = 0.3
# Postings kept per term. A term present in more documents than this carries little information
# (low idf), and the cap keeps query cost bounded as the base grows (see docs/benchmarks.md).
MAX_POSTINGS_PER_TERM = 400


@dataclass(frozen=True)
class Hit:
    """An FAQ found by the index: its position, best BM25 score and which of its documents scored it."""

    faq_index: int
    score: float
    doc_index: int


class CandidateIndex:
    """Inverted index from terms to (document, impact); documents map many-to-one onto FAQs."""

    def __init__(self, documents: Sequence[Mapping[str, float]], owners: Sequence[int]) -> None:
        if len(documents) != len(owners):
            raise ValueError("every document needs an owning FAQ")
        self._owners = list(owners)
        count = max(len(documents), 1)
        lengths = [sum(doc.values()) or 1.0 for doc in documents]
        average = sum(lengths) / count
        frequency: dict[str, int] = defaultdict(int)
        for doc in documents:
            for term in doc:
                frequency[term] += 1
        self.idf = {t: math.log(1 + (count - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        self._unseen_idf = math.log(1 + (count + 0.5) / 0.5)
        postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for doc_index, doc in enumerate(documents):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[doc_index] / average)
            for term, weight in doc.items():
                impact = self.idf[term] * weight * (BM25_K1 + 1) / (weight + norm)
                postings[term].append((impact, doc_index))
        self._postings = {
            term: sorted(entries, reverse=True)[:MAX_POSTINGS_PER_TERM] for term, entries in postings.items()
        }

    def search(self, terms: Mapping[str, float], limit: int) -> list[Hit]:
        """The `limit` best FAQs for a query, each scored by its best-matching document."""
        doc_scores: dict[int, float] = defaultdict(float)
        for term, weight in terms.items():
            for impact, doc_index in self._postings.get(term, ()):
                doc_scores[doc_index] += weight * impact
        best: dict[int, Hit] = {}
        for doc_index, score in doc_scores.items():
            owner = self._owners[doc_index]
            current = best.get(owner)
            if current is None or score > current.score:
                best[owner] = Hit(owner, score, doc_index)
        return sorted(best.values(), key=lambda h: (-h.score, h.faq_index))[:limit]

    def max_score(self, terms: Mapping[str, float]) -> float:
        """What an average-length document holding every query term would score: the query's own ceiling,
        used to normalise BM25 into 0–1 so that one threshold works for short and long questions alike.
        Terms the base has never seen count as the rarest possible: a question made of unknown words is
        far from everything, not close to the one word it shares."""
        ceiling = 0.0
        for term, weight in terms.items():
            idf = self.idf.get(term, self._unseen_idf)
            ceiling += weight * idf * weight * (BM25_K1 + 1) / (weight + BM25_K1)
        return ceiling
