"""The candidate index: BM25 over weighted word, bigram and pinyin terms, with impact-capped postings.

Why not an off-the-shelf BM25 package: we need per-namespace term weights (a pinyin bigram is weaker
evidence than a word) and postings capped at build time so that a query's cost stops growing with the
size of the base (static index pruning: each term keeps only its highest-impact documents). The
scoring itself is textbook Okapi BM25. A document is one FAQ (all its phrasings together, see matcher.py).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

# Okapi BM25 constants, the usual ones: an FAQ with many phrasings is discounted by its length.
BM25_K1 = 1.2
BM25_B = 0.75
# Postings kept per term. A term present in more documents than this carries little information
# (low idf), and the cap keeps query cost bounded as the base grows (see docs/benchmarks.md).
MAX_POSTINGS_PER_TERM = 400


@dataclass(frozen=True)
class Hit:
    """An FAQ found by the index: its position and its BM25 score."""

    faq_index: int
    score: float


class CandidateIndex:
    """Inverted index from terms to (FAQ, impact)."""

    def __init__(self, documents: Iterable[Mapping[str, float]]) -> None:
        """Index `documents` (term -> weight maps, document i = FAQ i), consumed once so that no document
        needs to stay in memory."""
        # Postings are gathered in compact typed arrays (8 bytes a posting) rather than Python tuples:
        # a 50,000-entry base has tens of millions of them.
        term_docs: dict[str, array[int]] = {}
        term_weights: dict[str, array[float]] = {}
        lengths: array[float] = array("f")
        for doc_index, doc in enumerate(documents):
            lengths.append(sum(doc.values()) or 1.0)
            for term, weight in doc.items():
                docs = term_docs.get(term)
                if docs is None:
                    docs = term_docs[term] = array("i")
                    term_weights[term] = array("f")
                docs.append(doc_index)
                term_weights[term].append(weight)
        count = max(len(lengths), 1)
        length_of = np.frombuffer(lengths, dtype=np.float32) if lengths else np.zeros(0, dtype=np.float32)
        norms = BM25_K1 * (1 - BM25_B + BM25_B * length_of / (float(length_of.mean()) if len(length_of) else 1.0))
        self.idf = {t: math.log(1 + (count - len(d) + 0.5) / (len(d) + 0.5)) for t, d in term_docs.items()}
        self.unseen_idf = math.log(1 + (count + 0.5) / 0.5)
        self._count = count
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, docs in term_docs.items():
            doc_ids = np.frombuffer(docs, dtype=np.int32)
            weights = np.frombuffer(term_weights[term], dtype=np.float32)
            impacts = (self.idf[term] * weights * (BM25_K1 + 1) / (weights + norms[doc_ids])).astype(np.float32)
            if len(doc_ids) > MAX_POSTINGS_PER_TERM:
                keep = np.argpartition(-impacts, MAX_POSTINGS_PER_TERM)[:MAX_POSTINGS_PER_TERM]
                doc_ids, impacts = doc_ids[keep], impacts[keep]
            self._postings[term] = (doc_ids.copy(), impacts)

    def document_frequency(self, term: str) -> int:
        """How many documents hold `term` (recovered from its idf; 0 for an unseen term)."""
        idf = self.idf.get(term)
        if idf is None:
            return 0
        return round((self._count + 0.5) / (math.exp(idf) - 1) - 0.5)

    def search(self, terms: Mapping[str, float], limit: int) -> list[Hit]:
        """The `limit` best FAQs for a query.

        Works only on the query terms' (capped) postings, never on the whole collection, so its cost
        is bounded by query length x MAX_POSTINGS_PER_TERM whatever the size of the base."""
        found = [(self._postings[t], w) for t, w in terms.items() if t in self._postings]
        if not found:
            return []
        docs = np.concatenate([p[0] for p, _ in found])
        impacts = np.concatenate([p[1] * np.float32(w) for p, w in found])
        unique_docs, inverse = np.unique(docs, return_inverse=True)
        doc_scores = np.bincount(inverse, weights=impacts)
        best = np.arange(len(unique_docs))
        if len(best) > limit:
            best = np.argpartition(-doc_scores, limit - 1)[:limit]
        hits = [Hit(int(unique_docs[i]), float(doc_scores[i])) for i in best]
        return sorted(hits, key=lambda h: (-h.score, h.faq_index))

    def upper_bound(self, terms: Mapping[str, float]) -> float:
        """No document can score more than this for `terms` (each term's saturation limit); unseen terms
        count as the rarest possible, so a question of unknown words stays far from everything."""
        return sum(weight * self.idf.get(term, self.unseen_idf) * (BM25_K1 + 1) for term, weight in terms.items())
