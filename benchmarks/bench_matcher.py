"""Matching latency and memory at growing knowledge-base sizes, against a naive rapidfuzz baseline.

Run on demand (not in CI):

    .venv/bin/python benchmarks/bench_matcher.py [--sizes 500 5000 50000] [--queries 400]

The bundled base is grown synthetically to each size: copies of real entries whose texts get a distinct
place-name prefix, so that every copy is a different document with the real vocabulary and length
distribution. Queries are the questions of ../shared/eval/dev.jsonl when present (only as load; nothing
is tuned here), else the bundled alternates. Each size runs in its own subprocess so that peak RSS is
that size's own. The naive baseline is `rapidfuzz.process.extractOne` over every question and alternate.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from knowledge import BUNDLED_KNOWLEDGE_DIR  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402
from knowledge.model import Faq, KnowledgeBase  # noqa: E402

DEV_FILE = REPO_ROOT.parent / "shared" / "eval" / "dev.jsonl"
PLACES = "东南西北上下前后新老大小红青白金石水山河田林"


def grown(kb: KnowledgeBase, size: int) -> KnowledgeBase:
    """The base repeated with distinct two-character place prefixes until it has `size` entries."""
    faqs: list[Faq] = []
    copy = 0
    while len(faqs) < size:
        prefix = "" if copy == 0 else PLACES[copy % len(PLACES)] + PLACES[(copy // len(PLACES)) % len(PLACES)] + "村"
        for faq in kb.faqs:
            if len(faqs) >= size:
                break
            faqs.append(dataclasses.replace(
                faq, id=f"{faq.id}-{copy}" if copy else faq.id, question=prefix + faq.question,
                alternates=tuple(prefix + a for a in faq.alternates), related=(),
            ))
        copy += 1
    return dataclasses.replace(kb, faqs=tuple(faqs))


def queries(kb: KnowledgeBase, count: int) -> list[str]:
    """Evaluation questions if available, else alternates; a fixed random sample."""
    if DEV_FILE.exists():
        pool = [json.loads(line)["question"] for line in DEV_FILE.read_text(encoding="utf-8").splitlines() if line]
    else:
        pool = [a for f in kb.faqs for a in f.alternates]
    rng = random.Random(20261126)
    return [rng.choice(pool) for _ in range(count)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(size: int, count: int) -> dict[str, float]:
    """One size: build time, matcher and baseline latency (ms), peak RSS (MB)."""
    kb = grown(load_knowledge_base(BUNDLED_KNOWLEDGE_DIR), size)
    started = time.perf_counter()
    matcher = Matcher(kb)
    build_s = time.perf_counter() - started
    asked = queries(kb, count)
    for question in asked[:20]:
        matcher.match(question)  # warm caches (jieba, pinyin)
    engine_ms = []
    for question in asked:
        t0 = time.perf_counter()
        matcher.match(question)
        engine_ms.append((time.perf_counter() - t0) * 1000)
    choices = [text for f in kb.faqs for text in (f.question, *f.alternates)]
    baseline_ms = []
    for question in asked[: max(20, count // 4)]:
        t0 = time.perf_counter()
        process.extractOne(question, choices, scorer=fuzz.WRatio)
        baseline_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "size": size,
        "build_s": build_s,
        "p50": statistics.median(engine_ms),
        "p99": percentile(engine_ms, 0.99),
        "baseline_p50": statistics.median(baseline_ms),
        "baseline_p99": percentile(baseline_ms, 0.99),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 50000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.queries)))
        return
    rows = []
    for size in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--queries", str(args.queries)],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("| entries | build s | engine p50 ms | engine p99 ms | naive p50 ms | naive p99 ms "
          "| naive/engine p50 | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['size']:,} | {r['build_s']:.1f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['baseline_p50']:.2f} | "
              f"{r['baseline_p99']:.2f} | {r['baseline_p50'] / r['p50']:.1f}x | {r['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
