"""Soak: the bot benchmark's sustainable load held for ten minutes, with flooders, memory sampled throughout.

`python bot.py` runs as its own process against the fake Bot API (as in bench_bot.py). For `--minutes`
this process offers `--rate` questions a second round robin over `--users` villagers, while `--flooders`
users each send one message a second (three times the default limit of 20 a minute), so the rate limiter
works the whole time. Every minute it prints the replies, the update->reply p50/p99 of the paced
villagers and the bot's RSS and peak RSS (VmRSS / VmHWM from /proc). At the end the bot gets SIGTERM
and the analytics file must hold exactly one row per answered question.

    .venv/bin/python benchmarks/bench_soak.py [--minutes 10] [--rate 100] [--users 1000] [--flooders 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_bot import questions  # noqa: E402
from fake_bot_api import TOKEN, ApiCall, FakeBotApi  # noqa: E402

from knowledge import BUNDLED_KNOWLEDGE_DIR  # noqa: E402
from knowledge.messages import load_messages  # noqa: E402

FIRST_USER_ID = 20_000_000
FIRST_FLOODER_ID = 30_000_000
# A flooder sends this many messages a second: three times PUFA_RATE_LIMIT's default of 20 a minute.
FLOOD_PER_SECOND = 1
STARTUP_TIMEOUT_S = 60
# Replies still owed when the offered load stops get this long to arrive before the run is called short.
DRAIN_TIMEOUT_S = 120


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in kB: its resident memory now and its peak so far."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


class Ledger:
    """Replies seen by the fake server: paced latencies per minute, flood notices, everything counted."""

    def __init__(self, notice: str, started: float) -> None:
        self.notice = notice
        self.started = started
        self.asked: dict[int, deque[float]] = defaultdict(deque)
        self.latencies: dict[int, list[float]] = defaultdict(list)
        self.replies = 0
        self.notices = 0
        self.flood_answers = 0

    def on_call(self, call: ApiCall) -> None:
        if call.method != "sendMessage" or call.status != 200:
            return
        self.replies += 1
        chat = call.chat_id or 0
        if chat >= FIRST_FLOODER_ID:
            if self.notice in call.text:
                self.notices += 1
            else:
                self.flood_answers += 1
            return
        queue = self.asked.get(chat)
        if queue:
            minute = int((call.at - self.started) // 60)
            self.latencies[minute].append(call.at - queue.popleft())

    @property
    def owed(self) -> int:
        return sum(len(q) for q in self.asked.values())


def minute_line(label: str, latencies: list[float], rss: tuple[int, int]) -> str:
    lat = sorted(latencies) or [0.0]
    p99 = lat[max(0, int(len(lat) * 0.99) - 1)]
    return (f"{label}: {len(latencies):6d} paced replies, p50 {statistics.median(lat) * 1000:7.1f} ms,"
            f" p99 {p99 * 1000:7.1f} ms; bot RSS {rss[0] / 1024:6.1f} MB, peak {rss[1] / 1024:6.1f} MB")


async def offer_load(api: FakeBotApi, ledger: Ledger, texts: list[str], args: argparse.Namespace,
                     bot: subprocess.Popen[bytes]) -> list[tuple[int, int]]:
    """Send paced questions and flood messages for the whole run; sample memory once a minute."""
    samples: list[tuple[int, int]] = []
    end = ledger.started + args.minutes * 60
    index = 0
    next_flood = ledger.started
    next_sample = ledger.started + 60
    while time.monotonic() < end:
        now = time.monotonic()
        due = int((now - ledger.started) * args.rate)
        while index < due:
            user = FIRST_USER_ID + index % args.users
            ledger.asked[user].append(time.monotonic())
            await api.send_text(user, texts[index % len(texts)])
            index += 1
        if now >= next_flood:
            for flooder in range(args.flooders):
                await api.send_text(FIRST_FLOODER_ID + flooder, texts[(index + flooder) % len(texts)])
            next_flood += 1 / FLOOD_PER_SECOND
        if now >= next_sample:
            samples.append(memory_kb(bot.pid))
            minute = len(samples) - 1
            print(minute_line(f"minute {minute + 1:2d}", ledger.latencies.get(minute, []), samples[-1]), flush=True)
            next_sample += 60
        await asyncio.sleep(0.005)
    print(f"offered {index} paced questions and {int(args.minutes * 60 * args.flooders)} flood messages", flush=True)
    return samples


async def run(args: argparse.Namespace) -> None:
    texts = questions(20_000)
    notice = load_messages(BUNDLED_KNOWLEDGE_DIR / "messages.yaml").text("rate_limited")
    api = FakeBotApi()
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PUFA_TELEGRAM_BASE_URL": api.base_url,
               "PUFA_DATA_DIR": tmp, "PUFA_SECRET": "soak"}
        env.pop("PUFA_RATE_LIMIT", None)
        bot = subprocess.Popen([sys.executable, str(ROOT / "bot.py")], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        try:
            await api.wait_for(lambda a: bool(a.offsets), STARTUP_TIMEOUT_S)
            print(f"bot started: RSS {memory_kb(bot.pid)[0] / 1024:.1f} MB before any question", flush=True)
            ledger = Ledger(notice, time.monotonic())
            api.listeners[:] = [ledger.on_call]
            samples = await offer_load(api, ledger, texts, args, bot)
            drain_until = time.monotonic() + DRAIN_TIMEOUT_S
            while ledger.owed and time.monotonic() < drain_until:
                await asyncio.sleep(0.1)
            await asyncio.sleep(1)  # the last flood messages of the run
            final = memory_kb(bot.pid)
        finally:
            bot.send_signal(signal.SIGTERM)
            await api.release_polls()
            while bot.poll() is None:
                await asyncio.sleep(0.05)
        every = [x for minute in sorted(ledger.latencies) for x in ledger.latencies[minute]]
        print(minute_line("whole run", every, final))
        print(f"start of run (minute 1): RSS {samples[0][0] / 1024:.1f} MB, peak {samples[0][1] / 1024:.1f} MB;"
              f" end: RSS {final[0] / 1024:.1f} MB, peak {final[1] / 1024:.1f} MB")
        print(f"replies {ledger.replies}: paced answered {len(every)}, still owed {ledger.owed};"
              f" flooders answered {ledger.flood_answers}, rate-limit notices {ledger.notices}")
        with sqlite3.connect(Path(tmp) / "pufa.sqlite") as conn:
            stored = conn.execute("select count(*) from questions").fetchone()[0]
            integrity = conn.execute("pragma integrity_check").fetchone()[0]
        print(f"SIGTERM -> exit {bot.returncode}; analytics: {stored} rows for"
              f" {len(every) + ledger.flood_answers} answered questions; integrity_check {integrity}")
    await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0, help="paced questions per second")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--flooders", type=int, default=10)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
