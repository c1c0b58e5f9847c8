"""Statute texts: parse 第…条 files (Markdown/text or .docx), keep them in SQLite, look articles up.

The knowledge base cites articles; the statute store lets the bot show an article's own words and lets
tests prove that every cited article exists and every quote is exact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cn2an
import sqlite_utils

from knowledge.model import ArticleNumber

_ARTICLE_LINE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?[\s\u3000]*(.*)$")
_HEADING = re.compile(r"^(#|第[零〇一二三四五六七八九十百千]+[编章节](\s|$))")
TABLE = "statute_articles"


@dataclass(frozen=True)
class Article:
    """One article of one law, with its paragraphs joined by newlines."""

    law: str
    number: ArticleNumber
    text: str


def article_key(number: ArticleNumber) -> str:
    """The canonical string form of an article number ("1079", "133之1") used as a lookup key."""
    return str(number)


def parse_statute_lines(law: str, lines: list[str]) -> Iterator[Article]:
    """Split a statute's lines into articles; a heading ends the article before it."""
    current: tuple[ArticleNumber, list[str]] | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        match = _ARTICLE_LINE.match(line)
        if match:
            if current:
                yield Article(law, current[0], "\n".join(current[1]))
            number: ArticleNumber = int(cn2an.cn2an(match.group(1), "smart"))
            if match.group(2):
                number = f"{number}之{int(cn2an.cn2an(match.group(2), 'smart'))}"
            current = (number, [line])
        elif _HEADING.match(line):
            if current:
                yield Article(law, current[0], "\n".join(current[1]))
            current = None
        elif current:
            current[1].append(line)
    if current:
        yield Article(law, current[0], "\n".join(current[1]))


def read_statute_file(path: Path) -> list[Article]:
    """Articles of one file; the law is named by the file's stem (民法典.md -> 民法典)."""
    if path.suffix.lower() == ".docx":
        import docx  # python-docx, only needed for .docx downloads from the national laws database

        lines = [p.text for p in docx.Document(str(path)).paragraphs]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    law = re.sub(r"\(.*\)$|（.*）$", "", path.stem)
    return list(parse_statute_lines(law, lines))


def normalize_quote(text: str) -> str:
    """Compare quotes without caring about full/half-width punctuation or line breaks (the source mixes them)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class StatuteStore:
    """Imported statute texts in the pufa SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite_utils.Database(path)
        self._texts: dict[tuple[str, str], str] | None = None

    def import_folder(self, folder: Path) -> dict[str, int]:
        """Load every .md/.txt/.docx statute in a folder (not its subfolders); returns articles per law."""
        counts: dict[str, int] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".md", ".txt", ".docx") or path.stem.upper() == "README":
                continue
            articles = read_statute_file(path)
            if not articles:
                continue
            table = self._db[TABLE]
            table.delete_where("law = ?", [articles[0].law])  # type: ignore[union-attr]
            table.insert_all(  # type: ignore[union-attr]
                ({"law": a.law, "article": article_key(a.number), "text": a.text} for a in articles),
                pk=("law", "article"),
                replace=True,
            )
            counts[articles[0].law] = len(articles)
        self._texts = None
        return counts

    def _all(self) -> dict[tuple[str, str], str]:
        if self._texts is None:
            if TABLE in self._db.table_names():
                rows = self._db.query(f"select law, article, text from {TABLE}")
                self._texts = {(r["law"], r["article"]): r["text"] for r in rows}
            else:
                self._texts = {}
        return self._texts

    @property
    def loaded(self) -> bool:
        """Whether any statute has been imported."""
        return bool(self._all())

    def article_text(self, law: str, article: ArticleNumber) -> str | None:
        """The article's text, or None when that law or article is not imported."""
        return self._all().get((law, article_key(article)))

    def search(self, words: str, limit: int = 10) -> list[Article]:
        """Articles containing every given word (space-separated), in law and article order."""
        needles = [normalize_quote(w) for w in words.split() if w.strip()]
        found = []
        for (law, number), text in self._all().items():
            flat = normalize_quote(text)
            if needles and all(n in flat for n in needles):
                found.append(Article(law, int(number) if number.isdigit() else number, text))
                if len(found) >= limit:
                    break
        return found
