"""Turning a villager's message into comparable terms: normalise, map dialect, segment, pinyin.

The same `TextAnalyzer` processes FAQ texts at index time and questions at query time, so that a
synonym or a normalisation rule can never apply to one side only.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import cn2an
import jieba
import zhconv
from pypinyin import Style, lazy_pinyin

from knowledge.typos import Token

# Questions longer than this are cut for matching (not refused): the legal point of a story sits in its
# first few sentences, and bounded input keeps the worst-case latency bounded.
MAX_QUESTION_CHARS = 300
# Synonym passes until nothing changes, at most (see TextAnalyzer.canonical).
SYNONYM_PASSES = 2

# Term namespaces and their weights in the index. Whole words carry the meaning; character bigrams
# rescue words jieba splits differently; toneless pinyin bigrams rescue pinyin-input typos (离昏 → 离婚)
# but are only a second signal because many homophones are different words. Chosen on dev.jsonl.
WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.5
PINYIN_WEIGHT = 0.35

# jieba frequency for this base's own words (synonym targets, keywords): high enough that they are kept
# whole (劳动仲裁, 宅基地) instead of being split by the general dictionary.
USER_WORD_FREQUENCY = 50_000

_CJK = r"\u4e00-\u9fff\u3400-\u4dbf"
_NON_WORD = re.compile(rf"[^{_CJK}a-z0-9]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
# An age typed in digits (19岁) must read like one written in Chinese numerals (十九岁), as the entries write
# ages: ages decide marriage, schooling, work and criminal responsibility. Only before 岁: amounts are noise.
_AGE = re.compile(r"(?<!\d)(\d{1,3})(?=多?周?岁)")

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class Analysis:
    """A text reduced to what the index and the matcher compare."""

    text: str  # normalised, synonyms applied, fillers removed
    words: tuple[str, ...]  # content words (jieba, stop words dropped)
    terms: dict[str, float]  # namespaced index terms -> query weight
    # Words the question seems to mean but misspelt (pinyin typos): searched for, but not part of what
    # the question itself could be expected to match in full.
    recovered: dict[str, float] = field(default_factory=dict)


def normalize(text: str) -> str:
    """Width, case, traditional characters, emoji, punctuation and invisible characters, in one pass."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUESTION_CHARS * 4])
    # Zero-width joiners, RTL marks and other format characters are invisible and would split words.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = zhconv.convert(text, "zh-cn").lower()
    text = _AGE.sub(_age_in_numerals, text)
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


def _age_in_numerals(match: re.Match[str]) -> str:
    """19 -> 十九 before 岁."""
    return str(cn2an.an2cn(match.group(1)))


class TextAnalyzer:
    """Normalisation, synonym mapping, filler removal, segmentation and pinyin for one knowledge base."""

    def __init__(
        self,
        synonyms: dict[str, str],
        fillers: Iterable[str] = (),
        stopwords: Iterable[str] = (),
        user_words: Iterable[str] = (),
        keep: Iterable[str] = (),
    ) -> None:
        """`keep`: words a synonym sits inside by accident (以后妈 is 以后 + 妈, not 以 + 后妈); matched with
        the synonyms, longest first, and left as they are."""
        self.synonyms = {normalize(k): normalize(v) for k, v in synonyms.items() if normalize(k)}
        self._synonym_pattern = _alternation([*self.synonyms, *(normalize(w) for w in keep)])
        self._filler_pattern = _alternation(normalize(f) for f in fillers)
        self._stopwords = frozenset(stopwords)
        words = set(self.synonyms.values()) | {normalize(w) for w in user_words}
        self._tokenizer = _tokenizer_with(frozenset(p for w in words for p in w.split() if len(p) > 1))

    def canonical(self, text: str) -> str:
        """Normalise, then map dialect and everyday words to the terms the FAQs use (longest first)."""
        text = normalize(text)
        if self._synonym_pattern is None:
            return text
        # A second pass reaches a word that the first one produced: 遭逮到 -> 遭抓到 -> 被抓到. Without it the
        # question held 遭抓, a word only the entries phrased 遭逮 share (吸毒遭逮到 met the entry on 嫖娼遭逮到).
        for _ in range(SYNONYM_PASSES):
            replaced = self._synonym_pattern.sub(self._replace_synonym, text)
            if replaced == text:
                break
            text = replaced
        return text

    def _replace_synonym(self, match: re.Match[str]) -> str:
        """The term for a matched word, unless the text already spells out that term here
        (摩托 inside 摩托车 must not become 摩托车车); a word to keep stays as it is."""
        term = self.synonyms.get(match.group(0), match.group(0))
        return match.group(0) if match.string.startswith(term, match.start()) else term

    def strip_fillers(self, text: str) -> str:
        """Remove greetings and filler (请问, 我想问一下, 怎么办) that every question shares."""
        if self._filler_pattern is None:
            return text
        stripped = " ".join(self._filler_pattern.sub(" ", text).split())
        return stripped or text

    @property
    def stopwords(self) -> frozenset[str]:
        """Words that carry no meaning here (from synonyms.yaml)."""
        return self._stopwords

    def tokens(self, clean: str) -> list[Token]:
        """`clean` (an `Analysis.text`) cut into words with their positions, for typo recovery."""
        return [
            Token(start, end, self._tokenizer.FREQ.get(word, 0) > 0)
            for word, start, end in self._tokenizer.tokenize(clean)
        ]

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


@functools.lru_cache(maxsize=4)
def _tokenizer_with(words: frozenset[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer knowing this base's words, so that bases built side by side (tests,
    a reload) do not change each other's segmentation. Cached because loading jieba's dictionary
    takes most of a second and a reload usually keeps the same words."""
    tokenizer = jieba.Tokenizer()
    for word in sorted(words):
        tokenizer.add_word(word, freq=USER_WORD_FREQUENCY)
    return tokenizer


def _add(terms: dict[str, float], term: str, weight: float) -> None:
    # Interned: the same term recurs across thousands of documents and FAQ vocabularies.
    term = sys.intern(term)
    terms[term] = max(terms.get(term, 0.0), weight)


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of the words, longest first so that 老汉儿 wins over 老汉."""
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(w) for w in unique))
