"""A seeded, made-up year of outreach for demonstrations and the sample report in docs/sample-report.

Nothing here is real: users are numbers, villages are the names below, and the questions a demo user
asks are the FAQs' own questions. The same seed always gives the same data, so the committed sample
report can be regenerated exactly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from analytics.activities import Activity, record_activity
from analytics.events import QuestionEvent
from analytics.report_data import REPORT_ZONE
from analytics.store import AnalyticsStore

DEMO_VILLAGES = ("青杠村", "石龙村", "白果村", "桂花村", "双河村", "大坪村", "柏树村", "新华社区")
# Made-up unanswered questions, two with personal numbers that the store must redact.
DEMO_UNANSWERED = (
    "村里修路占了我家的地怎么赔", "我电话13800001111能帮我查下案子吗", "养的蜜蜂被农药毒死了找哪个",
    "外地人来村里收头发合法吗", "我身份证500223199001011234丢了咋办", "老板跑路了工资找哪个要",
)
DEMO_USERS = 800
# Share of users who choose a village, and who came in through a bulletin-board QR poster.
VILLAGE_SHARE = 0.8
POSTER_SHARE = 0.6
SUBSCRIBE_SHARE = 0.4
# Outcome mix close to what the matcher's evaluation shows for real questions.
OUTCOME_WEIGHTS = {"answered": 0.75, "suggest": 0.15, "fallback": 0.10}
QUESTIONS_PER_USER = (1, 12)
ACTIVE_WINDOW = timedelta(days=90)
READ_MORE_SHARE = 0.2
BLOCKED_SHARE = 0.02
FAILED_SHARE = 0.01
DEMO_ACTIVITIES = {  # kind: (sessions, people per session, materials per session, staff per session)
    "专题普法宣传": (31, 16, 200, 3),
    "院坝会": (12, 35, 60, 2),
    "以案释法": (6, 25, 40, 2),
    "法治宣传栏出刊": (12, 0, 0, 1),
    "执法检查": (4, 0, 30, 4),
}


@dataclass(frozen=True)
class DemoFaq:
    """What a demo question needs from a FAQ (the CLI builds these from the knowledge base)."""

    id: str
    question: str
    topic: str
    laws: tuple[str, ...]
    citations: tuple[str, ...]


def seed_demo_data(store: AnalyticsStore, faqs: Sequence[DemoFaq], year: int, seed: int = 2026) -> int:
    """Fill the store with one year of made-up outreach; return the number of questions written."""
    rng = random.Random(seed)
    # Popularity must not follow file order (which would make the first topic's file dominate).
    faqs = rng.sample(list(faqs), len(faqs))
    start = datetime.combine(date(year, 1, 1), time(), REPORT_ZONE)
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    events: list[QuestionEvent] = []
    subscribers: list[int] = []
    for user in range(1, DEMO_USERS + 1):
        # Squaring skews first contacts toward later months, as a new service grows through the year.
        first = start + timedelta(days=days * (1 - rng.random() ** 2), seconds=rng.randrange(86_400))
        village = rng.choice(DEMO_VILLAGES) if rng.random() < VILLAGE_SHARE else None
        source = f"{village}宣传栏" if village and rng.random() < POSTER_SHARE else None
        store.record_user_seen(user, channel="telegram", village=village, source=source, at=first)
        if rng.random() < SUBSCRIBE_SHARE:
            subscribers.append(user)
            store.subscribe(user, chat_id=user)
        # Most people ask within a few months of finding the bot, not evenly until the year ends.
        window = min(start + timedelta(days=days) - first, ACTIVE_WINDOW)
        for _ in range(rng.randint(*QUESTIONS_PER_USER)):
            at = first + window * rng.random()
            events.append(_question(rng, faqs, user, village, at))
    events.sort(key=lambda e: e.at or start)
    written = store.record_questions(events)
    _seed_pushes(store, rng, subscribers, start)
    _seed_activities(store, rng, year)
    return written


def _question(
    rng: random.Random, faqs: Sequence[DemoFaq], user: int, village: str | None, at: datetime
) -> QuestionEvent:
    status = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    # A few FAQs are asked far more than others, as in any town: the most asked tenth of the entries
    # gets about half of the questions (a cubed uniform pick).
    faq = faqs[int(len(faqs) * rng.random() ** 3)] if faqs else None
    if status == "fallback" or faq is None:
        return QuestionEvent(user, "telegram", rng.choice(DEMO_UNANSWERED), "fallback", None, None, (), (),
                             round(rng.uniform(0.1, 0.4), 3), round(rng.uniform(2, 30), 1), village, at)
    return QuestionEvent(user, "telegram", faq.question, status, faq.id if status == "answered" else None,
                         faq.topic, faq.laws if status == "answered" else (),
                         faq.citations if status == "answered" else (), round(rng.uniform(0.5, 1.0), 3),
                         round(rng.uniform(2, 30), 1), village, at)


def _seed_pushes(store: AnalyticsStore, rng: random.Random, subscribers: list[int], start: datetime) -> None:
    for month in range(12):
        sent = (start + timedelta(days=31 * month + 14)).astimezone(UTC)
        broadcast = store.record_broadcast(text=f"第{month + 1}期以案释法", tip_id=None, at=sent)
        for user in subscribers:
            roll = rng.random()
            outcome = "blocked" if roll < BLOCKED_SHARE else "failed" if roll < BLOCKED_SHARE + FAILED_SHARE \
                else "delivered"
            store.record_delivery(broadcast, user, outcome=outcome, at=sent)
            if outcome == "delivered" and rng.random() < READ_MORE_SHARE:
                store.record_click(user, kind="read_more", target=str(broadcast),
                                   at=sent + timedelta(minutes=rng.randrange(1, 600)))


def _seed_activities(store: AnalyticsStore, rng: random.Random, year: int) -> None:
    for kind, (sessions, people, materials, staff) in DEMO_ACTIVITIES.items():
        for _ in range(sessions):
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            record_activity(store, Activity(
                date=day, kind=kind, village=rng.choice(DEMO_VILLAGES),
                people=max(0, people + rng.randint(-people // 3, people // 3)) if people else 0,
                materials=materials, staff=staff,
            ))
