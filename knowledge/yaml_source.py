"""Reading a clerk's YAML safely, remembering lines, and the problem type every check reports with.

Files are parsed with PyYAML's safe loader; anchors/aliases are refused (knowledge files never need them,
and they are how a "YAML bomb" blows up memory and time), deep nesting is refused before PyYAML recurses,
and files over `MAX_FILE_BYTES` are refused before parsing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The largest real FAQ file is under 100 KB; 1 MB leaves ten times the room and bounds how long a pasted dump
# can keep a reload busy (PyYAML is pure Python: about 10 s of CPU for a pathological 1 MB file).
MAX_FILE_BYTES = 1_000_000
# An FAQ entry is at most four levels deep (list > entry > citations > citation). PyYAML composes nodes
# recursively, so a file of thousands of nested brackets would otherwise end in a RecursionError traceback.
MAX_NESTING_DEPTH = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, in the words a clerk needs to fix it."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be loaded; `problems` lists every reason with file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _LineDict(dict[str, Any]):
    """A mapping that remembers the line it started on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _NoAliasSafeLoader(yaml.SafeLoader):
    """Safe loader that keeps line numbers and refuses anchors, aliases and absurd nesting."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases (&, *) are not allowed in knowledge files", event.start_mark
            )
        if self.depth >= MAX_NESTING_DEPTH:
            raise yaml.MarkedYAMLError(
                None, None, f"nested more than {MAX_NESTING_DEPTH} levels deep", self.peek_event().start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_line_mapping(loader: _NoAliasSafeLoader, node: yaml.MappingNode) -> _LineDict:
    # PyYAML keeps the last of two equal keys without a word: a clerk who pastes a second `quote:` or
    # `answer:` into an entry, or lists a dialect word twice, would silently lose the first one.
    first_line: dict[str, int] = {}
    for key, _ in node.value:
        name = str(key.value)
        if name in first_line:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"`{name}` appears twice in the same block (first on line {first_line[name]}); keep only one",
                key.start_mark,
            )
        first_line[name] = key.start_mark.line + 1
    mapping = _LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = first_line
    return mapping


_NoAliasSafeLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_mapping)


def read_yaml(path: Path, display: str, problems: list[Problem]) -> Any:
    """Parse one YAML file safely; on failure append a Problem and return None."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(display, 0, f"cannot read file: {exc.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(display, 0, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit"))
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(display, 0, "file is not UTF-8 text; save it as UTF-8"))
        return None
    try:
        return yaml.load(text, Loader=_NoAliasSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = f"YAML syntax: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            message += f" ({exc.context}, which began on line {exc.context_mark.line + 1})"
        problems.append(Problem(display, line, message))
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        problems.append(Problem(display, line, f"character U+{exc.character:04X} is not allowed in YAML; delete it"))
    except yaml.YAMLError as exc:
        problems.append(Problem(display, 0, f"YAML syntax: {exc}"))
    return None


def line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return 0


def text_or_none(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def date_or_invalid(value: Any) -> dt.date | bool | None:
    """A date, None when absent, or False when present but not a date."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return False


def string_list(raw: Any, field: str, where: str, line: int, problems: list[Problem]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or any(
        item is None or isinstance(item, dict | list) or not str(item).strip() for item in raw
    ):
        problems.append(Problem(where, line, f"`{field}` must be a list of non-empty texts"))
        return ()
    items = tuple(str(item).strip() for item in raw)
    # A repeated item is always a slip: a keyword or alternate listed twice silently counts double in matching.
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        problems.append(Problem(where, line, f"`{field}` lists {'、'.join(repeated)} more than once"))
    return items
