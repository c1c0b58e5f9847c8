"""Database faults under the running bot: locked by another process, read-only, full.

Replies must still go out, the refused events wait in memory (logged) and are stored once the database
accepts writes again, and the file passes `PRAGMA integrity_check` after every fault. Read-only and
full are simulated with `PRAGMA query_only` and `PRAGMA max_page_count` on the bot's own connection:
the tests run as root in CI, where file permissions do not stop a write, and a loop mount needs privileges.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bot_harness import RunningBot, bot_settings, running_bot

QUESTION = "喝了酒开车会怎么处罚？"
LOCKER = """\
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("begin immediate")
print("locked", flush=True)
sys.stdin.read()
"""


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("pragma integrity_check").fetchone()[0]


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


async def ask(bot: RunningBot, chat: int, text: str = QUESTION) -> Any:
    """Send one question and return the bot's reply."""
    await bot.api.send_text(chat, text)
    return (await bot.api.wait_sent(len(bot.api.sent(chat_id=chat)) + 1, chat_id=chat, timeout=10))[-1]


async def on_store(bot: RunningBot, action: Callable[[Any], Any]) -> Any:
    return await bot.services.analytics.run(action)


async def test_locked_by_another_process_replies_go_out_and_events_land_after(
        tmp_path: Path, knowledge_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await ask(bot, 6000)
        locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(settings.database_path)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
            with caplog.at_level(logging.WARNING, logger="analytics.writer"):
                replies = [await ask(bot, chat) for chat in (6001, 6002, 6003)]
            pending = await on_store(bot, lambda store: store.pending)
            locked_rows = count(settings.database_path, "questions")
        finally:
            locker.communicate("")
        after = await ask(bot, 6004)
        assert await on_store(bot, lambda store: store.pending) == 0
    assert all("代驾" in r.text for r in [*replies, after])
    assert pending == 3 and locked_rows == 1
    assert any("analytics write queued" in r.getMessage() for r in caplog.records), "the fault is reported"
    assert count(settings.database_path, "questions") == 5
    assert integrity(settings.database_path) == "ok"


async def test_feedback_on_an_answer_given_while_the_database_was_locked_lands_on_its_row(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await ask(bot, 6100)
        blocker = sqlite3.connect(settings.database_path, isolation_level=None)
        blocker.execute("begin immediate")
        answer = await ask(bot, 6101)
        helpful = dict(answer.buttons())["👍 有用"]
        await bot.api.tap(6101, helpful, on=answer)
        await bot.api.wait_sent(1, "answerCallbackQuery")
        blocker.execute("rollback")
        blocker.close()
        await ask(bot, 6102)
    assert helpful.startswith("fb:1:-"), "a provisional id while the row waits in memory"
    with sqlite3.connect(settings.database_path) as conn:
        rows = conn.execute("select f.helpful, q.faq_id, q.id from feedback f join questions q"
                            " on q.id = f.question_id").fetchall()
        second = conn.execute("select id from questions order by id").fetchall()[1][0]
    assert rows == [(1, "traffic.drunk-driving", second)]


async def test_read_only_database_keeps_replies_going_and_stores_everything_once_writable(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    async with running_bot(settings) as bot:
        await ask(bot, 6200)
        await on_store(bot, lambda store: store.connection.execute("pragma query_only = 1"))
        replies = [await ask(bot, chat) for chat in (6201, 6202)]
        pending = await on_store(bot, lambda store: store.pending)
        assert integrity(settings.database_path) == "ok"
        await on_store(bot, lambda store: store.connection.execute("pragma query_only = 0"))
        await ask(bot, 6203)
    assert all("代驾" in r.text for r in replies) and pending == 2
    assert count(settings.database_path, "questions") == 4
    assert integrity(settings.database_path) == "ok"


async def test_full_disk_keeps_replies_going_and_stores_everything_once_there_is_room(
        tmp_path: Path, knowledge_dir: Path) -> None:
    settings = bot_settings(tmp_path, knowledge_dir)
    long_question = QUESTION + "我想问清楚" * 60
    async with running_bot(settings) as bot:
        await ask(bot, 6300)
        await on_store(bot, lambda store: store.connection.execute(
            f"pragma max_page_count = {store.connection.execute('pragma page_count').fetchone()[0]}"))
        replies = [await ask(bot, 6301 + i, long_question) for i in range(12)]
        pending = await on_store(bot, lambda store: store.pending)
        full_integrity = integrity(settings.database_path)
        await on_store(bot, lambda store: store.connection.execute("pragma max_page_count = 1073741823"))
        await ask(bot, 6399)
        assert await on_store(bot, lambda store: store.pending) == 0
    assert all("代驾" in r.text for r in replies), [r.text[:80] for r in replies]
    assert pending > 0 and full_integrity == "ok"
    assert count(settings.database_path, "questions") == 14
    assert integrity(settings.database_path) == "ok"
