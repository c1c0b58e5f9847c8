"""Fixed reply sentences (disclaimer, fallback, suggestion prompt), loaded from `replies.yaml`.

They are words a villager reads, so they live in YAML beside the FAQs where the office can edit them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.loader import KnowledgeBaseError, Problem, read_yaml

FIELDS = ("disclaimer", "fallback", "suggest", "none_of_these", "article_missing", "version_note")


@dataclass(frozen=True)
class Replies:
    """The fixed sentences; `fallback` has an `{office}` slot, `version_note` has law/version/date slots."""

    disclaimer: str
    fallback: str
    suggest: str
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
