"""The bot's fixed interface texts (menu labels, prompts, button captions) from `messages.yaml`.

They are words people read, so the office edits them in YAML; nested sections become dotted keys
("buttons.article"), and `{name}` slots are filled by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.loader import KnowledgeBaseError, Problem, read_yaml


@dataclass(frozen=True)
class Messages:
    """Interface texts by dotted key; lists (like the example questions) are kept as tuples."""

    texts: Mapping[str, str]
    lists: Mapping[str, tuple[str, ...]]

    def text(self, key: str, **slots: object) -> str:
        """One text with its `{slots}` filled; a missing key is a programming error and raises KeyError."""
        template = self.texts[key]
        return template.format(**slots) if slots else template

    def items(self, key: str) -> tuple[str, ...]:
        """A list of texts, such as the example questions."""
        return self.lists[key]


def _flatten(
    raw: Any,
    prefix: str,
    where: str,
    messages: dict[str, str],
    lists: dict[str, tuple[str, ...]],
    problems: list[Problem],
) -> None:
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            messages[name] = value.strip()
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            lists[name] = tuple(v.strip() for v in value)
        elif isinstance(value, dict):
            _flatten(value, f"{name}.", where, messages, lists, problems)
        else:
            line = getattr(raw, "key_lines", {}).get(str(key), 0)
            problems.append(Problem(where, line, f"`{name}` must be a text, a list of texts or a section"))


def load_messages(path: Path) -> Messages:
    """Read messages.yaml into a Messages object, reporting every malformed entry."""
    problems: list[Problem] = []
    raw = read_yaml(path, str(path), problems)
    messages: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {}
    if isinstance(raw, dict):
        _flatten(raw, "", str(path), messages, lists, problems)
    elif not problems:
        problems.append(Problem(str(path), 0, "messages.yaml must map names to texts"))
    if problems:
        raise KnowledgeBaseError(problems)
    return Messages(texts=messages, lists=lists)
