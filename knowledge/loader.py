"""YAML files -> a validated `KnowledgeBase`, reporting every problem with file and line.

A clerk edits these files by hand, so the loader collects *all* problems (not the first) and names file,
line and what to fix. Safe reading and line tracking live in `knowledge.yaml_source`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, NamedTuple

from knowledge.model import Citation, Faq, KnowledgeBase, Law, SourceRef, Topic
from knowledge.yaml_source import (
    MAX_FILE_BYTES,
    KnowledgeBaseError,
    Problem,
    date_or_invalid,
    line_of,
    read_yaml,
    string_list,
    text_or_none,
)

__all__ = ["MAX_FILE_BYTES", "KnowledgeBaseError", "Problem", "load_knowledge_base", "parse_faq", "read_yaml"]

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
REFERRAL_FIELDS = ("id", "subject", "phrasings", "reply")
REFERRAL_TOPIC = "referral"


def _parse_citation(raw: Any, where: str, line: int, problems: list[Problem]) -> Citation | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, line, "each citation must be a mapping with `law` and `article`"))
        return None
    line = line_of(raw) or line
    law = text_or_none(raw.get("law"))
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
    if quote is not None and text_or_none(quote) is None:
        problems.append(Problem(where, line, "citation `quote` must be non-empty text when given"))
        ok = False
    extra = set(raw) - {"law", "article", "quote"}
    if extra:
        problems.append(Problem(where, line, f"citation has unknown field(s): {', '.join(sorted(map(str, extra)))}"))
    if not ok:
        return None
    assert law is not None and isinstance(article, int | str)
    return Citation(law=law, article=article, quote=text_or_none(quote))


def _check_fields(
    raw: dict[Any, Any],
    noun: str,
    required: tuple[str, ...],
    allowed: set[str],
    texts: tuple[str, ...],
    example_id: str,
    where: str,
    problems: list[Problem],
) -> None:
    """What every mapping of the base needs: its required fields, no unknown (misspelt) ones, text where
    text is due, and an id that fits Telegram's button data."""
    line = line_of(raw)
    for key in required:
        if key not in raw or raw[key] in (None, "", []):
            problems.append(Problem(where, line, f"{noun} {raw.get('id', '?')!s} is missing `{key}`"))
    unknown = set(map(str, raw)) - allowed
    if unknown:
        problems.append(Problem(where, line, f"unknown field(s): {', '.join(sorted(unknown))} (typo?)"))
    for key in texts:
        if raw.get(key) is not None and text_or_none(raw[key]) is None:
            problems.append(Problem(where, line_of(raw, key), f"`{key}` must be text"))
    item_id = raw.get("id")
    if item_id is not None and (not isinstance(item_id, str) or not ID_PATTERN.match(item_id)):
        problems.append(Problem(where, line_of(raw, "id"), f"id {item_id!r} must be lowercase ASCII like {example_id}"))
    elif isinstance(item_id, str) and len(item_id.encode()) > MAX_ID_BYTES:
        problems.append(Problem(where, line_of(raw, "id"), f"id {item_id!r} is longer than {MAX_ID_BYTES} bytes"))


def parse_faq(raw: Any, where: str, problems: list[Problem]) -> Faq | None:
    """Validate one entry mapping and build a Faq, appending every problem found."""
    if not isinstance(raw, dict):
        problems.append(Problem(where, line_of(raw), "each entry must be a mapping (lines starting with `- id:`)"))
        return None
    line = line_of(raw)
    before = len(problems)
    texts = ("question", "answer", "topic")
    _check_fields(raw, "entry", REQUIRED_FIELDS, FAQ_FIELDS, texts, "civil.dog-bite", where, problems)
    faq_id = raw.get("id")
    alternates = string_list(raw.get("alternates"), "alternates", where, line_of(raw, "alternates"), problems)
    keywords = string_list(raw.get("keywords"), "keywords", where, line_of(raw, "keywords"), problems)
    related = string_list(raw.get("related"), "related", where, line_of(raw, "related"), problems)
    citations_raw = raw.get("citations")
    citations: list[Citation] = []
    if citations_raw is not None and not isinstance(citations_raw, list):
        problems.append(Problem(where, line_of(raw, "citations"), "`citations` must be a list"))
    elif isinstance(citations_raw, list):
        for item in citations_raw:
            citation = _parse_citation(item, where, line_of(raw, "citations"), problems)
            if citation and any(c.label == citation.label for c in citations):
                # The reply would list the article twice; a second quote belongs in the first citation.
                problems.append(
                    Problem(where, line_of(item) or line_of(raw, "citations"), f"{citation.display} is cited twice")
                )
            elif citation:
                citations.append(citation)
    urgent = raw.get("urgent", False)
    if not isinstance(urgent, bool):
        problems.append(Problem(where, line_of(raw, "urgent"), "`urgent` must be true or false"))
    dates: dict[str, dt.date | None] = {}
    for key in ("updated", "reviewed"):
        value = date_or_invalid(raw.get(key))
        if value is False:
            problems.append(Problem(where, line_of(raw, key), f"`{key}` must be a date like 2026-11-26"))
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
        line = line_of(item)
        if (
            not isinstance(item, dict)
            or not text_or_none(item.get("short_title"))
            or not text_or_none(item.get("title"))
        ):
            problems.append(Problem(where, line, "each law needs `short_title` and `title`"))
            continue
        status = item.get("status", "in_force")
        if status not in ("in_force", "repealed"):
            problems.append(Problem(where, line, f"law status must be in_force or repealed, got {status!r}"))
            continue
        in_force_from = date_or_invalid(item.get("in_force_from"))
        if in_force_from is False:
            problems.append(Problem(where, line, "`in_force_from` must be a date"))
            continue
        law = Law(
            short_title=str(item["short_title"]),
            title=str(item["title"]),
            version=str(item.get("version", "")),
            in_force_from=in_force_from if isinstance(in_force_from, dt.date) else None,
            status=str(status),
            replaced_by=text_or_none(item.get("replaced_by")),
            aliases=string_list(item.get("aliases"), "aliases", where, line, problems),
        )
        laws[law.short_title] = law
    return laws


def _parse_topics(raw: Any, where: str, problems: list[Problem]) -> tuple[Topic, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) and text_or_none(t.get("id")) for t in raw):
        problems.append(Problem(where, 0, "topics.yaml must be a list of {id, name}"))
        return ()
    return tuple(Topic(id=str(t["id"]), name=str(t.get("name") or t["id"])) for t in raw)


class _Lexicon(NamedTuple):
    """What synonyms.yaml holds, named, since the knowledge base takes each part separately."""

    synonyms: dict[str, str]
    fillers: tuple[str, ...]
    stopwords: frozenset[str]
    angles: dict[str, tuple[str, ...]]
    keep: tuple[str, ...]


def _parse_lexicon(raw: Any, where: str, problems: list[Problem]) -> _Lexicon:
    if not isinstance(raw, dict):
        problems.append(Problem(where, 0, "synonyms.yaml must have `synonyms:`, `fillers:` and `stopwords:` sections"))
        return _Lexicon({}, (), frozenset(), {}, ())
    synonyms_raw = raw.get("synonyms") or {}
    synonyms: dict[str, str] = {}
    if not isinstance(synonyms_raw, dict):
        problems.append(Problem(where, line_of(raw, "synonyms"), "`synonyms` must map a word to its term"))
    else:
        for word, term in synonyms_raw.items():
            if not text_or_none(str(word)) or not isinstance(term, str):
                problems.append(
                    Problem(where, line_of(synonyms_raw, str(word)), f"synonym {word!r} must map to a text")
                )
            else:
                synonyms[str(word)] = term
    fillers = string_list(raw.get("fillers"), "fillers", where, line_of(raw, "fillers"), problems)
    stopwords = string_list(raw.get("stopwords"), "stopwords", where, line_of(raw, "stopwords"), problems)
    angles_raw = raw.get("angles") or {}
    angles: dict[str, tuple[str, ...]] = {}
    if not isinstance(angles_raw, dict):
        problems.append(Problem(where, line_of(raw, "angles"), "`angles` must map an angle's name to its words"))
    else:
        for name, words in angles_raw.items():
            angles[str(name)] = string_list(words, f"angles: {name}", where, line_of(angles_raw, str(name)), problems)
    keep_line = line_of(raw, "keep")
    keep = string_list(raw.get("keep"), "keep", where, keep_line, problems)
    for word in keep:
        if word in synonyms:
            problems.append(Problem(where, keep_line, f"{word!r} is both a synonym and a word to keep"))
        elif not any(_overlaps(word, key) for key in synonyms):
            problems.append(Problem(where, keep_line, f"keep: {word!r} touches no synonym, so it does nothing"))
    return _Lexicon(synonyms, fillers, frozenset(stopwords), angles, keep)


def _overlaps(word: str, key: str) -> bool:
    """Whether keeping `word` can stop `key` from matching: it holds the key, or ends where the key
    begins (以后 stops 后妈 in 以后妈)."""
    return key in word or any(word.endswith(key[:i]) for i in range(1, len(key)))


def _parse_chitchat(raw: Any, where: str, problems: list[Problem]) -> dict[str, tuple[tuple[str, ...], str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(where, 0, "chitchat.yaml must map an intent to {phrases, reply}"))
        return {}
    intents: dict[str, tuple[tuple[str, ...], str]] = {}
    for name, body in raw.items():
        line = line_of(raw, str(name))
        if not isinstance(body, dict) or not text_or_none(body.get("reply")):
            problems.append(Problem(where, line, f"chit-chat intent {name!r} needs `phrases` and `reply`"))
            continue
        phrases = string_list(body.get("phrases"), "phrases", where, line, problems)
        intents[str(name)] = (phrases, str(body["reply"]).strip())
    return intents


def _parse_referrals(raw: Any, where: str, problems: list[Problem]) -> list[Faq]:
    """referrals.yaml: a list of {id, subject, phrasings, reply}, each kept as a Faq with `referral` set
    (and no citations) so that the matcher ranks it like any entry."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(
            Problem(where, line_of(raw), "referrals.yaml must be a list of subjects (each starting `- id:`)")
        )
        return []
    referrals: list[Faq] = []
    for item in raw:
        if not isinstance(item, dict):
            problems.append(
                Problem(where, line_of(item), "each subject must be a mapping (lines starting with `- id:`)")
            )
            continue
        line = line_of(item)
        before = len(problems)
        texts = ("subject", "reply")
        _check_fields(item, "subject", REFERRAL_FIELDS, set(REFERRAL_FIELDS), texts, "refer.medicine", where, problems)
        referral_id = item.get("id")
        phrasings = string_list(item.get("phrasings"), "phrasings", where, line_of(item, "phrasings"), problems)
        if len(problems) > before:
            continue
        referrals.append(
            Faq(
                id=str(referral_id),
                question=str(item["subject"]).strip(),
                alternates=phrasings,
                answer=str(item["reply"]).strip(),
                citations=(),
                topic=REFERRAL_TOPIC,
                source=SourceRef(where, line),
                referral=True,
            )
        )
    return referrals


def _check_unique_ids(entries: list[Faq], problems: list[Problem]) -> None:
    """Ids are unique across the entries and the referral subjects alike: ids travel in button data and in
    analytics events."""
    seen: dict[str, Faq] = {}
    for entry in entries:
        first = seen.setdefault(entry.id, entry)
        if first is not entry:
            where, line = (entry.source.path, entry.source.line) if entry.source else ("?", 0)
            problems.append(Problem(where, line, f"duplicate id {entry.id!r} (first defined at {first.source})"))


def _cross_check(faqs: list[Faq], laws: dict[str, Law], topics: tuple[Topic, ...], problems: list[Problem]) -> None:
    """Checks that need the whole base: resolvable links, known topics and current laws."""
    ids = {faq.id for faq in faqs}
    topic_ids = {t.id for t in topics}
    for faq in faqs:
        where = faq.source.path if faq.source else "?"
        line = faq.source.line if faq.source else 0
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
            if target not in ids:
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
    lexicon_path = display(root / "synonyms.yaml")
    lexicon = _parse_lexicon(read("synonyms.yaml"), lexicon_path, problems)
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
                Problem(where, line_of(raw), "an FAQ file must be a list of entries (each starting `- id:`)")
            )
            continue
        for item in raw:
            faq = parse_faq(item, where, problems)
            if faq:
                faqs.append(faq)
    referrals = _parse_referrals(read("referrals.yaml", required=False), display(root / "referrals.yaml"), problems)
    _check_unique_ids([*faqs, *referrals], problems)
    _cross_check(faqs, laws, topics, problems)
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(
        faqs=tuple(faqs),
        synonyms=lexicon.synonyms,
        laws=laws,
        topics=topics,
        fillers=lexicon.fillers,
        stopwords=lexicon.stopwords,
        angles=lexicon.angles,
        keep=lexicon.keep,
        chitchat=chitchat,
        referrals=tuple(referrals),
        root=str(root),
    )
