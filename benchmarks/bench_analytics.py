"""Ingest N question events in batches, then count and render a full-year report from them.

    .venv/bin/python benchmarks/bench_analytics.py [--events 1000000] [--users 50000]

Prints events/s for ingestion (pseudonymisation and redaction included), seconds for the full-year
report (all figures plus md, xlsx and docx rendering; charts timed separately) and peak memory (RSS).
Targets from issue 5: ingestion >= 20,000 events/s, full-year report <= 5 s.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from analytics.charts import report_charts
from analytics.events import QuestionEvent
from analytics.reports import ReportPeriod, build_report
from analytics.store import AnalyticsStore

VILLAGES = ("青杠村", "石龙村", "白果村", "桂花村", "双河村", "大坪村", "柏树村", "新华社区", None)
TOPICS = ("marriage_family", "inheritance", "contract_debt", "road_traffic", "labor_wages_injury", "land_homestead")
LAWS = ("民法典", "道路交通安全法", "劳动合同法", "土地管理法")
CHUNK = 50_000  # events generated at a time, so the benchmark's own memory stays small
QUESTIONS = ("狗咬人谁赔", "离婚孩子归谁", "欠钱不还怎么办", "我电话13812345678工资找谁要", "宅基地纠纷找哪个")


def events(count: int, users: int, seed: int) -> Iterator[QuestionEvent]:
    rng = random.Random(seed)
    start = datetime(2025, 12, 31, 16, tzinfo=UTC)  # 2026-01-01 00:00 in Asia/Shanghai
    step = timedelta(days=365) / count
    for i in range(count):
        status = rng.choices(("answered", "suggest", "fallback"), (75, 15, 10))[0]
        faq = rng.randrange(300)
        yield QuestionEvent(
            user_id=rng.randrange(users), channel="telegram", question=rng.choice(QUESTIONS), status=status,
            faq_id=f"faq.{faq}" if status == "answered" else None, topic=TOPICS[faq % len(TOPICS)],
            laws=(LAWS[faq % len(LAWS)],) if status == "answered" else (),
            citations=(f"{LAWS[faq % len(LAWS)]}:{faq}",) if status == "answered" else (),
            score=rng.random(), latency_ms=rng.uniform(1, 30), village=rng.choice(VILLAGES), at=start + step * i,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = AnalyticsStore(Path(tmp) / "bench.sqlite", b"bench")
        # Synthetic events are made in chunks outside the timed part: only the store's work is measured.
        written, ingest_s = 0, 0.0
        stream = events(args.events, args.users, args.seed)
        while chunk := list(itertools.islice(stream, CHUNK)):
            began = time.perf_counter()
            written += store.record_questions(chunk)
            ingest_s += time.perf_counter() - began
        began = time.perf_counter()
        report = build_report(store, ReportPeriod(date(2026, 1, 1), date(2026, 12, 31)))
        for fmt in ("md", "xlsx", "docx"):
            report.render(fmt)
        report_s = time.perf_counter() - began
        began = time.perf_counter()
        report_charts(report.data)
        charts_s = time.perf_counter() - began
        size_mb = (Path(tmp) / "bench.sqlite").stat().st_size / 1e6
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert report.data.questions == written, (report.data.questions, written)
    print(f"events ingested:     {written:,}")
    print(f"ingestion:           {ingest_s:.1f} s = {written / ingest_s:,.0f} events/s")
    print(f"full-year report:    {report_s:.2f} s (figures + md, xlsx, docx)")
    print(f"charts (3 PNG):      {charts_s:.2f} s")
    print(f"database size:       {size_mb:.0f} MB")
    print(f"peak memory (RSS):   {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
