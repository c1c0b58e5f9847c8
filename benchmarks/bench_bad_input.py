"""Worst-case matcher time on hostile input (the reliability tests assert only correctness).

Builds the bundled knowledge base's matcher and times each pathological question (best of `--repeat`),
then prints them slowest first, with the p99 over typical FAQ alternates for scale.

    .venv/bin/python benchmarks/bench_bad_input.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

from knowledge import BUNDLED_KNOWLEDGE_DIR
from knowledge.loader import load_knowledge_base
from knowledge.matcher import Matcher

HUNDRED_THOUSAND = 100_000
HOSTILE = {
    "empty": "",
    "100k zero-width spaces": "\u200b" * HUNDRED_THOUSAND,
    "100k CJK (狗咬 repeated)": "狗咬" * (HUNDRED_THOUSAND // 2),
    "100k emoji": "\U0001f600" * HUNDRED_THOUSAND,
    "100k family ZWJ emoji": "👨‍👩‍👧‍👦" * (HUNDRED_THOUSAND // 7),
    "100k 第": "第" * HUNDRED_THOUSAND,
    "article number of 100k digits": "民法典第" + "9" * HUNDRED_THOUSAND + "条",
    "100k RTL override + Arabic": ("\u202eمرحبا" * (HUNDRED_THOUSAND // 6)),
    "100k combining marks": "a" + "\u0301" * HUNDRED_THOUSAND,
    "100k control characters": "".join(chr(i % 32) for i in range(HUNDRED_THOUSAND)),
    "SQL + HTML, 100k": ("'; drop table questions; -- <script>alert(1)</script>" * 2000)[:HUNDRED_THOUSAND],
    "100k mixed scripts + digits": ("离婚Привет12345ab工钱" * 6000)[:HUNDRED_THOUSAND],
}


def best_of(matcher: Matcher, question: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        matcher.match(question)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    kb = load_knowledge_base(BUNDLED_KNOWLEDGE_DIR)
    matcher = Matcher(kb)
    typical = sorted(best_of(matcher, alt, 1) for faq in kb.faqs for alt in faq.alternates)
    print(f"typical: {len(typical)} FAQ alternates, p99 {typical[int(len(typical) * 0.99) - 1] * 1000:.2f} ms,"
          f" max {typical[-1] * 1000:.2f} ms")
    timed = sorted(((best_of(matcher, text, args.repeat), name) for name, text in HOSTILE.items()), reverse=True)
    for seconds, name in timed:
        print(f"{seconds * 1000:8.2f} ms  {name}")


if __name__ == "__main__":
    main()
