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

import numpy as np

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
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, entries in postings.items():
            kept = sorted(entries, reverse=True)[:MAX_POSTINGS_PER_TERM]
            self._postings[term] = (
                np.array([d for _, d in kept], dtype=np.int32),
                np.array([i for i, _ in kept], dtype=np.float32),
            )
        self._owner_array = np.array(self._owners, dtype=np.int32)

    def search(self, terms: Mapping[str, float], limit: int) -> list[Hit]:
        """The `limit` best FAQs for a query, each scored by its best-matching document.

        Works only on the query terms' (capped) postings, never on the whole collection, so its cost
        is bounded by query length x MAX_POSTINGS_PER_TERM whatever the size of the base."""
        found = [(self._postings[t], w) for t, w in terms.items() if t in self._postings]
        if not found:
            return []
        docs = np.concatenate([p[0] for p, _ in found])
        impacts = np.concatenate([p[1] * np.float32(w) for p, w in found])
        unique_docs, inverse = np.unique(docs, return_inverse=True)
        doc_scores = np.bincount(inverse, weights=impacts)
        owners = self._owner_array[unique_docs]
        # Best document per FAQ: sort by owner, then score descending, keep each owner's first row.
        order = np.lexsort((-doc_scores, owners))
        first = np.concatenate(([True], owners[order][1:] != owners[order][:-1]))
        best = order[first]
        if len(best) > limit:
            best = best[np.argpartition(-doc_scores[best], limit - 1)[:limit]]
        hits = [Hit(int(owners[i]), float(doc_scores[i]), int(unique_docs[i])) for i in best]
        return sorted(hits, key=lambda h: (-h.score, h.faq_index))

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
