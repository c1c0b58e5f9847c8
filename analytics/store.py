"""The analytics store: every outreach event, pseudonymised and redacted, in one SQLite file.

Writes go through `QueuedWriter`, so none of these methods raises at the caller (see writer.py).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from analytics.events import QuestionEvent, stored_time
from analytics.insights import Gap, Stats, read_gaps, read_stats
from analytics.migrations import migrate
from analytics.pseudonym import load_or_create_secret, pseudonymise
from analytics.redact import redact_personal_numbers
from analytics.writer import QueuedWriter

__all__ = ["AnalyticsStore", "Gap", "Stats", "load_or_create_secret"]

# Rows per transaction in bulk ingestion: large enough to amortise the commit, small enough to keep
# the write lock short.
INGEST_BATCH_SIZE = 5_000

# Users whose pseudonym is kept in memory: a town's whole population, so the HMAC runs once per person.
PSEUDONYM_CACHE_SIZE = 100_000

# First contact is the earliest time we ever saw the person, whichever event arrives first.
_UPSERT_USER = (
    "insert into users (key, first_seen, channel) values (?, ?, ?) on conflict(key) do update set"
    " first_seen = excluded.first_seen where excluded.first_seen < users.first_seen"
)


class AnalyticsStore(QueuedWriter):
    """Records outreach events and answers the quick questions the bot's admin commands ask."""

    def __init__(self, path: Path, secret: bytes, *, retention_days: int | None = None) -> None:
        """Open (or create) the SQLite file in WAL mode and bring its schema up to date.

        With `retention_days`, question texts older than that are deleted right away; counts stay.
        """
        super().__init__(path)
        self._secret = secret
        self._pseudonyms: dict[int | str, str] = {}
        self.db = sqlite_utils.Database(self._conn)
        migrate(self.db)
        if retention_days is not None:
            self.forget_question_texts(older_than_days=retention_days)

    def pseudonymise(self, user_id: int | str) -> str:
        """The key this store files a user under (HMAC-SHA256 of the raw id with the secret)."""
        key = self._pseudonyms.get(user_id)
        if key is None:
            if len(self._pseudonyms) >= PSEUDONYM_CACHE_SIZE:
                self._pseudonyms.clear()
            key = self._pseudonyms[user_id] = pseudonymise(self._secret, user_id)
        return key

    def _question_row(self, event: QuestionEvent) -> tuple[Any, ...]:
        return (
            stored_time(event.at), self.pseudonymise(event.user_id), event.channel, event.village,
            event.status, event.faq_id, event.topic, _json_list(event.laws), _json_list(event.citations),
            float(event.score),
            float(event.latency_ms), redact_personal_numbers(event.question),
        )

    def record_question(self, event: QuestionEvent) -> int:
        """Store one question; return its row id (provisional and negative if the write was queued)."""
        return self.record_question_batch([event])[0]

    def record_question_batch(self, events: Sequence[QuestionEvent]) -> list[int]:
        """Store questions in one transaction and return their row ids in order (provisional and
        negative if the write was queued). The bot groups the questions of concurrent updates this way,
        so a burst costs one commit and one trip to the analytics thread instead of one per question."""
        rows = [self._question_row(event) for event in events]

        def write(conn: sqlite3.Connection) -> list[int]:
            ids = []
            for row in rows:
                conn.execute(_UPSERT_USER, (row[1], row[0], row[2]))
                ids.append(_insert_question(conn, row))
            return ids

        with self._lock:
            provisional = tuple(range(self._next_provisional, self._next_provisional - len(rows), -1))
            stored = self._write(write, provisional_ids=provisional)
            if stored is None:
                self._next_provisional -= len(rows)
                return list(provisional)
            return [int(row_id) for row_id in stored]

    def record_questions(self, events: Iterable[QuestionEvent], batch_size: int = INGEST_BATCH_SIZE) -> int:
        """Bulk ingestion (imports, the benchmark): one transaction per batch; returns rows written."""
        written = 0
        batch: list[tuple[Any, ...]] = []
        for event in events:
            batch.append(self._question_row(event))
            if len(batch) >= batch_size:
                written += self._write_batch(batch)
                batch = []
        if batch:
            written += self._write_batch(batch)
        return written

    def _write_batch(self, rows: list[tuple[Any, ...]]) -> int:
        first_seen: dict[str, tuple[str, str]] = {}
        for row in rows:
            known = first_seen.get(row[1])
            if known is None or row[0] < known[0]:
                first_seen[row[1]] = (row[0], row[2])

        def write(conn: sqlite3.Connection) -> int:
            conn.executemany(_UPSERT_USER, ((key, at, ch) for key, (at, ch) in first_seen.items()))
            conn.executemany(_INSERT_QUESTION_WITH_VILLAGE, (_with_user_key(r) for r in rows))
            return len(rows)

        self._write(write)
        return len(rows)

    def record_user_seen(
        self, user_id: int | str, *, channel: str, village: str | None = None, source: str | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Note a contact; True the first time this person is ever seen (the office's "new user")."""
        key = self.pseudonymise(user_id)
        when = stored_time(at)
        is_new = self._read(lambda c: c.execute("select 1 from users where key = ?", (key,)).fetchone()) is None

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "insert into users (key, first_seen, channel, village, source) values (?, ?, ?, ?, ?)"
                " on conflict(key) do update set village = coalesce(excluded.village, users.village),"
                " source = coalesce(users.source, excluded.source)",
                (key, when, channel, village, source),
            )

        self._write(write)
        return is_new

    def set_village(self, user_id: int | str, village: str) -> None:
        """Remember the village a user chose, for questions they ask from now on."""
        key = self.pseudonymise(user_id)
        when = stored_time(None)
        self._write(lambda c: c.execute(
            "insert into users (key, first_seen, village) values (?, ?, ?)"
            " on conflict(key) do update set village = excluded.village", (key, when, village)))

    def user_village(self, user_id: int | str) -> str | None:
        """The village a user chose, if any (None also when the database cannot be read)."""
        key = self.pseudonymise(user_id)
        row = self._read(lambda c: c.execute("select village from users where key = ?", (key,)).fetchone())
        return row[0] if row else None

    def _simple_insert(self, table: str, values: dict[str, Any]) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        params = tuple(values.values())
        self._write(lambda c: c.execute(f"insert into {table} ({columns}) values ({marks})", params))

    def record_click(
        self, user_id: int | str, *, kind: str, target: str, question_id: int | None = None,
        at: datetime | None = None,
    ) -> None:
        """A button tap. For `none_of_these` the target is the question id that record_question returned;
        for `alternative` the target is the entry tapped and `question_id` the question it was offered for."""
        key = self.pseudonymise(user_id)

        def insert(c: sqlite3.Connection) -> sqlite3.Cursor:
            # Question ids are resolved when the write lands: a queued question's provisional id by then has
            # its real row id.
            stored = _target_question(self._resolve(_as_int(target)), target) if kind == "none_of_these" else target
            return c.execute(
                "insert into clicks (at, user, kind, target, question_id) values (?, ?, ?, ?, ?)",
                (stored_time(at), key, kind, stored, self._resolve(question_id)))

        self._write(insert)

    def record_feedback(
        self, user_id: int | str, *, faq_id: str | None, helpful: bool, question_id: int | None = None,
        at: datetime | None = None,
    ) -> None:
        """👍 / 👎 on an answer."""
        key, when = self.pseudonymise(user_id), stored_time(at)
        self._write(lambda c: c.execute(
            "insert into feedback (at, user, faq_id, question_id, helpful) values (?, ?, ?, ?, ?)",
            (when, key, faq_id, self._resolve(question_id), int(helpful))))

    def record_media(self, user_id: int | str, *, kind: str, at: datetime | None = None) -> None:
        """A voice message, photo or sticker: counted, since it is someone reaching out."""
        self._simple_insert("media", {"at": stored_time(at), "user": self.pseudonymise(user_id), "kind": kind})

    def subscribe(self, user_id: int | str, chat_id: int) -> None:
        """Add (or re-add) a chat to the weekly outreach message."""
        key, when = self.pseudonymise(user_id), stored_time(None)
        self._write(lambda c: c.execute(
            "insert into subscriptions (user, chat_id, subscribed_at) values (?, ?, ?) on conflict(user)"
            " do update set chat_id = excluded.chat_id, subscribed_at = excluded.subscribed_at,"
            " unsubscribed_at = null", (key, chat_id, when)))

    def unsubscribe(self, user_id: int | str) -> None:
        """Stop the weekly message (also used when delivery finds the bot blocked)."""
        key, when = self.pseudonymise(user_id), stored_time(None)
        self._write(lambda c: c.execute(
            "update subscriptions set unsubscribed_at = ? where user = ? and unsubscribed_at is null",
            (when, key)))

    def subscribers(self) -> list[int]:
        """Chat ids to deliver the outreach message to."""
        rows = self._read(lambda c: c.execute(
            "select chat_id from subscriptions where unsubscribed_at is null order by subscribed_at").fetchall())
        return [int(r[0]) for r in rows or []]

    def record_broadcast(self, *, text: str, tip_id: str | None, at: datetime | None = None) -> int:
        """One outreach push; its id ties the deliveries together (0 if it had to be queued)."""
        when = stored_time(at)
        stored = self._write(lambda c: c.execute(
            "insert into broadcasts (at, text, tip_id) values (?, ?, ?)", (when, text, tip_id)).lastrowid)
        return int(stored or 0)

    def record_delivery(
        self, broadcast_id: int, user_id: int | str, *, outcome: str, at: datetime | None = None
    ) -> None:
        """How one message of a push went: delivered, blocked (403) or failed."""
        self._simple_insert("deliveries", {
            "at": stored_time(at), "broadcast_id": broadcast_id, "user": self.pseudonymise(user_id),
            "outcome": outcome,
        })

    def forget_question_texts(self, *, older_than_days: int, now: datetime | None = None) -> int:
        """Retention: blank question texts older than the limit; every count stays. Returns rows blanked."""
        cutoff = stored_time((now or datetime.now(UTC)) - timedelta(days=older_than_days))
        changed = self._write(lambda c: c.execute(
            "update questions set question = null where at < ? and question is not null", (cutoff,)).rowcount)
        return int(changed or 0)

    def stats(self, since: datetime, until: datetime) -> Stats:
        """Questions, people, answer rate and the top topics/unanswered for the bot's /stats."""
        with self._lock:
            return read_stats(self._conn, stored_time(since), stored_time(until))

    def gaps(self, limit: int = 20) -> list[Gap]:
        """The questions most worth a new FAQ: frequent fallbacks, 都不是 and 👎, texts redacted."""
        with self._lock:
            return read_gaps(self._conn, limit)


# The village of a question is the one the event names, else the one the user chose earlier.
_INSERT_QUESTION_WITH_VILLAGE = (
    "insert into questions (at, user, channel, village, status, faq_id, topic, laws, citations, score,"
    " latency_ms, question) values (?, ?, ?, coalesce(?, (select village from users where key = ?)),"
    " ?, ?, ?, ?, ?, ?, ?, ?)"
)


@functools.lru_cache(maxsize=4096)
def _json_list(values: tuple[str, ...]) -> str:
    """Laws and citations as a JSON list; the same few tuples recur, so each is encoded once."""
    return json.dumps(list(values), ensure_ascii=False)


def _with_user_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Question row parameters with the user key repeated for the village look-up."""
    return (*row[:4], row[1], *row[4:])


def _insert_question(conn: sqlite3.Connection, row: tuple[Any, ...]) -> int:
    cursor = conn.execute(_INSERT_QUESTION_WITH_VILLAGE, _with_user_key(row))
    return int(cursor.lastrowid or 0)


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _target_question(resolved: int | None, original: str) -> str:
    return str(resolved) if resolved is not None else original
