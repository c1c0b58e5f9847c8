"""Bot throughput and latency: simulated villagers through `python bot.py` and the fake Bot API.

The bot runs as its own process (`bot.py`, configured only through the environment, analytics written
to a real SQLite file), exactly as in production; this process runs the fake Bot API and the villagers,
so the bot does not share its CPU with the test harness. Two runs over the same questions:

- paced: 1,000 users x 5 questions arriving at `--rate` updates/s (round robin, so each user has one
  question in flight); reported: p50/p99 time from an update being queued for getUpdates to its reply
  reaching the server, and the updates/s achieved;
- burst: every user asks at once and asks again as soon as answered; reported: the maximum updates/s.

At the end the bot gets SIGTERM and the analytics file is checked to hold every question.

    .venv/bin/python benchmarks/bench_bot.py [--users 1000] [--questions 5] [--rate 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_bot_api import TOKEN, ApiCall, FakeBotApi  # noqa: E402

from knowledge import BUNDLED_KNOWLEDGE_DIR  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402

# One in ten questions is off-topic, so fallbacks (and their analytics rows) are part of the mix.
OFF_TOPIC_SHARE = 0.1
OFF_TOPIC = ["今天天气怎么样", "量子力学的基本原理", "哪里有好吃的火锅", "手机怎么截图"]
FIRST_USER_ID = 10_000_000
SEED = 20261126
STARTUP_TIMEOUT_S = 60


def questions(count: int) -> list[str]:
    """Villager-style questions: FAQ alternates from the bundled base, with some off-topic ones."""
    kb = load_knowledge_base(BUNDLED_KNOWLEDGE_DIR)
    pool = [alt for faq in kb.faqs for alt in faq.alternates]
    rng = random.Random(SEED)
    return [rng.choice(OFF_TOPIC) if rng.random() < OFF_TOPIC_SHARE else rng.choice(pool) for _ in range(count)]


class Clock:
    """Matches each reply to the oldest unanswered question of its chat and keeps the latencies."""

    def __init__(self) -> None:
        self.pending: dict[int, deque[float]] = defaultdict(deque)
        self.latencies: list[float] = []
        self.last_reply = 0.0
        self.done = asyncio.Event()
        self.expected = 0

    def asked(self, chat_id: int) -> None:
        self.pending[chat_id].append(time.monotonic())

    def on_call(self, call: ApiCall) -> None:
        queue = self.pending.get(call.chat_id or 0) if call.method == "sendMessage" else None
        if queue:
            self.latencies.append(call.at - queue.popleft())
            self.last_reply = call.at
            if len(self.latencies) >= self.expected:
                self.done.set()


def summary(name: str, clock: Clock, started: float) -> str:
    lat = sorted(clock.latencies)
    elapsed = clock.last_reply - started
    return (f"{name}: {len(lat)} updates in {elapsed:.1f} s = {len(lat) / elapsed:.0f} updates/s; "
            f"update->reply p50 {statistics.median(lat) * 1000:.1f} ms, "
            f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms")


async def paced(api: FakeBotApi, texts: list[str], users: int, rate: float) -> str:
    clock = Clock()
    clock.expected = len(texts)
    api.listeners[:] = [clock.on_call]
    started = time.monotonic()
    for index, text in enumerate(texts):
        user = FIRST_USER_ID + index % users
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        clock.asked(user)
        await api.send_text(user, text)
    await asyncio.wait_for(clock.done.wait(), 120)
    return summary(f"paced at {rate:.0f}/s offered", clock, started)


async def burst(api: FakeBotApi, texts: list[str], users: int, per_user: int) -> str:
    clock = Clock()
    clock.expected = len(texts)
    api.listeners[:] = [clock.on_call]
    answered: dict[int, asyncio.Event] = {}

    def on_call(call: ApiCall) -> None:
        clock.on_call(call)
        if call.method == "sendMessage" and call.chat_id in answered:
            answered[call.chat_id].set()

    api.listeners[:] = [on_call]

    async def villager(index: int) -> None:
        user = FIRST_USER_ID + users + index
        for turn in range(per_user):
            answered[user] = asyncio.Event()
            clock.asked(user)
            await api.send_text(user, texts[index * per_user + turn])
            await asyncio.wait_for(answered[user].wait(), 120)

    started = time.monotonic()
    await asyncio.gather(*(villager(i) for i in range(users)))
    return summary("burst (all users at once)", clock, started)


async def run(users: int, per_user: int, rate: float) -> None:
    texts = questions(users * per_user)
    api = FakeBotApi()
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PUFA_TELEGRAM_BASE_URL": api.base_url,
               "PUFA_DATA_DIR": tmp, "PUFA_SECRET": "bench", "PUFA_RATE_LIMIT": str(per_user * 4)}
        bot = subprocess.Popen([sys.executable, str(ROOT / "bot.py")], cwd=ROOT, env=env,
                               stderr=subprocess.DEVNULL)
        try:
            await api.wait_for(lambda a: bool(a.offsets), STARTUP_TIMEOUT_S)
            print(await paced(api, texts, users, rate))
            print(await burst(api, texts, users, per_user))
        finally:
            bot.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            await api.release_polls()
            while bot.poll() is None:
                await asyncio.sleep(0.05)
            print(f"SIGTERM -> exit {bot.returncode} in {time.monotonic() - stopped:.1f} s")
        with sqlite3.connect(Path(tmp) / "pufa.sqlite") as conn:
            stored = conn.execute("select count(*) from questions").fetchone()[0]
        print(f"analytics: {stored} of {2 * len(texts)} questions stored")
    await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--rate", type=float, default=300.0)
    args = parser.parse_args()
    asyncio.run(run(args.users, args.questions, args.rate))


if __name__ == "__main__":
    main()
