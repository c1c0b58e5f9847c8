"""YAML files -> a validated `KnowledgeBase`, reporting every problem with file and line.

A clerk edits these files by hand, so the loader collects *all* problems (not the first) and names
file, line and what to fix. Files are parsed with PyYAML's safe loader; anchors/aliases are refused
(FAQ files never need them, and they are how a "YAML bomb" blows up memory and time), and files over
`MAX_FILE_BYTES` are refused before parsing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.model import Citation, Faq, KnowledgeBase, Law, SourceRef, Topic

# The largest real FAQ file is under 100 KB; 1 MB leaves ten times the room and bounds how long a pasted dump
# can keep a reload busy (PyYAML is pure Python: about 10 s of CPU for a pathological 1 MB file).
MAX_FILE_BYTES = 1_000_000
# An FAQ entry is at most four levels deep (list > entry > citations > citation). PyYAML composes nodes
# recursively, so a file of thousands of nested brackets would otherwise end in a RecursionError traceback.
MAX_NESTING_DEPTH = 20
# Telegram callback data is limited to 64 bytes; ids share it with a short action prefix ("a:", "rel:").
MAX_ID_BYTES = 40
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
ARTICLE_PATTERN = re.compile(r"^\d+(之\d+)?$")
FAQ_FIELDS = {
    "id",
    "question",
    "alternates",
    "answer",
    "citations",
    "topic",
    "keywords",
    "related",
    "urgent",
    "updated",
    "reviewed",
}
REQUIRED_FIELDS = ("id", "question", "alternates", "answer", "citations", "topic")


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
    mapping = _LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
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


def _line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return 0


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _date(value: Any) -> dt.date | bool | None:
    """A date, None when absent, or False when present but not a date."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return False


def _parse_citation(raw: Any, where: str, line: int, problems: list[Problem]) -> Citation | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, line, "each citation must be a mapping with `law` and `article`"))
        return None
    line = _line_of(raw) or line
    law = _text(raw.get("law"))
    article = raw.get("article")
    quote = raw.get("quote")
    ok = True
    if law is None:
        problems.append(Problem(where, line, "citation is missing `law` (the short title, e.g. 民法典)"))
        ok = False
    if isinstance(article, bool) or not isinstance(article, int | str) or not ARTICLE_PATTERN.match(str(article)):
        problems.append(
            Problem(where, line, f'citation `article` must be a number like 1079 or "133之1", got {article!r}')
        )
        ok = False
    elif isinstance(article, str) and article.isdigit():
        article = int(article)
    if quote is not None and _text(quote) is None:
        problems.append(Problem(where, line, "citation `quote` must be non-empty text when given"))
        ok = False
    extra = set(raw) - {"law", "article", "quote"}
    if extra:
        problems.append(Problem(where, line, f"citation has unknown field(s): {', '.join(sorted(map(str, extra)))}"))
    if not ok:
        return None
    assert law is not None and isinstance(article, int | str)
    return Citation(law=law, article=article, quote=_text(quote))


def _string_list(raw: Any, field: str, where: str, line: int, problems: list[Problem]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or any(
        item is None or isinstance(item, dict | list) or not str(item).strip() for item in raw
    ):
        problems.append(Problem(where, line, f"`{field}` must be a list of non-empty texts"))
        return ()
    return tuple(str(item).strip() for item in raw)


def parse_faq(raw: Any, where: str, problems: list[Problem]) -> Faq | None:
    """Validate one entry mapping and build a Faq, appending every problem found."""
    if not isinstance(raw, dict):
        problems.append(Problem(where, _line_of(raw), "each entry must be a mapping (lines starting with `- id:`)"))
        return None
    line = _line_of(raw)
    before = len(problems)
    for key in REQUIRED_FIELDS:
        if key not in raw or raw[key] in (None, "", []):
            problems.append(Problem(where, line, f"entry {raw.get('id', '?')!s} is missing `{key}`"))
    unknown = set(map(str, raw)) - FAQ_FIELDS
    if unknown:
        problems.append(Problem(where, line, f"unknown field(s): {', '.join(sorted(unknown))} (typo?)"))
    faq_id = raw.get("id")
    if faq_id is not None and (not isinstance(faq_id, str) or not ID_PATTERN.match(faq_id)):
        problems.append(
            Problem(where, _line_of(raw, "id"), f"id {faq_id!r} must be lowercase ASCII like civil.dog-bite")
        )
    elif isinstance(faq_id, str) and len(faq_id.encode()) > MAX_ID_BYTES:
        problems.append(Problem(where, _line_of(raw, "id"), f"id {faq_id!r} is longer than {MAX_ID_BYTES} bytes"))
    for key in ("question", "answer", "topic"):
        if key in raw and raw[key] is not None and _text(raw[key]) is None:
            problems.append(Problem(where, _line_of(raw, key), f"`{key}` must be text"))
    alternates = _string_list(raw.get("alternates"), "alternates", where, _line_of(raw, "alternates"), problems)
    keywords = _string_list(raw.get("keywords"), "keywords", where, _line_of(raw, "keywords"), problems)
    related = _string_list(raw.get("related"), "related", where, _line_of(raw, "related"), problems)
    citations_raw = raw.get("citations")
    citations: list[Citation] = []
    if citations_raw is not None and not isinstance(citations_raw, list):
        problems.append(Problem(where, _line_of(raw, "citations"), "`citations` must be a list"))
    elif isinstance(citations_raw, list):
        for item in citations_raw:
            citation = _parse_citation(item, where, _line_of(raw, "citations"), problems)
            if citation:
                citations.append(citation)
    urgent = raw.get("urgent", False)
    if not isinstance(urgent, bool):
        problems.append(Problem(where, _line_of(raw, "urgent"), "`urgent` must be true or false"))
    dates: dict[str, dt.date | None] = {}
    for key in ("updated", "reviewed"):
        value = _date(raw.get(key))
        if value is False:
            problems.append(Problem(where, _line_of(raw, key), f"`{key}` must be a date like 2026-11-26"))
            value = None
        dates[key] = value if isinstance(value, dt.date) else None
    if len(problems) > before:
        return None
    return Faq(
        id=str(faq_id),
        question=str(raw["question"]).strip(),
        alternates=alternates,
        answer=str(raw["answer"]).strip(),
        citations=tuple(citations),
        topic=str(raw["topic"]).strip(),
        keywords=keywords,
        related=related,
        urgent=bool(urgent),
        updated=dates["updated"],
        reviewed=dates["reviewed"],
        source=SourceRef(where, line),
    )


def _parse_laws(raw: Any, where: str, problems: list[Problem]) -> dict[str, Law]:
    laws: dict[str, Law] = {}
    if not isinstance(raw, list):
        problems.append(Problem(where, 0, "laws.yaml must be a list of laws"))
        return laws
    for item in raw:
        line = _line_of(item)
        if not isinstance(item, dict) or not _text(item.get("short_title")) or not _text(item.get("title")):
            problems.append(Problem(where, line, "each law needs `short_title` and `title`"))
            continue
        status = item.get("status", "in_force")
        if status not in ("in_force", "repealed"):
            problems.append(Problem(where, line, f"law status must be in_force or repealed, got {status!r}"))
            continue
        in_force_from = _date(item.get("in_force_from"))
        if in_force_from is False:
            problems.append(Problem(where, line, "`in_force_from` must be a date"))
            continue
        law = Law(
            short_title=str(item["short_title"]),
            title=str(item["title"]),
            version=str(item.get("version", "")),
            in_force_from=in_force_from if isinstance(in_force_from, dt.date) else None,
            status=str(status),
            replaced_by=_text(item.get("replaced_by")),
            aliases=_string_list(item.get("aliases"), "aliases", where, line, problems),
        )
        laws[law.short_title] = law
    return laws


def _parse_topics(raw: Any, where: str, problems: list[Problem]) -> tuple[Topic, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) and _text(t.get("id")) for t in raw):
        problems.append(Problem(where, 0, "topics.yaml must be a list of {id, name}"))
        return ()
    return tuple(Topic(id=str(t["id"]), name=str(t.get("name") or t["id"])) for t in raw)


def _parse_lexicon(
    raw: Any, where: str, problems: list[Problem]
) -> tuple[dict[str, str], tuple[str, ...], frozenset[str]]:
    if not isinstance(raw, dict):
        problems.append(Problem(where, 0, "synonyms.yaml must have `synonyms:`, `fillers:` and `stopwords:` sections"))
        return {}, (), frozenset()
    synonyms_raw = raw.get("synonyms") or {}
    synonyms: dict[str, str] = {}
    if not isinstance(synonyms_raw, dict):
        problems.append(Problem(where, _line_of(raw, "synonyms"), "`synonyms` must map a word to its term"))
    else:
        for word, term in synonyms_raw.items():
            if not _text(str(word)) or not isinstance(term, str):
                problems.append(
                    Problem(where, _line_of(synonyms_raw, str(word)), f"synonym {word!r} must map to a text")
                )
            else:
                synonyms[str(word)] = term
    fillers = _string_list(raw.get("fillers"), "fillers", where, _line_of(raw, "fillers"), problems)
    stopwords = _string_list(raw.get("stopwords"), "stopwords", where, _line_of(raw, "stopwords"), problems)
    return synonyms, fillers, frozenset(stopwords)


def _parse_chitchat(raw: Any, where: str, problems: list[Problem]) -> dict[str, tuple[tuple[str, ...], str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(where, 0, "chitchat.yaml must map an intent to {phrases, reply}"))
        return {}
    intents: dict[str, tuple[tuple[str, ...], str]] = {}
    for name, body in raw.items():
        line = _line_of(raw, str(name))
        if not isinstance(body, dict) or not _text(body.get("reply")):
            problems.append(Problem(where, line, f"chit-chat intent {name!r} needs `phrases` and `reply`"))
            continue
        phrases = _string_list(body.get("phrases"), "phrases", where, line, problems)
        intents[str(name)] = (phrases, str(body["reply"]).strip())
    return intents


def _cross_check(faqs: list[Faq], laws: dict[str, Law], topics: tuple[Topic, ...], problems: list[Problem]) -> None:
    """Checks that need the whole base: unique ids, resolvable links, known topics and current laws."""
    seen: dict[str, Faq] = {}
    topic_ids = {t.id for t in topics}
    for faq in faqs:
        where = faq.source.path if faq.source else "?"
        line = faq.source.line if faq.source else 0
        if faq.id in seen:
            first = seen[faq.id].source
            problems.append(Problem(where, line, f"duplicate id {faq.id!r} (first defined at {first})"))
        seen.setdefault(faq.id, faq)
        if topic_ids and faq.topic not in topic_ids:
            problems.append(Problem(where, line, f"{faq.id}: unknown topic {faq.topic!r} (see topics.yaml)"))
        for citation in faq.citations:
            law = laws.get(citation.law)
            if law is None:
                problems.append(Problem(where, line, f"{faq.id}: unknown law {citation.law!r} (not in laws.yaml)"))
            elif not law.in_force:
                successor = f"; cite {law.replaced_by} instead" if law.replaced_by else ""
                problems.append(Problem(where, line, f"{faq.id}: {citation.law} is repealed{successor}"))
    for faq in faqs:
        for target in faq.related:
            if target not in seen:
                where = faq.source.path if faq.source else "?"
                problems.append(
                    Problem(
                        where, faq.source.line if faq.source else 0, f"{faq.id}: related id {target!r} does not exist"
                    )
                )


def load_knowledge_base(root: Path) -> KnowledgeBase:
    """Load and validate a knowledge folder; raise KnowledgeBaseError listing every problem."""
    problems: list[Problem] = []
    root = Path(root)

    def display(path: Path) -> str:
        return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)

    def read(name: str, required: bool = True) -> Any:
        path = root / name
        if not path.exists():
            if required:
                problems.append(Problem(display(path), 0, "file is missing"))
            return None
        return read_yaml(path, display(path), problems)

    laws = _parse_laws(read("laws.yaml"), display(root / "laws.yaml"), problems)
    topics = _parse_topics(read("topics.yaml"), display(root / "topics.yaml"), problems)
    synonyms, fillers, stopwords = _parse_lexicon(read("synonyms.yaml"), display(root / "synonyms.yaml"), problems)
    chitchat = _parse_chitchat(read("chitchat.yaml", required=False), display(root / "chitchat.yaml"), problems)
    faqs: list[Faq] = []
    faq_files = sorted((root / "faqs").glob("*.yaml"))
    if not faq_files:
        problems.append(Problem(display(root / "faqs"), 0, "no FAQ files (*.yaml) found"))
    for path in faq_files:
        where = display(path)
        raw = read_yaml(path, where, problems)
        if raw is None:
            continue
        if not isinstance(raw, list):
            problems.append(
                Problem(where, _line_of(raw), "an FAQ file must be a list of entries (each starting `- id:`)")
            )
            continue
        for item in raw:
            faq = parse_faq(item, where, problems)
            if faq:
                faqs.append(faq)
    _cross_check(faqs, laws, topics, problems)
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(
        faqs=tuple(faqs),
        synonyms=synonyms,
        laws=laws,
        topics=topics,
        fillers=fillers,
        stopwords=stopwords,
        chitchat=chitchat,
        root=str(root),
    )
