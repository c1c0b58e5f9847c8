"""Ranking and decision quality on the knowledge base's own alternates, each held out of the index.

    .venv/bin/python benchmarks/held_out.py [KNOWLEDGE_DIR]

No evaluation data: every alternate is asked of a matcher built without it (the folds of
`knowledge.audit.held_out_rankings`, the same that `pufa kb check` uses for collisions) and judged
against its own entry (referral subjects' phrasings are counted apart: referred, or wrongly answered as
law). Prints how often its own entry is ranked first and among the first three, and
what the shipped thresholds do with it: answered right (an answer sharing a citation with its own entry),
answered wrong (no shared citation), or not answered. The figures in docs/benchmarks.md come from here.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from knowledge import BUNDLED_KNOWLEDGE_DIR  # noqa: E402
from knowledge.audit import held_out_rankings  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402
from knowledge.matcher import Thresholds, decide  # noqa: E402
from knowledge.model import Outcome  # noqa: E402


def main() -> None:
    kb = load_knowledge_base(Path(sys.argv[1]) if len(sys.argv) > 1 else BUNDLED_KNOWLEDGE_DIR)
    every = held_out_rankings(kb)
    rows = [row for row in every if not row.faq.referral]
    referred = legal_answers = 0
    for row in every:
        if row.faq.referral:
            result = decide(row.ranked, row.answerable, Thresholds())
            referred += result.referral is not None
            legal_answers += result.status is Outcome.ANSWERED
    first = top3 = right = wrong = 0
    for row in rows:
        ranked_ids = [s.faq.id for s in row.ranked]
        first += ranked_ids[:1] == [row.faq.id]
        top3 += row.faq.id in ranked_ids[:3]
        result = decide(row.ranked, row.answerable, Thresholds())
        if result.status is Outcome.ANSWERED:
            own = {c.label for c in row.faq.citations}
            if own & {c.label for c in result.citations}:
                right += 1
            else:
                wrong += 1
    n = max(len(rows), 1)
    print(f"{len(kb.faqs)} entries, {len(rows)} held-out alternates")
    print(f"own entry first {first / n:.3f}, in the first three {top3 / n:.3f}")
    print(f"answered right {right / n:.3f}, answered wrong {wrong} ({wrong / n:.4f})")
    if kb.referrals:
        held = len(every) - len(rows)
        print(f"{held} held-out referral phrasings: referred {referred}, answered as law {legal_answers}")


if __name__ == "__main__":
    main()
