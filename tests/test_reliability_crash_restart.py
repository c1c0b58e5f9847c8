"""kill -9 in the middle of a load, then a restart: nothing acknowledged is lost, nothing is answered twice.

`python bot.py` runs as its own process against the fake Bot API, as in production. Villagers ask one
question each, paced, then a burst; while the burst is being answered the bot is killed with SIGKILL (no
flush, no goodbye), restarted on the same data folder, and stopped with SIGTERM when the queue is empty.

What a kill can lose, and this test pins down: PTB's updater confirms a batch to Telegram (the next
getUpdates offset) as soon as it has queued it, before the handlers run. The bot therefore journals every
update when it is queued (handlers/update_journal.py) and clears it when it first speaks for it; on restart
the journal's updates are handled first. What remains at risk is only a reply cut off mid-send by the kill
(never one answered twice).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT
from fake_bot_api import TOKEN, FakeBotApi

from analytics.pseudonym import pseudonymise

SECRET = "crash-test-secret"
QUESTION = "喝了酒开车会怎么处罚？"
VILLAGERS = list(range(7001, 7061))
# Pause between villagers' messages: a steady load, so the kill lands with work in flight.
PACE_S = 0.02
STARTUP_TIMEOUT_S = 60
# Then this many at once, and the kill lands while they are being answered.
BURST = 20


def bot_env(api: FakeBotApi, knowledge_dir: Path, data_dir: Path) -> dict[str, str]:
    """The environment `bot.py` is configured from, pointing at the fake Bot API."""
    return {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PUFA_TELEGRAM_BASE_URL": api.base_url,
            "PUFA_DATA_DIR": str(data_dir), "PUFA_KNOWLEDGE_DIR": str(knowledge_dir), "PUFA_SECRET": SECRET}


async def start_bot(api: FakeBotApi, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python bot.py` and wait for its first getUpdates."""
    polls = len(api.offsets)
    with log.open("ab") as stderr:
        bot = subprocess.Popen([sys.executable, str(REPO_ROOT / "bot.py")], cwd=REPO_ROOT, env=env, stderr=stderr)
    await api.wait_for(lambda a: len(a.offsets) > polls, STARTUP_TIMEOUT_S)
    return bot


async def wait_exit(bot: subprocess.Popen[bytes]) -> int:
    while bot.poll() is None:
        await asyncio.sleep(0.02)
    return bot.returncode


async def stop_bot(bot: subprocess.Popen[bytes], api: FakeBotApi) -> None:
    """SIGTERM, let the pending long poll return, and require a clean exit."""
    bot.send_signal(signal.SIGTERM)
    await api.release_polls()
    assert await wait_exit(bot) == 0


async def kill_leftover(bot: subprocess.Popen[bytes] | None, api: FakeBotApi) -> None:
    """Whatever a failed test left running is killed, and the fake Bot API stopped."""
    if bot is not None and bot.poll() is None:
        bot.kill()
    await api.stop()


def answered(api: FakeBotApi) -> dict[int, int]:
    """Replies per villager so far."""
    return {chat: len(api.sent(chat_id=chat)) for chat in VILLAGERS if api.sent(chat_id=chat)}


async def test_kill_9_mid_load_then_restart_loses_nothing_acknowledged_and_answers_nothing_twice(
        tmp_path: Path, knowledge_dir: Path) -> None:
    api = FakeBotApi()
    await api.start()
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    env = bot_env(api, knowledge_dir, data_dir)
    bot: subprocess.Popen[bytes] | None = None
    try:
        bot = await start_bot(api, env, log)
        update_of: dict[int, int] = {}
        for chat in VILLAGERS:
            update_of[chat] = await api.send_text(chat, QUESTION)
            await asyncio.sleep(PACE_S)
            if len(answered(api)) >= len(VILLAGERS) // 3:
                break
        for chat in VILLAGERS[len(update_of):len(update_of) + BURST]:
            update_of[chat] = await api.send_text(chat, QUESTION)
        await api.wait_for(lambda a: len(answered(a)) > len(VILLAGERS) // 3 + 2, timeout=10)
        bot.send_signal(signal.SIGKILL)
        assert await wait_exit(bot) == -signal.SIGKILL
        before_kill = answered(api)
        confirmed = max((o for o in api.offsets if o is not None), default=0)
        with sqlite3.connect(data_dir / "pufa.sqlite") as conn:
            assert conn.execute("pragma integrity_check").fetchone() == ("ok",)

        with sqlite3.connect(data_dir / "updates.sqlite") as journal:
            journaled = {json.loads(body)["update_id"] for (body,) in journal.execute("select body from pending")}
        bot = await start_bot(api, env, log)
        for chat in VILLAGERS:
            if chat not in update_of:
                update_of[chat] = await api.send_text(chat, QUESTION)
        unconfirmed = [chat for chat, update in update_of.items() if update >= confirmed]
        await api.wait_for(lambda a: all(chat in answered(a) for chat in unconfirmed), timeout=30)
        await api.wait_for(lambda a: not a._updates, timeout=10)
        await stop_bot(bot, api)
    finally:
        await kill_leftover(bot, api)

    replies = answered(api)
    assert all(count == 1 for count in replies.values()), "no villager was answered twice"
    assert set(unconfirmed) <= set(replies), "every update not yet confirmed was fetched again and answered"
    with sqlite3.connect(data_dir / "pufa.sqlite") as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        stored = {user for (user,) in conn.execute("select user from questions")}
    secret = SECRET.encode()
    assert {pseudonymise(secret, chat) for chat in before_kill} <= stored, "every answer sent before the kill is stored"
    assert {pseudonymise(secret, chat) for chat in replies} <= stored
    replayed = [chat for chat, update in update_of.items() if update in journaled]
    assert all(replies.get(chat) == 1 for chat in replayed), "every journaled question was answered after the restart"
    lost = [chat for chat in VILLAGERS if chat not in replies]
    # Lost can only be what the killed bot had fetched (and Telegram had been told it had) but not answered.
    assert all(update_of[chat] < confirmed for chat in lost)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert TOKEN not in text and TOKEN.split(":")[1] not in text and SECRET not in text
