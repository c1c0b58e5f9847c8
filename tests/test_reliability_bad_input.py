"""Bad input to the matcher and the bot: arbitrary Unicode never raises and always yields a valid outcome.

Property-based (hypothesis) over arbitrary text and over mixes of the characters that break naive text
code (control, zero-width and bidi marks, emoji ZWJ sequences, combining marks, SQL and HTML), with the
100,000-character and empty cases pinned as explicit examples. The time these take is measured in
benchmarks/bench_bad_input.py; here only correctness is asserted. A table of the nastiest inputs then
goes through the real bot to the SQLite file.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from pathlib import Path

import pytest
from bot_harness import VILLAGER_ID, bot_settings, running_bot
from conftest import SMALL_FAQS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from knowledge import BUNDLED_KNOWLEDGE_DIR
from knowledge.loader import load_knowledge_base
from knowledge.matcher import MAX_SUGGESTIONS, Matcher
from knowledge.model import MatchResult, Outcome

# Fragments that have broken text handling elsewhere: each is a whole "word" a strategy can combine.
NASTY_FRAGMENTS = [
    "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\x7f", "\u0085",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069",  # bidi marks
    "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🇨🇳", "\U0001f600" * 3, "\ufe0f",
    "a\u0301\u0302\u0303", "\u0e01\u0e49\u0e49\u0e49", "Z\u0335\u0321\u0334",  # combining marks
    "'; drop table questions; --", "\" or 1=1 --", "<script>alert(1)</script>", "<b>", "</i>", "&amp;", "&#0;",
    "%s%s%n", "{0}{office}", "${jndi:ldap://x}", "..\\..\\etc\\passwd",
    "مرحبا", "שלום", "Привет", "こんにちは", "안녕", "ꦲꦏ꧀ꦱꦫ",  # other scripts, two of them right-to-left
    "狗咬了人", "谁赔", "民法典第1079条", "第一千零七十九条", "道交法", "离婚", "工钱", "咋个办",
    "１２３４５", "一二三", "13812345678", "500101199001011234",
]
HUNDRED_THOUSAND = 100_000


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    """The small test base (with the bundled lexicon, laws and chitchat), built once for the module."""
    root = tmp_path_factory.mktemp("knowledge")
    (root / "faqs").mkdir()
    for name in ("laws.yaml", "topics.yaml", "synonyms.yaml", "replies.yaml", "chitchat.yaml"):
        shutil.copy(BUNDLED_KNOWLEDGE_DIR / name, root / name)
    (root / "faqs" / "small.yaml").write_text(SMALL_FAQS, encoding="utf-8")
    return Matcher(load_knowledge_base(root))


def assert_valid(result: MatchResult) -> None:
    """What every caller (bot, CLI, JSON) relies on, whatever the question was."""
    assert isinstance(result.status, Outcome)
    assert math.isfinite(result.score) and 0.0 <= result.score <= 1.0
    if result.status is Outcome.ANSWERED:
        assert result.answer and result.answer.strip()
    if result.status is Outcome.SUGGEST:
        assert 1 <= len(result.suggestions) <= MAX_SUGGESTIONS
    if result.faq is not None:
        assert result.citations, "an entry's answer always carries its legal basis"
    json.dumps(result.to_json(), ensure_ascii=False)


fragments = st.lists(st.sampled_from(NASTY_FRAGMENTS) | st.text(max_size=5), max_size=40).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(question=st.text())
@example(question="")
@example(question=" \t\r\n\u3000")
@example(question="\u200b" * HUNDRED_THOUSAND)
@example(question="狗咬" * (HUNDRED_THOUSAND // 2))
@example(question="\U0001f600" * HUNDRED_THOUSAND)
@example(question="第" * HUNDRED_THOUSAND)
@example(question="民法典第" + "9" * HUNDRED_THOUSAND + "条")
def test_any_unicode_text_gets_a_valid_outcome(matcher: Matcher, question: str) -> None:
    assert_valid(matcher.match(question))


@SETTINGS
@given(question=fragments)
def test_mixes_of_control_bidi_emoji_sql_and_html_get_a_valid_deterministic_outcome(
        matcher: Matcher, question: str) -> None:
    first = matcher.match(question)
    assert_valid(first)
    assert matcher.match(question).to_json() == first.to_json()


@SETTINGS
@given(padding=st.lists(st.sampled_from(["\u200b", "\u200d", "\u200e", "\u202e", "\ufeff", "\u2060"]), max_size=6))
def test_invisible_marks_do_not_change_a_clear_answer(matcher: Matcher, padding: list[str]) -> None:
    marks = "".join(padding)
    result = matcher.match(f"{marks}被别人家的狗咬伤了{marks}，谁来赔偿？{marks}")
    assert result.status is Outcome.ANSWERED and result.faq is not None and result.faq.id == "injury.dog-bite"


BOT_INPUTS = [
    "\u200b\u200c\u200d\ufeff",
    "\u202e被别人家的狗咬伤了，谁来赔偿？\u202c",
    "👨‍👩‍👧‍👦🏳️‍🌈👍🏽" * 50,
    "'); drop table questions; -- 老板拖欠工资不给怎么办？",
    "<script>alert('x')</script><b>喝了酒开车</b>&amp;",
    "x\x00y\x07z\x1b[0m",
    "我的电话13812345678，身份证500101199001011234，狗咬了人谁赔" + "啊" * HUNDRED_THOUSAND,
]


async def test_nasty_messages_through_the_bot_are_answered_and_stored_intact(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings_ = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings_) as bot:
        for text in BOT_INPUTS:
            await bot.api.send_text(VILLAGER_ID, text)
            await bot.api.wait_sent(len(bot.api.sent()) + 1, timeout=10)
        await bot.api.send_text(VILLAGER_ID, "喝了酒开车会怎么处罚？")
        after = (await bot.api.wait_sent(len(BOT_INPUTS) + 1, timeout=10))[-1]
    replies = bot.api.sent()
    assert len(replies) == len(BOT_INPUTS) + 1, "exactly one reply each"
    assert all("<script>" not in r.text and "drop table" not in r.text for r in replies), "input is never echoed raw"
    assert "代驾" in after.text, "the bot still answers normally afterwards"
    with sqlite3.connect(settings_.database_path) as conn:
        stored = [q for (q,) in conn.execute("select question from questions order by id")]
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    assert len(stored) == len(BOT_INPUTS) + 1
    assert stored[3].startswith("'); drop table questions; --"), "SQL is stored as text, not run"
    assert "13812345678" not in stored[6] and "500101199001011234" not in stored[6], "personal numbers redacted"
    assert all(len(q) <= 300 for q in stored)
