"""The figures of an outreach report, read from the store in a few aggregate queries.

Every figure is counted over a period of local days (Asia/Shanghai by default) converted to UTC bounds
once, so a question asked at 23:30 on 31 December local time (15:30 UTC) counts in December, not in
January's UTC day. Months are bucketed in SQL with the UTC instants of each local month's start, which
stays correct for any zone, DST included.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from analytics.activities import BULLETIN_KIND, kinds_in_report_order
from analytics.events import STORED_TIME_FORMAT

REPORT_ZONE = ZoneInfo("Asia/Shanghai")
# How many most-asked and unanswered questions the report lists.
TOP_QUESTIONS = 10
# Names used when a question or user carries no village or source.
NO_VILLAGE = "未选村"
NO_SOURCE = "直接进入"

Progress = Callable[[int, int, str], None]  # (step done, steps in all, what was just counted)


@dataclass(frozen=True)
class ReportPeriod:
    """Local days `start`..`end` (both included), optionally one village only."""

    start: date
    end: date
    village: str | None = None
    zone: ZoneInfo = REPORT_ZONE

    def utc_bounds(self, first: date, after_last: date) -> tuple[str, str]:
        """Stored-time text bounds [from, to) for local days first..after_last-1."""
        return _utc(first, self.zone), _utc(after_last, self.zone)

    @property
    def bounds(self) -> tuple[str, str]:
        return self.utc_bounds(self.start, self.end + timedelta(days=1))

    @property
    def months(self) -> list[tuple[str, str]]:
        """(label "2026-01", UTC start of the next month or of the day after the period) per month."""
        result: list[tuple[str, str]] = []
        month = self.start.replace(day=1)
        while month <= self.end:
            following = (month + timedelta(days=32)).replace(day=1)
            stop = min(following, self.end + timedelta(days=1))
            result.append((month.strftime("%Y-%m"), _utc(stop, self.zone)))
            month = following
        return result


@dataclass(frozen=True)
class MonthFigures:
    month: str
    new_users: int
    questions: int
    people: int
    answered: int


@dataclass(frozen=True)
class PlaceFigures:
    name: str
    new_users: int
    questions: int
    people: int


@dataclass(frozen=True)
class ActivityFigures:
    name: str  # a kind or a village
    sessions: int
    people: int
    materials: int
    staff: int


@dataclass(frozen=True)
class ReportData:
    """Everything a report states, counted; tables and the paragraph are rendered from this alone."""

    period: ReportPeriod
    new_users: int
    questions: int
    people: int
    outcomes: dict[str, int]  # answered / suggest / fallback
    months: tuple[MonthFigures, ...]
    villages: tuple[PlaceFigures, ...]
    sources: tuple[tuple[str, int], ...]
    laws: tuple[tuple[str, int], ...]
    topics: tuple[tuple[str, int], ...]  # topic ids
    top_questions: tuple[tuple[str, int], ...]  # FAQ ids
    top_unanswered: tuple[tuple[str, int], ...]  # redacted texts
    broadcasts: int
    deliveries: dict[str, int]  # delivered / blocked / failed
    read_more_clicks: int
    interactions: dict[str, int]  # click kinds, helpful, unhelpful, media
    activity_kinds: tuple[ActivityFigures, ...]
    activity_villages: tuple[ActivityFigures, ...]
    bulletin_issues: int

    @property
    def answered(self) -> int:
        return self.outcomes.get("answered", 0)

    @property
    def answered_rate(self) -> float:
        return self.answered / self.questions if self.questions else 0.0

    @property
    def delivered(self) -> int:
        return self.deliveries.get("delivered", 0)

    @property
    def click_rate(self) -> float:
        return self.read_more_clicks / self.delivered if self.delivered else 0.0

    @property
    def offline(self) -> ActivityFigures:
        """Totals of the offline activities, bulletin-board issues not counted as sessions."""
        kinds = self.activity_kinds
        return ActivityFigures(
            "合计", sum(k.sessions for k in kinds if k.name != BULLETIN_KIND), sum(k.people for k in kinds),
            sum(k.materials for k in kinds), sum(k.staff for k in kinds),
        )


def read_report_data(conn: sqlite3.Connection, period: ReportPeriod, progress: Progress | None = None) -> ReportData:
    """Count every figure of the report for one period (and village, if given)."""
    steps = 6
    tick = progress or (lambda done, total, what: None)
    lo, hi = period.bounds
    months = period.months
    bucket, bucket_params = _month_bucket(months)
    village_sql, village_params = ("and village = ?", [period.village]) if period.village else ("", [])
    where = f"at >= ? and at < ? {village_sql}"
    params = [lo, hi, *village_params]

    month_q: Counter[str] = Counter()
    month_answered: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    laws: Counter[str] = Counter()
    faqs: Counter[str] = Counter()
    village_q: Counter[str] = Counter()
    for m, status, topic, village, law_list, faq_id, n in conn.execute(
        f"select {bucket}, status, topic, village, laws, faq_id, count(*) from questions where {where}"
        " group by 1, 2, 3, 4, 5, 6", [*bucket_params, *params]
    ):
        label = months[m][0]
        month_q[label] += n
        outcomes[status] += n
        village_q[village or NO_VILLAGE] += n
        if topic:
            topics[topic] += n
        for law in json.loads(law_list or "[]"):
            laws[law] += n
        if status == "answered":
            month_answered[label] += n
            if faq_id:
                faqs[faq_id] += n
    tick(1, steps, "咨询人次")

    people = conn.execute(f"select count(distinct user) from questions where {where}", params).fetchone()[0]
    month_people = {months[m][0]: n for m, n in conn.execute(
        f"select {bucket}, count(distinct user) from questions where {where} group by 1", [*bucket_params, *params])}
    village_people = {v or NO_VILLAGE: n for v, n in conn.execute(
        f"select village, count(distinct user) from questions where {where} group by 1", params)}
    tick(2, steps, "服务人数")

    user_bucket, _ = _month_bucket(months, column="first_seen")
    month_new: Counter[str] = Counter()
    village_new: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for m, source, village, n in conn.execute(
        f"select {user_bucket}, source, village, count(*) from users where first_seen >= ? and first_seen < ?"
        f" {village_sql} group by 1, 2, 3", [*bucket_params, *params]
    ):
        month_new[months[m][0]] += n
        village_new[village or NO_VILLAGE] += n
        sources[source or NO_SOURCE] += n
    tick(3, steps, "新增用户")

    unanswered = conn.execute(
        f"select question, count(*) as n from questions where {where} and status = 'fallback'"
        " and question is not null group by question order by n desc, question limit ?", [*params, TOP_QUESTIONS]
    ).fetchall()
    tick(4, steps, "未解答问题")

    broadcasts, deliveries, read_more, interactions = _pushes_and_interactions(conn, period)
    tick(5, steps, "普法推送")

    kinds, places, bulletins = _activities(conn, period)
    tick(6, steps, "线下活动")

    names = sorted(set(village_q) | set(village_new), key=lambda v: (-village_q[v], v))
    return ReportData(
        period=period,
        new_users=sum(month_new.values()),
        questions=sum(month_q.values()),
        people=people,
        outcomes=dict(outcomes),
        months=tuple(
            MonthFigures(label, month_new[label], month_q[label], month_people.get(label, 0), month_answered[label])
            for label, _ in months
        ),
        villages=tuple(PlaceFigures(v, village_new[v], village_q[v], village_people.get(v, 0)) for v in names),
        sources=_ranked(sources),
        laws=_ranked(laws),
        topics=_ranked(topics),
        top_questions=_ranked(faqs)[:TOP_QUESTIONS],
        top_unanswered=tuple((q, n) for q, n in unanswered),
        broadcasts=broadcasts,
        deliveries=deliveries,
        read_more_clicks=read_more,
        interactions=interactions,
        activity_kinds=kinds,
        activity_villages=places,
        bulletin_issues=bulletins,
    )


def _pushes_and_interactions(
    conn: sqlite3.Connection, period: ReportPeriod
) -> tuple[int, dict[str, int], int, dict[str, int]]:
    lo, hi = period.bounds
    # Village filter for per-user events: the village the user chose.
    join, village_params = (
        ("join users u on u.key = e.user and u.village = ?", [period.village]) if period.village else ("", [])
    )
    broadcasts = conn.execute("select count(*) from broadcasts where at >= ? and at < ?", (lo, hi)).fetchone()[0]
    deliveries = dict(conn.execute(
        f"select outcome, count(*) from deliveries e {join} where e.at >= ? and e.at < ? group by outcome",
        [*village_params, lo, hi]).fetchall())
    clicks = dict(conn.execute(
        f"select kind, count(*) from clicks e {join} where e.at >= ? and e.at < ? group by kind",
        [*village_params, lo, hi]).fetchall())
    feedback = dict(conn.execute(
        f"select helpful, count(*) from feedback e {join} where e.at >= ? and e.at < ? group by helpful",
        [*village_params, lo, hi]).fetchall())
    media = dict(conn.execute(
        f"select kind, count(*) from media e {join} where e.at >= ? and e.at < ? group by kind",
        [*village_params, lo, hi]).fetchall())
    interactions = {f"click:{k}": n for k, n in clicks.items()}
    interactions |= {"helpful": feedback.get(1, 0), "unhelpful": feedback.get(0, 0)}
    interactions |= {f"media:{k}": n for k, n in media.items()}
    return broadcasts, deliveries, clicks.get("read_more", 0), interactions


def _activities(
    conn: sqlite3.Connection, period: ReportPeriod
) -> tuple[tuple[ActivityFigures, ...], tuple[ActivityFigures, ...], int]:
    village_sql, village_params = ("and village = ?", [period.village]) if period.village else ("", [])
    rows = conn.execute(
        "select kind, coalesce(village, ''), count(*), sum(people), sum(materials), sum(staff) from activities"
        f" where date >= ? and date <= ? {village_sql} group by 1, 2",
        [period.start.isoformat(), period.end.isoformat(), *village_params],
    ).fetchall()
    by_kind: dict[str, list[int]] = {}
    by_village: dict[str, list[int]] = {}
    for kind, village, sessions, people, materials, staff in rows:
        for table, key in ((by_kind, kind), (by_village, village or NO_VILLAGE)):
            totals = table.setdefault(key, [0, 0, 0, 0])
            for i, value in enumerate((0 if kind == BULLETIN_KIND else sessions, people, materials, staff)):
                totals[i] += value or 0
        if kind == BULLETIN_KIND:
            by_kind[kind][0] += sessions
    bulletins = by_kind.get(BULLETIN_KIND, [0])[0]
    kinds = tuple(ActivityFigures(k, *by_kind[k]) for k in kinds_in_report_order(sorted(by_kind)))
    places = tuple(ActivityFigures(v, *t) for v, t in sorted(by_village.items(), key=lambda item: -item[1][1]))
    return kinds, places, bulletins


def _month_bucket(months: list[tuple[str, str]], column: str = "at") -> tuple[str, list[str]]:
    """A SQL CASE giving each row's month index, and its parameters (each month's exclusive end)."""
    whens = " ".join(f"when {column} < ? then {i}" for i in range(len(months)))
    return f"case {whens} else {len(months) - 1} end", [stop for _, stop in months]


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _utc(day: date, zone: ZoneInfo) -> str:
    return datetime.combine(day, time(), zone).astimezone(UTC).strftime(STORED_TIME_FORMAT)
