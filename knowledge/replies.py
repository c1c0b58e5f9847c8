"""Fixed reply sentences (disclaimer, fallback, suggestion prompt), loaded from `replies.yaml`.

They are words a villager reads, so they live in YAML beside the FAQs where the office can edit them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.model import Citation, Law
from knowledge.yaml_source import KnowledgeBaseError, Problem, read_yaml

# Name the law's version next to an answer when it took effect this recently: villagers may have heard
# the old rule or seen old article numbers on leaflets (治安管理处罚法 2026, 生态环境法典 2026).
RECENT_LAW = dt.timedelta(days=3 * 365)

FIELDS = (
    "disclaimer",
    "fallback",
    "suggest",
    "alternatives",
    "referral_legal",
    "pick_by_number",
    "none_of_these",
    "article_missing",
    "version_note",
)


@dataclass(frozen=True)
class Replies:
    """The fixed sentences; `fallback` has an `{office}` slot, `version_note` has law/version/date slots."""

    disclaimer: str
    fallback: str
    suggest: str
    alternatives: str  # under an answer, before the close alternatives
    referral_legal: str  # under a referral (看病去卫生院 …), before legal entries that came close
    pick_by_number: str  # after a numbered list, only where the user can answer with a number (the chat)
    none_of_these: str
    article_missing: str
    version_note: str


def load_replies(root: Path) -> Replies:
    """Read `replies.yaml` from a knowledge folder; every missing sentence is reported."""
    problems: list[Problem] = []
    path = root / "replies.yaml"
    raw = read_yaml(path, str(path), problems)
    if isinstance(raw, dict):
        for name in FIELDS:
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                problems.append(Problem(str(path), 0, f"`{name}` must be a sentence"))
    elif not problems:
        problems.append(Problem(str(path), 0, "replies.yaml must map each sentence name to its text"))
    if problems:
        raise KnowledgeBaseError(problems)
    return Replies(**{name: str(raw[name]).strip() for name in FIELDS})


def version_notes(citations: Sequence[Citation], laws: dict[str, Law], template: str, today: dt.date) -> list[str]:
    """One note per cited law that took effect recently, naming its version and start date."""
    notes = []
    for name in dict.fromkeys(c.law for c in citations):
        law = laws.get(name)
        if law and law.in_force_from and dt.timedelta(0) <= today - law.in_force_from < RECENT_LAW:
            notes.append(
                template.format(law=law.title, version=law.version, in_force_from=law.in_force_from.isoformat())
            )
    return notes
