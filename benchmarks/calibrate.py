"""Choose the matcher's decision thresholds on a labelled file, and report them cross-validated.

    .venv/bin/python benchmarks/calibrate.py ../shared/eval/dev.jsonl [--folds 2] [--max-wrong 0.015]
    .venv/bin/python benchmarks/calibrate.py kb   # held-out alternates of the knowledge base instead
    .venv/bin/python benchmarks/calibrate.py ../shared/eval/dev.jsonl benchmarks/out_of_scope.jsonl

Several files are pooled; benchmarks/out_of_scope.jsonl holds 90 out-of-scope questions written for
this project (chit-chat, farming, health, phones, money, travel, and legal matters outside a village FAQ:
trademarks, taxes, companies, customs …), so that the out-of-scope bar rests on more than dev's 30.

Each question is ranked once; then a grid of `Thresholds` is replayed over the rankings. The objective:
the most right answers (top-1) while wrong confident answers stay at or below `--max-wrong` of in-scope
questions and out-of-scope questions are answered at most `--max-oos` of the time. Reported figures
are k-fold: thresholds chosen on k-1 folds, measured on the held-out fold, so that the numbers are not
the ones the thresholds were fitted to. Article-reference questions are routed before thresholds apply
and are left out. Nothing here changes the code: copy the chosen values into `Thresholds` by hand.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from knowledge import BUNDLED_KNOWLEDGE_DIR  # noqa: E402
from knowledge.audit import held_out_rankings  # noqa: E402
from knowledge.evaluation import LabelledQuestion, read_labelled  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402
from knowledge.matcher import Matcher, Scored, Thresholds, decide  # noqa: E402
from knowledge.model import Outcome  # noqa: E402

GRID = {
    "answer": [0.10, 0.12, 0.14, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.25, 0.28],
    "margin": [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.10],
    "suggest": [0.06, 0.08],
    "min_word_evidence": [0.0, 1.0, 1.3, 1.5, 1.7, 2.0],
    "story_evidence": [2.75, 3.0, 3.5, 99.0],  # 99: no story clause
}


@dataclass(frozen=True)
class Ranked:
    item: LabelledQuestion
    ranked: list[Scored]
    answerable: bool


@dataclass(frozen=True)
class Figures:
    top1: float
    top3: float
    wrong: float
    oos_answered: float


def figures(rows: list[Ranked], thresholds: Thresholds) -> Figures:
    in_scope = [r for r in rows if r.item.expect]
    oos = [r for r in rows if not r.item.expect]
    top1 = top3 = wrong = oos_answered = 0
    for row in rows:
        result = decide(row.ranked, row.answerable, thresholds)
        labels = {c.label for c in result.citations}
        if not row.item.expect:
            oos_answered += result.status is Outcome.ANSWERED
            continue
        right = result.status is Outcome.ANSWERED and bool(labels & row.item.expect)
        top1 += right
        wrong += result.status is Outcome.ANSWERED and not right
        top3 += right or any({c.label for c in f.citations} & row.item.expect for f in result.suggestions[:3])
    n, m = max(len(in_scope), 1), max(len(oos), 1)
    return Figures(top1 / n, top3 / n, wrong / n, oos_answered / m)


def best_thresholds(rows: list[Ranked], max_wrong: float, max_oos: float) -> Thresholds:
    best: tuple[float, float, Thresholds] | None = None
    for values in itertools.product(*GRID.values()):
        thresholds = Thresholds(**dict(zip(GRID, values, strict=True)))
        f = figures(rows, thresholds)
        if f.wrong > max_wrong or f.oos_answered > max_oos:
            continue
        key = (f.top1, f.top3)
        if best is None or key > best[:2]:
            best = (*key, thresholds)
    return best[2] if best else Thresholds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+", help="labelled .jsonl files, or `kb`")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--max-wrong", type=float, default=0.015)
    parser.add_argument("--max-oos", type=float, default=0.03)
    args = parser.parse_args()
    kb = load_knowledge_base(BUNDLED_KNOWLEDGE_DIR)
    if [f.name for f in args.files] == ["kb"]:
        # Self-supervised: every alternate held out of the index and asked of it, labelled with its own
        # entry's citations. Thresholds chosen here never see the evaluation questions.
        rows = [
            Ranked(
                LabelledQuestion(h.faq.id, h.text, frozenset(c.label for c in h.faq.citations), "kb"),
                h.ranked,
                h.answerable,
            )
            for h in held_out_rankings(kb)
        ]
    else:
        matcher = Matcher(kb)
        rows = [
            Ranked(item, *matcher.rank_for_decision(item.question))
            for path in args.files
            for item in read_labelled(path)
            if item.kind != "article"
        ]
    random.Random(20261126).shuffle(rows)
    folds = [rows[i :: args.folds] for i in range(args.folds)]
    print(f"{'fold':<6}{'top1':>7}{'top3':>7}{'wrong':>7}{'oos ans':>9}  thresholds (chosen on the other folds)")
    for k, held_out in enumerate(folds):
        train = [r for j, fold in enumerate(folds) if j != k for r in fold]
        chosen = best_thresholds(train, args.max_wrong, args.max_oos)
        f = figures(held_out, chosen)
        print(f"{k:<6}{f.top1:>7.3f}{f.top3:>7.3f}{f.wrong:>7.3f}{f.oos_answered:>9.3f}  {chosen}")
    final = best_thresholds(rows, args.max_wrong, args.max_oos)
    f = figures(rows, final)
    current = figures(rows, Thresholds())
    print(f"all   {f.top1:>7.3f}{f.top3:>7.3f}{f.wrong:>7.3f}{f.oos_answered:>9.3f}  best on all: {final}")
    print(
        f"now   {current.top1:>7.3f}{current.top3:>7.3f}{current.wrong:>7.3f}{current.oos_answered:>9.3f}"
        f"  current defaults: {Thresholds()}"
    )


if __name__ == "__main__":
    main()
