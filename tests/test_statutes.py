"""Statute texts: parsing 第…条 files and .docx downloads, the SQLite store, lookups and search."""

from __future__ import annotations

from pathlib import Path

import docx

from knowledge.statutes import StatuteStore, normalize_quote, parse_statute_lines

SAMPLE = [
    "# 中华人民共和国示例法",
    "2026年1月1日通过",
    "## 第一章 总则",
    "第一条 为了示例，制定本法。",
    "第二条 本法适用于：",
    "（一）村民；",
    "（二）村委会。",
    "## 第二章 附则",
    "第一百三十三条之一 醉酒驾驶机动车的，处拘役。",
]


def test_articles_are_split_with_paragraphs_and_headings_end_them() -> None:
    articles = {a.number: a.text for a in parse_statute_lines("示例法", SAMPLE)}
    assert list(articles) == [1, 2, "133之1"]
    assert articles[2] == "第二条 本法适用于：\n（一）村民；\n（二）村委会。"
    assert "第二章" not in articles[2]


def test_docx_import_lookup_and_search(tmp_path: Path) -> None:
    folder = tmp_path / "laws"
    folder.mkdir()
    document = docx.Document()
    for line in SAMPLE:
        document.add_paragraph(line)
    document.save(str(folder / "示例法(2026-01-01).docx"))
    (folder / "README.md").write_text("第一条 not a statute", encoding="utf-8")
    store = StatuteStore(tmp_path / "data" / "pufa.sqlite")
    assert store.import_folder(folder) == {"示例法": 3}
    assert store.article_text("示例法", "133之1") == "第一百三十三条之一 醉酒驾驶机动车的，处拘役。"
    assert store.article_text("示例法", 9) is None
    assert [a.number for a in store.search("村委会")] == [2]
    # Re-importing replaces, never duplicates.
    assert store.import_folder(folder) == {"示例法": 3}
    assert StatuteStore(tmp_path / "data" / "pufa.sqlite").loaded


def test_quotes_compare_across_full_and_half_width_punctuation() -> None:
    assert normalize_quote("规定:(一)") == normalize_quote("规定：（一）")
