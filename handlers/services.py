"""What the handlers are given: the current engine, the analytics recorder and the interface texts.

The app factory builds one `BotServices` and puts it in `bot_data`; handlers reach it with `services()`
and never read YAML, files or the environment themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram.ext import CallbackContext

from analytics.events import QuestionEvent
from analytics.store import AnalyticsStore
from handlers.rate_limit import SlidingWindowLimiter
from knowledge.matcher import Matcher, StatuteLookup
from knowledge.messages import Messages
from knowledge.model import KnowledgeBase
from knowledge.replies import Replies
from knowledge.tips import Tip, Village

SERVICES_KEY = "pufa"
T = TypeVar("T")


@dataclass(frozen=True)
class Engine:
    """A knowledge base and the matcher built from it; replaced as a whole on /reload."""

    kb: KnowledgeBase
    matcher: Matcher


class EngineSlot:
    """Holds the engine in use. A swap is one reference assignment, so a question in flight keeps
    the engine it started with and the next one sees the new engine: there is no half-loaded state."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def current(self) -> Engine:
        return self._engine

    def swap(self, engine: Engine) -> None:
        self._engine = engine


class AnalyticsRecorder:
    """Runs every analytics call on one dedicated thread that also owns the SQLite connection.

    SQLite writes can stall (fsync, a lock held by a report) and must not stall the event loop; one
    thread keeps the connection's thread affinity and serialises writes without extra locking.
    Questions, the one event every update writes, are grouped: those that arrive while a write is on
    the thread go together in the next transaction, so under load a trip to the thread and a commit are
    shared by several questions (in bench_bot.py one hop per question cost ~15% of the bot's CPU).
    """

    def __init__(self, open_store: Callable[[], AnalyticsStore]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analytics")
        self._store = self._executor.submit(open_store).result()
        self._waiting: list[tuple[QuestionEvent, asyncio.Future[int]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def run(self, action: Callable[[AnalyticsStore], T]) -> T:
        """Run `action(store)` on the analytics thread and wait for its result."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, action, self._store)

    async def record_question(self, event: QuestionEvent) -> int:
        """Store a question with the others waiting and return its row id (see AnalyticsStore.record_question)."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_waiting())
        return await future

    async def _write_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                events = [event for event, _ in batch]
                try:
                    ids = await self.run(lambda store, events=events: store.record_question_batch(events))
                except Exception as exc:  # a bug, not a database fault (those are queued): tell every asker
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), question_id in zip(batch, ids, strict=True):
                    if not future.done():
                        future.set_result(question_id)
        finally:
            self._writer = None

    def close(self) -> None:
        """Store questions still waiting, flush pending events and close the database; safe to call twice."""
        if self._executor._shutdown:
            return
        events = [event for event, _ in self._waiting]
        self._waiting = []
        if events:
            self._executor.submit(self._store.record_question_batch, events).result()
        self._executor.submit(_flush_and_close, self._store).result()
        self._executor.shutdown(wait=True)


def _flush_and_close(store: AnalyticsStore) -> None:
    store.flush()
    store.close()


@dataclass
class BotServices:
    """Everything a handler may use. `load_engine` builds a fresh engine from disk for /reload and
    raises `KnowledgeBaseError` when the files are broken."""

    engine: EngineSlot
    load_engine: Callable[[], Engine]
    analytics: AnalyticsRecorder
    messages: Messages
    replies: Replies
    tips: tuple[Tip, ...]
    villages: tuple[Village, ...]
    statutes: StatuteLookup | None
    admin_ids: frozenset[int]
    office_contact: str
    rate_limiter: SlidingWindowLimiter
    # Raw Telegram ids seen since start, kept in memory only, to skip a database round trip per message.
    seen_users: set[int] = field(default_factory=set)

    def village(self, code: str | None) -> Village | None:
        """The configured village with this code, if any."""
        return next((v for v in self.villages if v.code == code), None)

    def tip(self, tip_id: str) -> Tip | None:
        """The outreach tip with this id, if any."""
        return next((t for t in self.tips if t.id == tip_id), None)


def services(context: CallbackContext[Any, Any, Any, Any]) -> BotServices:
    """The services the app factory installed."""
    found: BotServices = context.application.bot_data[SERVICES_KEY]
    return found
