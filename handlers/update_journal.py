"""A journal of updates fetched but not yet handled, so that a crash loses no villager's question.

PTB's updater confirms a batch to Telegram (the next getUpdates offset) as soon as it has queued it, before
the handlers run: a bot killed at that moment would never see those questions again. Every update is
written here when it enters the queue and deleted as soon as the bot first calls the Bot API for it (or
its handlers finish without a word); on start, whatever is still here is handled first. Deleting before
the reply rather than after keeps "never answer twice": a crash between Telegram receiving a reply and the
bot hearing back would otherwise replay an answered question. A SQLite file in WAL mode survives a killed
process (not only a clean stop).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

# How to settle the update being handled in this task (clear it from the journal), until the bot first
# speaks for it.
_settle_current: ContextVar[Callable[[], None] | None] = ContextVar("pufa_settle_current_update", default=None)


def settle_current_update() -> None:
    """Called just before the bot's first Bot API call for an update: from then on a crash must not replay
    it, because a villager answered twice is worse than the rare answer lost mid-send."""
    settle = _settle_current.get()
    if settle is not None:
        _settle_current.set(None)
        settle()


class UpdateJournal:
    """Pending updates by id, in a small SQLite file of their own (never contending with analytics)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        # NORMAL skips the fsync per commit; in WAL mode that still survives a killed process, which is the
        # failure this journal is for (two writes per update must not cost two disk syncs).
        self._db.execute("pragma synchronous=normal")
        self._db.execute("create table if not exists pending (update_id integer primary key, body text not null)")

    def add(self, update: Update) -> None:
        """Remember an update before anything else happens to it."""
        try:
            self._db.execute(
                "insert or replace into pending values (?, ?)", (update.update_id, json.dumps(update.to_dict()))
            )
        except sqlite3.Error:
            log.exception("could not journal update %s; it is still handled", update.update_id)

    def done(self, update_id: int) -> None:
        """Forget an update whose handlers have finished."""
        try:
            self._db.execute("delete from pending where update_id = ?", (update_id,))
        except sqlite3.Error:
            log.exception("could not clear update %s from the journal", update_id)

    def pending(self) -> list[dict[str, Any]]:
        """Updates a previous run fetched but did not finish, oldest first."""
        rows = self._db.execute("select body from pending order by update_id").fetchall()
        return [json.loads(body) for (body,) in rows]

    def close(self) -> None:
        self._db.close()


class JournaledQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The update queue between PTB's updater and the application: journals each update on the way in."""

    def __init__(self, journal: UpdateJournal) -> None:
        super().__init__()
        self.journal = journal
        # Updates replayed from the journal may also come again from Telegram (if the killed run had not
        # yet confirmed their batch); ids only grow, so anything up to the last replayed id is a repeat.
        self.replayed_up_to = -1

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if item.update_id <= self.replayed_up_to:
                return
            self.journal.add(item)
        await super().put(item)


class JournaledApplication(Application):  # type: ignore[type-arg]
    """An Application that clears each update from the journal once its handlers are done."""

    async def process_update(self, update: object) -> None:
        if not (isinstance(update, Update) and isinstance(self.update_queue, JournaledQueue)):
            await super().process_update(update)
            return
        journal, update_id = self.update_queue.journal, update.update_id
        token = _settle_current.set(lambda: journal.done(update_id))
        try:
            await super().process_update(update)
        finally:
            _settle_current.reset(token)
            journal.done(update_id)


async def replay_pending(app: Application) -> None:  # type: ignore[type-arg]
    """Queue the updates a previous run fetched but never finished, before polling resumes."""
    queue = app.update_queue
    if not isinstance(queue, JournaledQueue):
        return
    pending = queue.journal.pending()
    for body in pending:
        update = Update.de_json(body, app.bot)
        if update is not None:
            await queue.put(update)
            queue.replayed_up_to = max(queue.replayed_up_to, update.update_id)
    if pending:
        log.info("replaying %d update(s) left unfinished by the previous run", len(pending))
