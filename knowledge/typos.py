"""Pinyin-input typos: 离昏 -> 离婚, 山养 -> 赡养, 鞭跑 -> 鞭炮 (-> 烟花爆竹).

People type Chinese by pinyin and pick the wrong character of the same sound. A two- to four-character
stretch of the question that sounds exactly like a common word of the knowledge base, but is not that
word, very likely stands for it. The correction is *added* to the question's terms, never substituted,
so a real word that happens to sound like another keeps its own evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from pypinyin import Style, lazy_pinyin

_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
# Word lengths considered; single characters have too many homophones to guess from sound alone.
MIN_WORD, MAX_WORD = 2, 4
# A word stands for its sound only if it is this many times as frequent as any other word with that
# sound: the knowledge base itself contains typo forms (alternates are written with them), which
# are rare next to the real word.
DOMINANCE = 3
# Words ending in a particle (领了, 打的) are phrases, not terms a typo would stand for.
_PARTICLES = frozenset("了的着过吗呢吧啊")


def _sound(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


class HomophoneCorrector:
    """Maps the toneless pinyin of the base's common words (and synonym keys) back to the term."""

    def __init__(self, frequency: Mapping[str, int], synonyms: Mapping[str, str]) -> None:
        self._frequency = {
            w: n
            for w, n in frequency.items()
            if MIN_WORD <= len(w) <= MAX_WORD and _CJK_RUN.fullmatch(w) and w[-1] not in _PARTICLES
        }
        by_sound: dict[str, dict[str, int]] = defaultdict(dict)
        for word, count in self._frequency.items():
            by_sound[_sound(word)][word] = count
        # 鞭炮 never survives normalisation (it becomes 烟花爆竹), but 鞭跑 should still find it.
        for key, term in synonyms.items():
            if MIN_WORD <= len(key) <= MAX_WORD and _CJK_RUN.fullmatch(key) and term in self._frequency:
                by_sound[_sound(key)][term] = max(by_sound[_sound(key)].get(term, 0), self._frequency[term])
        self._word_of_sound: dict[str, str] = {}
        for sound, words in by_sound.items():
            ranked = sorted(words.items(), key=lambda item: -item[1])
            if len(ranked) == 1 or ranked[0][1] >= DOMINANCE * ranked[1][1]:
                self._word_of_sound[sound] = ranked[0][0]

    def corrections(self, text: str) -> set[str]:
        """Common words of the base that stretches of `text` sound like but do not spell."""
        found = set()
        for run in _CJK_RUN.findall(text):
            syllables = lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
            if len(syllables) != len(run):
                continue
            for size in range(MIN_WORD, MAX_WORD + 1):
                for start in range(len(run) - size + 1):
                    piece = run[start : start + size]
                    word = self._word_of_sound.get("".join(syllables[start : start + size]))
                    if word is not None and word != piece and word not in run:
                        found.add(word)
        return found
