"""Fixed reply sentences and the law-version note shown beside recently changed laws."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge import BUNDLED_KNOWLEDGE_DIR
from knowledge.loader import KnowledgeBaseError, load_knowledge_base
from knowledge.model import Citation
from knowledge.replies import load_replies, version_notes


def test_recent_laws_are_named_with_their_version(knowledge_dir: Path) -> None:
    kb = load_knowledge_base(knowledge_dir)
    replies = load_replies(BUNDLED_KNOWLEDGE_DIR)
    cited = [Citation("治安管理处罚法", 51), Citation("民法典", 1245), Citation("治安管理处罚法", 20)]
    notes = version_notes(cited, kb.laws, replies.version_note, dt.date(2026, 11, 26))
    assert notes == ["注：中华人民共和国治安管理处罚法（2025-06-27 修订，2026-01-01起施行）。"]
    # Years later the note is no longer needed; before the law took effect it would be misleading.
    assert version_notes(cited, kb.laws, replies.version_note, dt.date(2030, 1, 1)) == []
    assert version_notes(cited, kb.laws, replies.version_note, dt.date(2025, 12, 1)) == []


def test_missing_sentence_is_reported(tmp_path: Path) -> None:
    (tmp_path / "replies.yaml").write_text("disclaimer: 仅供参考\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_replies(tmp_path)
    assert any("`fallback` must be a sentence" in str(p) for p in caught.value.problems)
