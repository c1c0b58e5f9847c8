"""The analytics schema, built only through numbered migrations applied in order.

Each migration runs once per database file and is recorded in `_analytics_migrations` (the same file
may also hold the imported statute texts, so the bookkeeping table names its owner). A new column or
table is a new `mNNN_…` function appended at the end; an applied migration is never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

MIGRATIONS_TABLE = "_analytics_migrations"

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register a migration; the registration order is the order they run in."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_events(db: sqlite_utils.Database) -> None:
    """Users (pseudonymous), questions and everything people do around them."""
    db.table("users").create(
        {"key": str, "first_seen": str, "channel": str, "village": str, "source": str}, pk="key"
    )
    db.table("questions").create(
        {
            "id": int, "at": str, "user": str, "channel": str, "village": str, "status": str,
            "faq_id": str, "topic": str, "laws": str, "citations": str, "score": float,
            "latency_ms": float, "question": str,
        },
        pk="id",
    )
    db.table("clicks").create({"id": int, "at": str, "user": str, "kind": str, "target": str}, pk="id")
    db.table("feedback").create(
        {"id": int, "at": str, "user": str, "faq_id": str, "question_id": int, "helpful": int}, pk="id"
    )
    db.table("media").create({"id": int, "at": str, "user": str, "kind": str}, pk="id")
    # Chat ids are needed to deliver broadcasts; they live here only, never in an event table.
    db.table("subscriptions").create(
        {"user": str, "chat_id": int, "subscribed_at": str, "unsubscribed_at": str}, pk="user"
    )
    db.table("broadcasts").create({"id": int, "at": str, "text": str, "tip_id": str}, pk="id")
    db.table("deliveries").create(
        {"id": int, "at": str, "broadcast_id": int, "user": str, "outcome": str}, pk="id"
    )


@migration
def m002_activities(db: sqlite_utils.Database) -> None:
    """Offline outreach the office records by hand: 院坝会, 专题普法宣传, 宣传栏出刊 …"""
    db.table("activities").create(
        {
            "id": int, "date": str, "kind": str, "village": str, "people": int, "materials": int,
            "staff": int, "note": str, "recorded_at": str,
        },
        pk="id",
    )


@migration
def m003_report_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the yearly report and the gaps list scan by (time first, as every report is a period)."""
    db.table("questions").create_index(["at"], index_name="questions_at")
    db.table("questions").create_index(["status", "question"], index_name="questions_status_text")
    db.table("users").create_index(["first_seen"], index_name="users_first_seen")
    db.table("clicks").create_index(["at"], index_name="clicks_at")
    db.table("deliveries").create_index(["at"], index_name="deliveries_at")
    db.table("activities").create_index(["date"], index_name="activities_date")


@migration
def m004_people_covering_index(db: sqlite_utils.Database) -> None:
    """The report's distinct-people counts (year, month, village) read only (at, user, village): a covering
    index lets SQLite answer them from the index without touching the wide question rows."""
    db.table("questions").create_index(["at", "user", "village"], index_name="questions_at_user_village")


@migration
def m005_click_question(db: sqlite_utils.Database) -> None:
    """The question a tap answered, where it matters: an alternative tapped under an answer says that answer
    missed the point, and /gaps shows the question beside the entry the villager chose instead."""
    db.table("clicks").add_column("question_id", int)


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations this file already has, in the order applied."""
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    return [row["name"] for row in db.query(f"select name from {MIGRATIONS_TABLE} order by rowid")]


def migrate(db: sqlite_utils.Database, upto: str | None = None) -> list[str]:
    """Apply every pending migration (or those up to and including `upto`); return the names applied."""
    db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = set(applied_migrations(db))
    applied: list[str] = []
    for fn in MIGRATIONS:
        if fn.__name__ not in done:
            db.execute("begin")
            try:
                fn(db)
                db.table(MIGRATIONS_TABLE).insert({"name": fn.__name__, "applied_at": datetime.now(UTC).isoformat()})
            except BaseException:
                db.execute("rollback")
                raise
            db.execute("commit")
            applied.append(fn.__name__)
        if fn.__name__ == upto:
            break
    return applied
