"""Recognising questions that name an article: 民法典第1079条, 道交法七十六条, 刑法第133条之一.

Such a question goes straight to the article instead of through fuzzy matching. Law names come from
`laws.yaml` (short titles and aliases), so a new law needs no code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import cn2an

from knowledge.model import ArticleNumber, ArticleRef, Law

_NUMERAL = r"[0-9]+|[零〇一二两三四五六七八九十百千]+"


class ArticleReferenceFinder:
    """Finds `<law name> (第) <number> 条 (之<n>)` in normalised text, and law names."""

    def __init__(self, laws: Iterable[Law]) -> None:
        self._names: dict[str, str] = {}
        for law in laws:
            for name in (law.short_title, law.title, *law.aliases):
                self._names[name] = law.short_title
        names = sorted(self._names, key=len, reverse=True)
        self._pattern = re.compile(
            rf"(?P<law>{'|'.join(map(re.escape, names))})\s*(?:的|中|里头|里面|里)?\s*"
            rf"(?P<di>第)?\s*(?P<num>{_NUMERAL})\s*"
            rf"(?P<tiao>条)?(?:\s*之\s*(?P<sub>{_NUMERAL}))?"
        )
        # Only names that read as a statute's (…法, …条例, …法典) and are not the start of another word:
        # 安全生产 is also an everyday word, 民法 is inside 人民法院, 消费者法 inside 消费者法律.
        statute_names = [n for n in names if len(n) >= 3 and n.endswith(("法", "条例", "法典"))]
        self._name_pattern = re.compile(f"(?:{'|'.join(map(re.escape, statute_names))})(?![律院官庭定人])")

    def find(self, text: str) -> ArticleRef | None:
        """The first article reference in the text, or None. `第` or `条` must be present, so that
        a bare number after a law name (安全生产法 2021年) is not taken for an article."""
        for match in self._pattern.finditer(text):
            if not (match.group("di") or match.group("tiao")):
                continue
            number = _to_int(match.group("num"))
            if number is None or number <= 0:
                continue
            article: ArticleNumber = number
            sub = match.group("sub")
            if sub and match.group("tiao"):
                sub_number = _to_int(sub)
                if sub_number:
                    article = f"{number}之{sub_number}"
            return ArticleRef(law=self._names[match.group("law")], article=article)
        return None

    def remove(self, text: str) -> str:
        """The text with article references taken out, to read what else the question asks."""
        return self._pattern.sub(" ", text)

    def remove_names(self, text: str) -> str:
        """The text without law names: the name's words (治安, 管理, 处罚) would otherwise outweigh the
        subject (打人) and pull in any entry that happens to mention the law."""
        return self._name_pattern.sub(" ", text)


def _to_int(numeral: str) -> int | None:
    if numeral.isdigit():
        return int(numeral)
    try:
        return int(cn2an.cn2an(numeral.replace("两", "二"), "smart"))
    except (ValueError, KeyError):
        return None
