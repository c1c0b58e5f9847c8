"""Bot throughput and latency: simulated villagers through `python bot.py` and the fake Bot API.

The bot runs as its own process (`bot.py`, configured only through the environment, analytics written
to a real SQLite file), exactly as in production; this process runs the fake Bot API and the villagers,
so the bot does not share its CPU with the test harness. Two runs over the same questions:

- paced: 1,000 users x 5 questions arriving at `--rate` updates/s (round robin, so each user has one
  question in flight); reported: p50/p99 time from an update being queued for getUpdates to its reply
  reaching the server, and the updates/s achieved;
- burst: every user asks at once and asks again as soon as answered; reported: the maximum updates/s.

Each run also reports the CPU time each process spent per update (the bot's from /proc, this process's
own), which stays meaningful when other work shares the machine, and shows whether the harness (the
fake server) rather than the bot is the limit. At the end the bot gets SIGTERM and the analytics file
is checked to hold every question.

`--server-ceiling N` measures the fake Bot API alone: N sendMessage requests from a bare aiohttp loop
in a child process (16 at a time), nothing else running.

    .venv/bin/python benchmarks/bench_bot.py [--users 1000] [--questions 5] [--rate 300]
    .venv/bin/python benchmarks/bench_bot.py --server-ceiling 5000
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

import aiohttp  # noqa: E402
from fake_bot_api import TOKEN, ApiCall, FakeBotApi  # noqa: E402

from knowledge import BUNDLED_KNOWLEDGE_DIR  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402

# One in ten questions is off-topic, so fallbacks (and their analytics rows) are part of the mix.
OFF_TOPIC_SHARE = 0.1
OFF_TOPIC = ["今天天气怎么样", "量子力学的基本原理", "哪里有好吃的火锅", "手机怎么截图"]
FIRST_USER_ID = 10_000_000
SEED = 20261126
STARTUP_TIMEOUT_S = 60
# Requests in flight from the ceiling load generator: as many as the bot keeps in flight.
CEILING_CONCURRENCY = 16
# A typical answer's size on the wire (an answer with its basis runs to a few hundred characters).
CEILING_TEXT = "《民法典》第一千零七十九条规定，夫妻一方要求离婚的，可以由有关组织进行调解。" * 6


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


class CpuMeter:
    """CPU seconds (user + system) used by the bot process and by this one since `start()`."""

    def __init__(self, bot_pid: int) -> None:
        self.bot_pid = bot_pid
        self.bot_start = self.own_start = 0.0

    def bot_seconds(self) -> float:
        fields = Path(f"/proc/{self.bot_pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self.bot_start, self.own_start = self.bot_seconds(), time.process_time()

    def per_update(self, updates: int) -> str:
        bot = (self.bot_seconds() - self.bot_start) / updates * 1000
        own = (time.process_time() - self.own_start) / updates * 1000
        return f"CPU per update: bot {bot:.2f} ms, fake server + villagers {own:.2f} ms"


def summary(name: str, clock: Clock, started: float, cpu: CpuMeter) -> str:
    lat = sorted(clock.latencies)
    elapsed = clock.last_reply - started
    return (f"{name}: {len(lat)} updates in {elapsed:.1f} s = {len(lat) / elapsed:.0f} updates/s; "
            f"update->reply p50 {statistics.median(lat) * 1000:.1f} ms, "
            f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms; "
            f"{cpu.per_update(len(lat))}")


async def paced(api: FakeBotApi, texts: list[str], users: int, rate: float, cpu: CpuMeter) -> str:
    clock = Clock()
    clock.expected = len(texts)
    api.listeners[:] = [clock.on_call]
    cpu.start()
    started = time.monotonic()
    for index, text in enumerate(texts):
        user = FIRST_USER_ID + index % users
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        clock.asked(user)
        await api.send_text(user, text)
    await asyncio.wait_for(clock.done.wait(), 120)
    return summary(f"paced at {rate:.0f}/s offered", clock, started, cpu)


async def burst(api: FakeBotApi, texts: list[str], users: int, per_user: int, cpu: CpuMeter) -> str:
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

    cpu.start()
    started = time.monotonic()
    await asyncio.gather(*(villager(i) for i in range(users)))
    return summary("burst (all users at once)", clock, started, cpu)


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
            cpu = CpuMeter(bot.pid)
            print(await paced(api, texts, users, rate, cpu))
            print(await burst(api, texts, users, per_user, cpu))
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


async def server_ceiling(requests: int) -> None:
    """The fake Bot API alone, loaded by a bare aiohttp client in a child process."""
    api = FakeBotApi()
    await api.start()
    generator = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--load-generator", api.base_url, str(requests), stdout=subprocess.PIPE)
    cpu_start = time.process_time()
    output, _ = await generator.communicate()
    server_cpu_ms = (time.process_time() - cpu_start) / requests * 1000
    print(f"fake server alone: {output.decode().strip()}; server CPU {server_cpu_ms:.2f} ms per request")
    await api.stop()


async def load_generator(base_url: str, requests: int) -> None:
    """Send `requests` sendMessage calls, CEILING_CONCURRENCY at a time, and print the rate."""
    url = f"{base_url}{TOKEN}/sendMessage"
    markup = json.dumps({"inline_keyboard": [[{"text": "👍", "callback_data": "f|1|1|x"}]]})
    form = {"chat_id": str(FIRST_USER_ID), "text": CEILING_TEXT, "parse_mode": "HTML", "reply_markup": markup}
    left = iter(range(requests))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CEILING_CONCURRENCY)) as session:

        async def sender() -> None:
            for _ in left:
                async with session.post(url, data=form) as response:
                    await response.read()
                    response.raise_for_status()

        started = time.monotonic()
        await asyncio.gather(*(sender() for _ in range(CEILING_CONCURRENCY)))
        elapsed = time.monotonic() - started
    print(f"{requests} sendMessage in {elapsed:.1f} s = {requests / elapsed:.0f} requests/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--server-ceiling", type=int, metavar="N", help="measure the fake Bot API alone")
    parser.add_argument("--load-generator", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        asyncio.run(load_generator(args.load_generator[0], int(args.load_generator[1])))
    elif args.server_ceiling:
        asyncio.run(server_ceiling(args.server_ceiling))
    else:
        asyncio.run(run(args.users, args.questions, args.rate))


if __name__ == "__main__":
    main()
