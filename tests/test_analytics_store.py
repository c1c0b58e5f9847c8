"""The analytics store on a real SQLite file: schema, pseudonyms, writes that never raise, retention."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from analytics.events import QuestionEvent
from analytics.migrations import MIGRATIONS, applied_migrations, migrate
from analytics.store import AnalyticsStore, load_or_create_secret

SECRET = b"test-secret"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def event(user: int | str = 42, status: str = "answered", question: str = "狗咬人谁赔", **kw: object) -> QuestionEvent:
    values: dict[str, object] = {
        "user_id": user, "channel": "telegram", "question": question, "status": status,
        "faq_id": "injury.dog-bite" if status == "answered" else None, "topic": "personal_injury",
        "laws": ("民法典",), "citations": ("民法典:1245",), "score": 0.9, "latency_ms": 4.2, "at": T0,
    }
    values.update(kw)
    return QuestionEvent(**values)  # type: ignore[arg-type]


@pytest.fixture()
def store(tmp_path: Path):
    s = AnalyticsStore(tmp_path / "pufa.sqlite", SECRET)
    yield s
    s.close()


def test_new_file_gets_every_migration_and_wal(tmp_path: Path) -> None:
    store = AnalyticsStore(tmp_path / "a.sqlite", SECRET)
    assert applied_migrations(store.db) == [m.__name__ for m in MIGRATIONS]
    assert store.connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    store.close()


def test_upgrade_from_previous_version_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    assert migrate(db, upto="m001_events") == ["m001_events"]
    db.execute("insert into users (key, first_seen, channel) values ('k', '2026-01-01 00:00:00.000000', 'cli')")
    db.conn.close()
    store = AnalyticsStore(path, SECRET)
    assert applied_migrations(store.db) == [m.__name__ for m in MIGRATIONS]
    assert store.connection.execute("select count(*) from users").fetchone()[0] == 1
    assert "activities" in store.db.table_names()
    store.close()
    again = AnalyticsStore(path, SECRET)
    assert migrate(again.db) == []
    again.close()


def test_raw_user_id_is_never_stored(store: AnalyticsStore, tmp_path: Path) -> None:
    raw = 987654321
    store.record_user_seen(raw, channel="telegram", at=T0)
    store.record_question(event(user=raw))
    store.record_click(raw, kind="article", target="民法典:1245", at=T0)
    store.subscribe(raw, chat_id=555)
    store.flush()
    assert store.pseudonymise(raw) == AnalyticsStore(tmp_path / "other.sqlite", SECRET).pseudonymise(raw)
    assert store.pseudonymise(raw) != AnalyticsStore(tmp_path / "o2.sqlite", b"other").pseudonymise(raw)
    dump = "\n".join(store.connection.iterdump())
    assert str(raw) not in dump
    assert store.pseudonymise(raw) in dump


def test_first_contact_and_village(store: AnalyticsStore) -> None:
    assert store.record_user_seen(1, channel="telegram", village="青杠村", source="青杠村宣传栏", at=T0) is True
    assert store.record_user_seen(1, channel="telegram", at=T0 + timedelta(days=1)) is False
    assert store.user_village(1) == "青杠村"
    store.set_village(1, "石龙村")
    assert store.user_village(1) == "石龙村"
    assert store.user_village(2) is None
    qid = store.record_question(event(user=1))
    row = store.connection.execute("select village from questions where id = ?", (qid,)).fetchone()
    assert row == ("石龙村",)  # taken from the user's choice when the event names none
    source = store.connection.execute("select source, first_seen from users").fetchone()
    assert source == ("青杠村宣传栏", "2026-03-01 12:00:00.000000")


def test_question_before_start_counts_as_first_contact(store: AnalyticsStore) -> None:
    store.record_question(event(user=7, at=T0))
    assert store.record_user_seen(7, channel="telegram", at=T0 + timedelta(hours=1)) is False
    store.record_question(event(user=7, at=T0 - timedelta(days=2)))
    first = store.connection.execute("select first_seen from users").fetchone()[0]
    assert first == "2026-02-27 12:00:00.000000"


def test_naive_time_is_refused(store: AnalyticsStore) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_question(event(at=datetime(2026, 1, 1)))


def test_subscriptions(store: AnalyticsStore) -> None:
    store.subscribe(1, chat_id=101)
    store.subscribe(2, chat_id=102)
    store.unsubscribe(1)
    assert store.subscribers() == [102]
    store.subscribe(1, chat_id=101)
    assert sorted(store.subscribers()) == [101, 102]
    tables_with_chat_ids = [t for t in store.db.table_names() if "chat_id" in store.db[t].columns_dict]
    assert tables_with_chat_ids == ["subscriptions"]


def test_locked_database_queues_writes_and_flush_stores_them(store: AnalyticsStore, tmp_path: Path) -> None:
    blocker = sqlite3.connect(tmp_path / "pufa.sqlite", isolation_level=None)
    blocker.execute("begin immediate")
    qid = store.record_question(event(user=5, status="suggest"))
    assert qid < 0  # provisional: the row is waiting in memory
    store.record_click(5, kind="none_of_these", target=str(qid), at=T0)
    store.record_feedback(5, faq_id=None, helpful=False, question_id=qid, at=T0)
    assert store.pending == 3
    assert store.flush() == 3  # still locked: nothing lost, nothing raised
    blocker.execute("rollback")
    blocker.close()
    assert store.flush() == 0
    real = store.connection.execute("select id from questions").fetchone()[0]
    assert real > 0
    assert store.connection.execute("select target from clicks").fetchone()[0] == str(real)
    assert store.connection.execute("select question_id from feedback").fetchone()[0] == real
    assert [g.kind for g in store.gaps()] == ["none_of_these", "unhelpful"]


def test_full_database_queues_writes(store: AnalyticsStore) -> None:
    pages = store.connection.execute("pragma page_count").fetchone()[0]
    store.connection.execute(f"pragma max_page_count = {pages}")
    for i in range(50):
        store.record_question(event(user=i, question="问" * 2000))
    assert store.pending > 0
    store.connection.execute("pragma max_page_count = 1000000")
    assert store.flush() == 0
    assert store.connection.execute("select count(*) from questions").fetchone()[0] == 50


def test_retention_blanks_old_texts_but_keeps_counts(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    store = AnalyticsStore(path, SECRET)
    now = datetime.now(UTC)
    store.record_question(event(at=now - timedelta(days=400), question="很久以前的问题"))
    store.record_question(event(at=now - timedelta(days=10), question="最近的问题"))
    store.close()
    store = AnalyticsStore(path, SECRET, retention_days=365)
    rows = store.connection.execute("select question from questions order by at").fetchall()
    assert rows == [(None,), ("最近的问题",)]
    assert store.stats(now - timedelta(days=500), now).questions == 2
    store.close()


def test_stats_and_gaps(store: AnalyticsStore) -> None:
    store.record_question(event(user=1, topic="marriage_family"))
    store.record_question(event(user=1, topic="marriage_family"))
    store.record_question(event(user=2, topic="road_traffic"))
    for user in (3, 4):
        store.record_question(event(user=user, status="fallback", question="蜜蜂被毒死找哪个", topic=None))
    stats = store.stats(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    assert (stats.questions, stats.people) == (5, 4)
    assert stats.answered_rate == pytest.approx(0.6)
    assert stats.top_topics == (("marriage_family", 2), ("road_traffic", 1))
    assert stats.top_unanswered == (("蜜蜂被毒死找哪个", 2),)
    assert store.stats(T0 + timedelta(hours=1), T0 + timedelta(hours=2)).questions == 0
    gaps = store.gaps(limit=5)
    assert (gaps[0].question, gaps[0].count, gaps[0].kind) == ("蜜蜂被毒死找哪个", 2, "fallback")


def test_bulk_ingest_matches_single_writes(store: AnalyticsStore) -> None:
    events = [event(user=i % 7, at=T0 + timedelta(minutes=i)) for i in range(23)]
    assert store.record_questions(events, batch_size=5) == 23
    assert store.connection.execute("select count(*), count(distinct user) from questions").fetchone() == (23, 7)
    assert store.connection.execute("select count(*) from users").fetchone()[0] == 7


def test_secret_generated_once_with_private_mode(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path / "data", None)
    again = load_or_create_secret(tmp_path / "data", None)
    assert first == again and len(first) == 32
    mode = stat.S_IMODE((tmp_path / "data" / "analytics.secret").stat().st_mode)
    assert mode == 0o600
    assert load_or_create_secret(tmp_path / "data", "configured") == b"configured"
