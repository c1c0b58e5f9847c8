"""Telegram faults: 500s, 429s with retry_after, timeouts and refused connections from the fake Bot API.

The bot must keep running, recover by itself once the fault passes, answer each question once, and
never lose a question event from the analytics.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot_harness import bot_settings, running_bot
from fake_bot_api import FakeBotApi

QUESTION = "喝了酒开车会怎么处罚？"
ANSWER_MARK = "代驾"
# PTB's default read timeout is 5 s; a reply the server holds longer than that times out at the bot.
BEYOND_READ_TIMEOUT_S = 6.5


def stored_questions(settings) -> int:
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        return conn.execute("select count(*) from questions").fetchone()[0]


def answers_per_chat(api: FakeBotApi, chats: list[int]) -> list[int]:
    return [sum(ANSWER_MARK in c.text for c in api.sent(chat_id=chat)) for chat in chats]


async def test_getupdates_500s_and_429_delay_questions_but_all_are_answered_once(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    chats = [5101, 5102, 5103, 5104]
    async with running_bot(settings) as bot:
        api = bot.api
        await api.wait_for(lambda a: len(a.offsets) >= 1)
        faults = [api.fail("getUpdates", 500, times=2), api.fail("getUpdates", 429, retry_after=1, times=1)]
        for chat in chats:
            await api.send_text(chat, QUESTION)
        await api.wait_for(lambda a: all(answers_per_chat(a, chats)) and all(f.times == 0 for f in faults),
                           timeout=20)
    statuses = [c.status for c in api.calls if c.method == "getUpdates"]
    assert statuses.count(500) == 2 and statuses.count(429) == 1
    assert answers_per_chat(api, chats) == [1, 1, 1, 1]
    assert stored_questions(settings) == len(chats)


async def test_sendmessage_500_and_429_are_retried_and_the_reply_arrives(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        api = bot.api
        api.fail("sendMessage", 500, chat_id=5201, times=2)
        api.fail("sendMessage", 429, retry_after=1, chat_id=5202, times=1)
        api.fail("sendMessage", 502, chat_id=5203, times=1, description="Bad Gateway")
        for chat in (5201, 5202, 5203):
            await api.send_text(chat, QUESTION)
        await api.wait_for(lambda a: all(answers_per_chat(a, [5201, 5202, 5203])), timeout=20)
    assert answers_per_chat(api, [5201, 5202, 5203]) == [1, 1, 1]
    attempts = [[c.status for c in api.calls if c.method == "sendMessage" and c.chat_id == chat]
                for chat in (5201, 5202, 5203)]
    assert attempts == [[500, 500, 200], [429, 200], [502, 200]]
    assert stored_questions(settings) == 3


async def test_refused_connections_for_a_while_then_the_bot_reconnects_by_itself(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    chats = [5301, 5302, 5303]
    async with running_bot(settings) as bot:
        api = bot.api
        await api.send_text(5300, QUESTION)
        await api.wait_sent(1, chat_id=5300)
        port = api.port
        await api.stop()  # the port now refuses connections
        for chat in chats:
            await api.send_text(chat, QUESTION)  # queued at "Telegram" while the bot cannot reach it
        await api.start(port)
        await api.wait_for(lambda a: all(answers_per_chat(a, chats)), timeout=30)
    assert answers_per_chat(api, [5300, *chats]) == [1, 1, 1, 1]
    assert stored_questions(settings) == 4


async def test_a_reply_that_times_out_is_not_sent_twice_and_the_bot_goes_on(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        api = bot.api
        api.slow("sendMessage", BEYOND_READ_TIMEOUT_S, times=1)
        await api.send_text(5401, QUESTION)
        await api.wait_sent(1, chat_id=5401, timeout=20)
        await api.send_text(5402, QUESTION)
        await api.wait_sent(1, chat_id=5402, timeout=10)
    # The slow send did reach "Telegram" (after the bot gave up waiting); a retry would have doubled it.
    assert answers_per_chat(api, [5401, 5402]) == [1, 1]
    assert stored_questions(settings) == 2
