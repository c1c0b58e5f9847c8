"""Outreach content beside the FAQs: 以案释法 tips for broadcasts and the village list for posters.

Both are edited by the judicial office, so they are YAML read once into frozen objects, with every
problem reported as file:line like the FAQ loader does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.loader import ID_PATTERN, MAX_ID_BYTES, KnowledgeBaseError, Problem, read_yaml

# Village codes travel in deep links (`start=v-<code>`): Telegram allows only A-Z a-z 0-9 _ - there, 64 chars.
VILLAGE_CODE_PATTERN = re.compile(r"^[a-z0-9-]{1,30}$")


@dataclass(frozen=True)
class Tip:
    """One short outreach message; `faq_id` is the entry the "read more" button opens."""

    id: str
    title: str
    text: str
    faq_id: str | None = None


@dataclass(frozen=True)
class Village:
    """A village (or community) the office counts outreach for."""

    code: str
    name: str


def _line(raw: Any) -> int:
    return int(getattr(raw, "line", 0))


def _entries(path: Path, problems: list[Problem]) -> list[Any]:
    raw = read_yaml(path, str(path), problems)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        problems.append(Problem(str(path), _line(raw), "the file must be a list of mappings (lines starting `- `)"))
        return []
    return raw


def load_tips(path: Path) -> tuple[Tip, ...]:
    """Read tips.yaml; ids must be unique and short enough for button data."""
    problems: list[Problem] = []
    tips: list[Tip] = []
    for raw in _entries(path, problems):
        tip_id, title, text = raw.get("id"), raw.get("title"), raw.get("text")
        faq_id = raw.get("faq_id")
        if not isinstance(tip_id, str) or not ID_PATTERN.match(tip_id) or len(tip_id.encode()) > MAX_ID_BYTES:
            problems.append(Problem(str(path), _line(raw), f"tip id {tip_id!r} must be short lowercase ASCII"))
            continue
        if not isinstance(title, str) or not isinstance(text, str) or not title.strip() or not text.strip():
            problems.append(Problem(str(path), _line(raw), f"tip {tip_id} needs `title` and `text`"))
            continue
        if faq_id is not None and not isinstance(faq_id, str):
            problems.append(Problem(str(path), _line(raw), f"tip {tip_id}: `faq_id` must be an FAQ id"))
            continue
        if any(t.id == tip_id for t in tips):
            problems.append(Problem(str(path), _line(raw), f"duplicate tip id {tip_id!r}"))
            continue
        tips.append(Tip(id=tip_id, title=title.strip(), text=text.strip(), faq_id=faq_id))
    if problems:
        raise KnowledgeBaseError(problems)
    return tuple(tips)


def load_villages(path: Path) -> tuple[Village, ...]:
    """Read villages.yaml; codes must be unique and fit a Telegram deep link."""
    problems: list[Problem] = []
    villages: list[Village] = []
    for raw in _entries(path, problems):
        code, name = raw.get("code"), raw.get("name")
        if not isinstance(code, str) or not VILLAGE_CODE_PATTERN.match(code):
            problems.append(Problem(str(path), _line(raw), f"village code {code!r} must be lowercase a-z, 0-9 or -"))
        elif not isinstance(name, str) or not name.strip():
            problems.append(Problem(str(path), _line(raw), f"village {code} needs a `name`"))
        elif any(v.code == code for v in villages):
            problems.append(Problem(str(path), _line(raw), f"duplicate village code {code!r}"))
        else:
            villages.append(Village(code=code, name=name.strip()))
    if problems:
        raise KnowledgeBaseError(problems)
    return tuple(villages)
