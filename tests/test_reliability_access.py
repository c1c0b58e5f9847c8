"""Access: admin commands only for admins, forged buttons reach nothing, no one reads another's data,
and the token and the secret never reach a log line or an error message."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest
from bot_harness import ADMIN_ID, SECRET, bot_settings, running_bot
from fake_bot_api import BOT_USERNAME, TOKEN, FakeBotApi
from test_reliability_crash_restart import bot_env, kill_leftover, start_bot, stop_bot

from analytics.pseudonym import pseudonymise

REFUSAL = "抱歉，这个功能不能用。有法律问题可以直接打字问我。"
ADMIN_COMMANDS = ["/reload", "/stats year", "/gaps", "/report 2026", "/broadcast 明天停水", "/broadcast tip"]
CHATS = [("private", None), ("group", -100901), ("supergroup", -100902)]
OUTSIDER, NEIGHBOUR = 8101, 8102
PRIVATE_QUESTION = "我屋头男人在外面欠了赌债，债主天天上门，我该咋个办"
FORGED = [
    "reload", "broadcast:all", "stats", "admin", "", ":", ":::", "a", "a:s", "a:x:injury.dog-bite",
    "a:s:../../etc/passwd", "a:s:" + "x" * 60, "art:", "art:nowhere", "rel:", "rel:nowhere",
    "fb", "fb:1", "fb:2:1:x", "fb:1:abc:x", "fb:1:99999999999999999999999:x", "fb:1:--5:x",
    "none", "none:", "none:abc", "none:-0", "ex", "ex:99", "ex:-1", "ex:abc",
    "tl:x", "tp", "tp:personal_injury", "tp:personal_injury:-1", "tp:personal_injury:99999", "tp:nowhere:0",
    "ll:1", "lp:民法典:99999", "lp:不存在法:0", "lp::", "v:../../", "v:", "tip:nowhere", "tip:",
    "<b>x</b>", "\u202e", "🙂" * 16,
]


async def test_every_admin_command_is_refused_to_villagers_in_every_kind_of_chat(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    sent = 0
    async with running_bot(settings) as bot:
        engine = bot.services.engine.current
        for chat_type, group in CHATS:
            for command in ADMIN_COMMANDS:
                for text in (command, command.replace(" ", f"@{BOT_USERNAME} ", 1) if " " in command
                             else f"{command}@{BOT_USERNAME}"):
                    await bot.api.send_text(OUTSIDER, text, chat_id=group, chat_type=chat_type)
                    sent += 1
        replies = await bot.api.wait_sent(sent, timeout=20)
        await asyncio.sleep(0.2)  # room for any stray second message to show up
    assert [r.text for r in bot.api.sent()] == [REFUSAL] * sent
    assert bot.services.engine.current is engine, "no reload happened"
    assert not bot.api.sent("sendDocument")
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("select count(*) from broadcasts").fetchone() == (0,)
    assert len(replies) == sent


async def test_forged_button_data_reaches_no_admin_action_and_raises_nothing(
        tmp_path: Path, knowledge_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        engine = bot.services.engine.current
        with caplog.at_level(logging.ERROR):
            for data in FORGED:
                await bot.api.tap(OUTSIDER, data)
            await bot.api.wait_for(lambda a: not a._updates, timeout=10)
            await bot.api.send_text(OUTSIDER, "喝了酒开车会怎么处罚？")
            await bot.api.wait_for(lambda a: any("代驾" in c.text for c in a.sent(chat_id=OUTSIDER)), timeout=10)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("telegram")]
    assert errors == [], "no forged tap made a handler fail"
    assert bot.services.engine.current is engine and not bot.api.sent("sendDocument")
    assert not any(c.chat_id == ADMIN_ID for c in bot.api.calls)
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("select count(*) from broadcasts").fetchone() == (0,)
        assert conn.execute("select count(*) from deliveries").fetchone() == (0,)


async def test_a_villager_cannot_read_or_take_over_another_villagers_question(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        api = bot.api
        await api.send_text(OUTSIDER, PRIVATE_QUESTION)
        await api.wait_sent(1, chat_id=OUTSIDER)
        with sqlite3.connect(settings.database_path) as conn:
            (question_id,) = conn.execute("select id from questions").fetchone()
        for data in (f"fb:0:{question_id}:", f"none:{question_id}", f"fb:1:{question_id}:injury.dog-bite"):
            await api.tap(NEIGHBOUR, data)
        for command in ("/stats", "/gaps", "/start", "/help", "/topics"):
            await api.send_text(NEIGHBOUR, command)
        await api.wait_for(lambda a: not a._updates, timeout=10)
        await api.wait_sent(6, chat_id=NEIGHBOUR, timeout=10)
    seen_by_neighbour = " ".join(c.text + str(c.params.get("reply_markup", "")) for c in api.calls
                                 if c.chat_id == NEIGHBOUR or c.method == "answerCallbackQuery")
    assert "赌债" not in seen_by_neighbour and "债主" not in seen_by_neighbour
    with sqlite3.connect(settings.database_path) as conn:
        feedback_users = {u for (u,) in conn.execute("select user from feedback")}
        click_users = {u for (u,) in conn.execute("select user from clicks")}
    neighbour = pseudonymise(SECRET.encode(), NEIGHBOUR)
    assert feedback_users == {neighbour} and click_users == {neighbour}, "forged taps are filed under the tapper"


async def test_token_and_secret_never_appear_in_the_bots_log_through_faults(
        tmp_path: Path, knowledge_dir: Path) -> None:
    api = FakeBotApi()
    await api.start()
    log = tmp_path / "bot.log"
    env = bot_env(api, knowledge_dir, tmp_path / "data")
    bot = None
    try:
        bot = await start_bot(api, env, log)
        api.fail("getUpdates", 500, times=1)
        api.fail("sendMessage", 500, times=2)
        api.fail("sendMessage", 429, retry_after=1, times=1)
        api.fail("sendMessage", 401, times=2, description="Unauthorized")
        for chat in (8201, 8202, 8203):
            await api.send_text(chat, "喝了酒开车会怎么处罚？")
        await api.wait_for(lambda a: all(f.times == 0 for f in a.faults), timeout=30)
        port = api.port
        await api.stop()
        await asyncio.sleep(1.5)  # refused connections while "Telegram" is away
        await api.start(port)
        await api.send_text(8204, "喝了酒开车会怎么处罚？")
        await api.wait_sent(1, chat_id=8204, timeout=30)
        await stop_bot(bot, api)
    finally:
        await kill_leftover(bot, api)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Internal Server Error" in text and "Unauthorized" in text, "the faults were logged"
    secret_part = TOKEN.split(":", 1)[1]
    assert TOKEN not in text and secret_part not in text
    assert env["PUFA_SECRET"] not in text
