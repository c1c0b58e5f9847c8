"""Writes that never raise at the caller: a locked or full database queues them in memory instead.

A villager's reply must not fail because the database is locked by a report or the disk is full, so a
failed write is logged and kept in a small in-memory queue that is retried, in order, before the next
write and by `flush()` (the bot calls it on shutdown). Question ids handed out while a write is queued
are provisional (negative) and are translated when the queue drains, so feedback and 都不是 clicks on
such a question still land on the right row.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# How long one write waits for a lock held by a report or another process before it is queued instead:
# short enough that a reply is never held up noticeably.
WRITE_BUSY_TIMEOUT_S = 0.2
# Writes kept in memory while the database refuses them; beyond this the oldest are dropped (and logged)
# rather than letting a dead disk grow the bot's memory without bound.
PENDING_LIMIT = 10_000

Write = Callable[[sqlite3.Connection], Any]


class QueuedWriter:
    """One SQLite connection (WAL) whose writes are retried from a queue instead of raising."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path, timeout=WRITE_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("pragma journal_mode=wal")
        # In WAL mode NORMAL is still crash-safe for the database; at worst the last commits are lost.
        self._conn.execute("pragma synchronous=normal")
        self._pending: deque[tuple[Write, tuple[int, ...]]] = deque()
        self._provisional: dict[int, int] = {}
        self._next_provisional = -1

    # -- writing -----------------------------------------------------------------------------------

    def _write(self, write: Write, provisional_ids: tuple[int, ...] = ()) -> Any:
        """Run one write now, or queue it (keeping order) if the database refuses; never raises.

        With `provisional_ids` the write returns the row ids it stored, in the same order, so that the
        provisional ids handed out while it was queued can be translated once it lands."""
        with self._lock:
            if self._pending and not self._drain():
                self._enqueue(write, provisional_ids)
                return None
            try:
                return self._in_transaction(write)
            except sqlite3.Error as exc:
                log.warning("analytics write queued (%s); %d pending", exc, len(self._pending) + 1)
                self._enqueue(write, provisional_ids)
                return None

    def _in_transaction(self, write: Write) -> Any:
        self._conn.execute("begin immediate")
        try:
            result = write(self._conn)
        except BaseException:
            self._conn.execute("rollback")
            raise
        self._conn.execute("commit")
        return result

    def _enqueue(self, write: Write, provisional_ids: tuple[int, ...]) -> None:
        if len(self._pending) >= PENDING_LIMIT:
            self._pending.popleft()
            log.error("analytics queue full (%d): dropped the oldest pending write", PENDING_LIMIT)
        self._pending.append((write, provisional_ids))

    def _drain(self) -> bool:
        while self._pending:
            write, provisional_ids = self._pending[0]
            try:
                result = self._in_transaction(write)
            except sqlite3.Error as exc:
                log.warning("analytics still cannot write (%s); %d pending", exc, len(self._pending))
                return False
            self._pending.popleft()
            for provisional, stored in zip(provisional_ids, result or (), strict=False):
                self._provisional[provisional] = int(stored)
        return True

    def write_rows(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Insert or update many rows in one transaction (queued like any other write if refused)."""
        params = [tuple(row) for row in rows]
        self._write(lambda conn: conn.executemany(sql, params))

    def flush(self) -> int:
        """Retry every queued write; return how many are still pending (0 when all are stored)."""
        with self._lock:
            self._drain()
            return len(self._pending)

    def _resolve(self, question_id: int | None) -> int | None:
        """A question id as stored: provisional ids from queued writes become the real row id."""
        if question_id is None or question_id >= 0:
            return question_id
        return self._provisional.get(question_id)

    # -- reading -----------------------------------------------------------------------------------

    def _read(self, read: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            try:
                return read(self._conn)
            except sqlite3.Error as exc:
                log.warning("analytics read failed: %s", exc)
                return None

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for the report queries (read-only use)."""
        return self._conn

    @property
    def pending(self) -> int:
        """Writes waiting in memory for the database to accept them."""
        return len(self._pending)

    def close(self) -> None:
        """Try the queue one last time, then close the file."""
        with self._lock:
            remaining = self.flush()
            if remaining:
                log.error("closing analytics with %d writes that could not be stored", remaining)
            self._conn.close()
