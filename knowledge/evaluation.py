"""Scoring the matcher on labelled questions (the format of ../shared/eval/*.jsonl).

Rules (from the eval README): top-1 = answered and citing an expected article; top-3 = that, or one of
the first three suggestions cites one; an out-of-scope line (no expected articles) is right when not
answered; a wrong confident answer is an in-scope line answered without any expected article.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.model import MatchResult, Outcome

OUT_OF_SCOPE = "oos"


@dataclass(frozen=True)
class LabelledQuestion:
    """One line of an evaluation file."""

    id: str
    question: str
    expect: frozenset[str]
    kind: str


@dataclass
class Tally:
    """Counts for one kind of question (or the total)."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    wrong_answers: int = 0
    answered: int = 0
    suggested: int = 0
    fallback: int = 0
    referred: int = 0  # fallbacks that named a referral subject (看病吃药 …)
    failures: list[str] = field(default_factory=list)

    def add(self, item: LabelledQuestion, result: MatchResult) -> None:
        """Score one result against its labels."""
        self.total += 1
        self.answered += result.status is Outcome.ANSWERED
        self.suggested += result.status is Outcome.SUGGEST
        self.fallback += result.status is Outcome.FALLBACK
        self.referred += result.referral is not None
        if not item.expect:
            if result.status is not Outcome.ANSWERED:
                self.top1 += 1
                self.top3 += 1
            else:
                self.wrong_answers += 1
                self.failures.append(f"{item.id} answered out-of-scope: {item.question} -> {_faq_id(result)}")
            return
        answered_right = result.status is Outcome.ANSWERED and bool(_labels(result) & item.expect)
        suggested_right = any({c.label for c in faq.citations} & item.expect for faq in result.suggestions[:3])
        self.top1 += answered_right
        self.top3 += answered_right or suggested_right
        if result.status is Outcome.ANSWERED and not answered_right:
            self.wrong_answers += 1
            self.failures.append(
                f"{item.id} WRONG: {item.question} -> {_faq_id(result)} {sorted(_labels(result))}"
                f" expected {sorted(item.expect)}"
            )
        elif not answered_right:
            self.failures.append(
                f"{item.id} {result.status.value}: {item.question} -> "
                f"{[f.id for f in result.suggestions]} expected {sorted(item.expect)}"
            )

    def rate(self, count: int) -> float:
        """A count as a share of this tally's questions."""
        return count / self.total if self.total else 0.0


def _labels(result: MatchResult) -> set[str]:
    return {c.label for c in result.citations}


def _faq_id(result: MatchResult) -> str:
    return result.faq.id if result.faq else "(article)"


def read_labelled(path: Path) -> list[LabelledQuestion]:
    """Read dev.jsonl-style lines; real_questions.jsonl lines (no `kind`) become in/oos by their guess."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        kind = row.get("kind") or ("in_scope" if row.get("in_scope_guess", True) else OUT_OF_SCOPE)
        expect = frozenset(row.get("expect") or ()) if kind != OUT_OF_SCOPE else frozenset()
        items.append(LabelledQuestion(str(row.get("id", number)), str(row["question"]), expect, kind))
    return items


def evaluate(items: Iterable[LabelledQuestion], match: Callable[[str], MatchResult]) -> dict[str, Tally]:
    """Tallies per kind plus `in_scope` (all non-oos lines) and `total`."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in items:
        result = match(item.question)
        tallies[item.kind].add(item, result)
        tallies["total"].add(item, result)
        if item.kind != OUT_OF_SCOPE and item.kind != "in_scope":
            tallies["in_scope"].add(item, result)
    return dict(tallies)


def format_report(tallies: dict[str, Tally]) -> str:
    """A fixed-width table: per kind, then in-scope and total."""
    columns = ("top1", "top3", "wrong", "answer", "suggest", "fallbk", "refer")
    header = f"{'kind':<12}{'n':>5}" + "".join(f"{c:>8}" for c in columns)
    lines = [header]
    order = sorted(k for k in tallies if k not in ("in_scope", "total")) + [
        k for k in ("in_scope", "total") if k in tallies
    ]
    for kind in order:
        t = tallies[kind]
        lines.append(
            f"{kind:<12}{t.total:>5}{t.rate(t.top1):>8.3f}{t.rate(t.top3):>8.3f}{t.rate(t.wrong_answers):>8.3f}"
            f"{t.rate(t.answered):>8.3f}{t.rate(t.suggested):>8.3f}{t.rate(t.fallback):>8.3f}{t.rate(t.referred):>8.3f}"
        )
    lines.append("top1/top3: right answer (oos: not answered); wrong: answered without an expected article")
    lines.append("refer: the fallbacks that named a subject outside the law (referrals.yaml)")
    if "in_scope" in tallies:
        t = tallies["in_scope"]
        precision = (t.top1 / t.answered) if t.answered else 0.0
        lines.append(f"precision of answers (in scope): {precision:.3f} ({t.top1}/{t.answered})")
    return "\n".join(lines)
