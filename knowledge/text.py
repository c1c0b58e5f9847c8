"""Turning a villager's message into comparable terms: normalise, map dialect, segment, pinyin.

The same `TextAnalyzer` processes FAQ texts at index time and questions at query time, so that a
synonym or a normalisation rule can never apply to one side only.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
import zhconv
from pypinyin import Style, lazy_pinyin

# Questions longer than this are cut for matching (not refused): the legal point of a story sits in its
# first few sentences, and bounded input keeps the worst-case latency bounded.
MAX_QUESTION_CHARS = 300

# Term namespaces and their weights in the index. Whole words carry the meaning; character bigrams
# rescue words jieba splits differently; toneless pinyin bigrams rescue pinyin-input typos (离昏 → 离婚)
# but are only a second signal because many homophones are different words. Chosen on dev.jsonl.
WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.5
PINYIN_WEIGHT = 0.35

_CJK = r"\u4e00-\u9fff\u3400-\u4dbf"
_NON_WORD = re.compile(rf"[^{_CJK}a-z0-9]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class Analysis:
    """A text reduced to what the index and the reranker compare."""

    text: str  # normalised, synonyms applied, fillers removed
    words: tuple[str, ...]  # content words (jieba, stop words dropped)
    terms: dict[str, float]  # namespaced index terms -> query weight

    @property
    def spaced(self) -> str:
        """Words joined by spaces: rapidfuzz's token scorers need spaces to see Chinese words."""
        return " ".join(self.words)


def normalize(text: str) -> str:
    """Width, case, traditional characters, emoji, punctuation and invisible characters, in one pass."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUESTION_CHARS * 4])
    text = zhconv.convert(text, "zh-cn").lower()
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


class TextAnalyzer:
    """Normalisation, synonym mapping, filler removal, segmentation and pinyin for one knowledge base."""

    def __init__(
        self,
        synonyms: dict[str, str],
        fillers: Iterable[str] = (),
        stopwords: Iterable[str] = (),
        user_words: Iterable[str] = (),
    ) -> None:
        self._synonyms = {normalize(k): normalize(v) for k, v in synonyms.items() if normalize(k)}
        self._synonym_pattern = _alternation(self._synonyms)
        self._filler_pattern = _alternation(normalize(f) for f in fillers)
        self._stopwords = frozenset(stopwords)
        # A private tokenizer: the dictionary words of this knowledge base must not leak into other
        # instances (tests build several bases side by side).
        self._tokenizer = jieba.Tokenizer()
        words = set(self._synonyms.values()) | {normalize(w) for w in user_words}
        for word in words:
            for part in word.split():
                if len(part) > 1:
                    self._tokenizer.add_word(part, freq=50_000)

    def canonical(self, text: str) -> str:
        """Normalise, then map dialect and everyday words to the terms the FAQs use (longest first)."""
        text = normalize(text)
        if self._synonym_pattern is not None:
            text = self._synonym_pattern.sub(lambda m: self._synonyms[m.group(0)], text)
        return text

    def strip_fillers(self, text: str) -> str:
        """Remove greetings and filler (请问, 我想问一下, 怎么办) that every question shares."""
        if self._filler_pattern is None:
            return text
        stripped = " ".join(self._filler_pattern.sub(" ", text).split())
        return stripped or text

    def analyze(self, text: str) -> Analysis:
        """Full pipeline for one text; used identically for questions and FAQ texts."""
        clean = self.strip_fillers(self.canonical(text))
        words = tuple(
            w for w in (t.strip() for t in self._tokenizer.lcut_for_search(clean)) if w and w not in self._stopwords
        )
        terms: dict[str, float] = {}
        for word in words:
            _add(terms, "w:" + word, WORD_WEIGHT)
        for run in _CJK_RUN.findall(clean):
            syllables = lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
            for i in range(len(run) - 1):
                bigram = run[i : i + 2]
                if bigram in self._stopwords:
                    continue
                _add(terms, "b:" + bigram, BIGRAM_WEIGHT)
                if len(syllables) == len(run):
                    _add(terms, "p:" + syllables[i] + syllables[i + 1], PINYIN_WEIGHT)
        return Analysis(text=clean, words=words, terms=terms)


def _add(terms: dict[str, float], term: str, weight: float) -> None:
    terms[term] = max(terms.get(term, 0.0), weight)


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of the words, longest first so that 老汉儿 wins over 老汉."""
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(w) for w in unique))
