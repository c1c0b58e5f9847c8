"""Pinyin-input typos: 离昏 -> 离婚, 山养 -> 赡养, 鞭跑 -> 鞭炮 (-> 烟花爆竹).

People type Chinese by pinyin and pick the wrong character of the same sound. A two- to four-character
stretch of the question that sounds exactly like a common word of the knowledge base, but is not that
word, very likely stands for it. The correction is *added* to the question's terms, never substituted,
so a real word that happens to sound like another keeps its own evidence.

A typo replaces a whole word, so the stretch must start where a word of the question starts and end
where one ends, or start or end inside a word the dictionary does not know (补尝款, 信方局 and 安猎 of
安猎架 are unknown; 砌|围墙 is not a typo of 气味). Without that, any two neighbouring characters of a
story (把钱 -> 八千, 他们 -> 它们) would add a rare, wrong word to the question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
# Word lengths considered; single characters have too many homophones to guess from sound alone.
MIN_WORD, MAX_WORD = 2, 4
# A word stands for its sound only if it is this many times as frequent as any other word with that
# sound: the knowledge base itself contains typo forms (alternates are written with them), which
# are rare next to the real word.
DOMINANCE = 3
# Words ending in a particle (领了, 打的, 卖得) are phrases, not terms a typo would stand for.
_PARTICLES = frozenset("了的得着过吗呢吧啊")
# A stretch holding a function character (的, 把, 们 …) is grammar, not a misspelt term (我把 -> 我爸).
_FUNCTION_CHARS = frozenset("的了得着过吗呢吧啊把们是在我你他她它这那也都就")


@dataclass(frozen=True)
class Token:
    """One word of the question as segmented: where it is, and whether the dictionary knows it."""

    start: int
    end: int
    known: bool


def _sound(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


class HomophoneCorrector:
    """Maps the toneless pinyin of the base's common words (and synonym keys) back to the term."""

    def __init__(self, frequency: Mapping[str, int], synonyms: Mapping[str, str], ignore: Iterable[str] = ()) -> None:
        """`ignore`: words never read as typos (the base's stop words: 知道 is not a typo of 指导)."""
        self._ignore = frozenset(ignore)
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

    def corrections(self, text: str, tokens: Sequence[Token] | None = None) -> set[str]:
        """Common words of the base that stretches of `text` sound like but do not spell. With the
        question's `tokens`, only stretches aligned to its words count (see the module docstring)."""
        words = tokens or ()
        inside_unknown = {i for t in words if not t.known for i in range(t.start + 1, t.end)}
        # Where a stretch may start or end: at a word's edge, or anywhere inside a word the dictionary lacks.
        starts = {t.start for t in words} | inside_unknown
        ends = {t.end for t in words} | inside_unknown
        # A typo often breaks segmentation into a lone character and a wrong word (戒|读出来), or glues its
        # first character to the word before (安猎|架 for 安|猎夹): a stretch starting with a lone character,
        # or inside an unknown word, may end anywhere.
        loose = {t.start for t in words if t.end - t.start == 1} | inside_unknown
        found = set()
        for match in _CJK_RUN.finditer(text):
            run, offset = match.group(0), match.start()
            syllables = lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
            if len(syllables) != len(run):
                continue
            for size in range(MIN_WORD, MAX_WORD + 1):
                for start in range(len(run) - size + 1):
                    at = offset + start
                    if tokens is not None and (at not in starts or (at + size not in ends and at not in loose)):
                        continue
                    piece = run[start : start + size]
                    if piece in self._ignore or _FUNCTION_CHARS.intersection(piece):
                        continue
                    word = self._word_of_sound.get("".join(syllables[start : start + size]))
                    if word is not None and word != piece and word not in run:
                        found.add(word)
        return found
