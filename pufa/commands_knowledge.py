"""`pufa chat | ask | eval | kb check | kb stats | statutes import | law`: the knowledge-side commands.

Each function parses nothing itself and decides nothing itself: it builds the library objects from
`Settings`, calls them and prints. The JSON contract of `pufa ask --json` lives in `MatchResult.to_json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from analytics.from_match import question_event
from analytics.store import AnalyticsStore, load_or_create_secret
from knowledge.audit import base_problems, check_citations, kb_stats
from knowledge.evaluation import evaluate, format_report, read_labelled
from knowledge.loader import load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.model import MatchResult
from knowledge.replies import load_replies
from knowledge.statutes import StatuteStore
from pufa.settings import Settings
from pufa.terminal import format_result, run_chat

DEFAULT_LAWS_DIR = Path("../shared/laws")


def build_matcher(settings: Settings) -> Matcher:
    """The knowledge base named by the settings, with statute texts when they have been imported."""
    kb = load_knowledge_base(settings.knowledge_dir)
    statutes = StatuteStore(settings.database_path) if settings.database_path.exists() else None
    return Matcher(kb, statutes if statutes and statutes.loaded else None)


def chat_command(args: argparse.Namespace, settings: Settings) -> int:
    """An interactive conversation in the terminal, each question logged to the analytics store."""
    matcher = build_matcher(settings)
    replies = load_replies(settings.knowledge_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = AnalyticsStore(settings.database_path, load_or_create_secret(settings.data_dir, settings.secret))
    user = f"cli:{getpass.getuser()}"
    store.record_user_seen(user, channel="cli")

    def record(question: str, result: MatchResult, latency_ms: float) -> None:
        store.record_question(question_event(user, "cli", question, result, latency_ms))

    try:
        return run_chat(matcher, replies, settings, sys.stdin, sys.stdout, on_result=record)
    finally:
        store.close()


def ask_command(args: argparse.Namespace, settings: Settings) -> int:
    """One answer, readable or as JSON; `-` reads one question per line from stdin."""
    matcher = build_matcher(settings)
    questions = (line.rstrip("\r\n") for line in sys.stdin) if args.question == "-" else iter([args.question])
    replies = None if args.json else load_replies(settings.knowledge_dir)
    for question in questions:
        result = matcher.match(question)
        if replies is None:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(format_result(result, matcher.kb, replies, settings.office_contact), end="\n\n", flush=True)
    return 0


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """Score a labelled .jsonl file and print per-kind figures (and failures with --verbose).

    Files like real_questions.jsonl also cite laws pufa does not carry (judicial interpretations …);
    an answer can only be credited on rows citing at least one law pufa knows, so those rows are
    scored again on their own."""
    matcher = build_matcher(settings)
    items = read_labelled(Path(args.file))
    tallies = evaluate(items, matcher.match)
    if args.verbose:
        for line in tallies["total"].failures:
            print(line)
    print(format_report(tallies))
    known = set(matcher.kb.laws)
    creditable = [i for i in items if not i.expect or any(label.split(":")[0] in known for label in i.expect)]
    if len(creditable) < len(items):
        print(f"\nrows whose expected articles include a law pufa carries ({len(creditable)} of {len(items)}):")
        print(format_report(evaluate(creditable, matcher.match)))
    return 0


def kb_check_command(args: argparse.Namespace, settings: Settings) -> int:
    """Validate everything; exit 1 on errors (loading problems exit 2 via the CLI). Warnings are listed
    for the office to improve alternates over time but do not fail the check."""
    kb = load_knowledge_base(settings.knowledge_dir)
    load_replies(settings.knowledge_dir)
    matcher = Matcher(kb)
    errors, warnings = base_problems(kb, matcher)
    laws_dir = Path(args.laws) if args.laws else DEFAULT_LAWS_DIR
    if laws_dir.is_dir():
        errors += check_citations(kb, laws_dir)
    else:
        print(f"note: statute folder {laws_dir} not found; citations not checked against the texts")
    if args.warnings:
        for problem in sorted(warnings, key=lambda p: (p.path, p.line)):
            print(f"warning: {problem}")
    for problem in sorted(errors, key=lambda p: (p.path, p.line)):
        print(problem)
    print(
        f"{len(kb.faqs)} entries checked, {len(errors)} problem(s), {len(warnings)} warning(s)"
        + ("" if args.warnings else " (--warnings lists them)")
    )
    return 1 if errors else 0


def kb_stats_command(args: argparse.Namespace, settings: Settings) -> int:
    """Entries per topic and law, thin topics, entries due for review."""
    kb = load_knowledge_base(settings.knowledge_dir)
    stats = kb_stats(kb, dt.date.today())
    print(
        f"entries: {stats.entries}  alternates: {stats.alternates}  synonyms: {stats.synonyms}  urgent: {stats.urgent}"
        f"  referral subjects: {stats.referrals}"
    )
    print("per topic:")
    for topic, count in stats.per_topic.items():
        print(f"  {kb.topic_name(topic)} ({topic}): {count}")
    print("per law:")
    for law, count in stats.per_law.items():
        print(f"  {law}: {count}")
    print("thin topics: " + (", ".join(stats.thin_topics) or "none"))
    print(f"not reviewed for over a year: {len(stats.due_for_review)}")
    for faq_id in stats.due_for_review:
        print(f"  {faq_id}")
    return 0


def statutes_import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Load statute texts into the SQLite store so that articles can be shown and searched."""
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"pufa: {folder} is not a folder", file=sys.stderr)
        return 2
    counts = StatuteStore(settings.database_path).import_folder(folder)
    for law, count in counts.items():
        print(f"{law}: {count} articles")
    print(f"{len(counts)} laws imported into {settings.database_path}")
    return 0 if counts else 1


def law_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print one article (`pufa law 民法典 1079`) or search (`pufa law --search 高空抛物`)."""
    store = StatuteStore(settings.database_path)
    if not store.loaded:
        print("no statutes imported yet: run `pufa statutes import ../shared/laws` first", file=sys.stderr)
        return 1
    if args.search:
        found = store.search(args.search)
        for article in found:
            print(f"《{article.law}》第{article.number}条\n{article.text}\n")
        print(f"{len(found)} article(s) found")
        return 0 if found else 1
    if not args.law or not args.article:
        print("usage: pufa law 民法典 1079  |  pufa law --search 高空抛物", file=sys.stderr)
        return 2
    number: Any = int(args.article) if args.article.isdigit() else args.article
    text = store.article_text(args.law, number)
    if text is None:
        print(f"《{args.law}》第{args.article}条 not found", file=sys.stderr)
        return 1
    print(text)
    return 0


def register(subparsers: Any) -> None:
    """Add the knowledge-side subcommands to the `pufa` parser."""
    chat = subparsers.add_parser("chat", help="talk to the bot in the terminal")
    chat.set_defaults(func=chat_command)

    ask = subparsers.add_parser("ask", help="answer one question (or '-' for one per line on stdin)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.set_defaults(func=ask_command)

    ev = subparsers.add_parser("eval", help="score a labelled .jsonl file")
    ev.add_argument("file")
    ev.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    ev.set_defaults(func=eval_command)

    kb = subparsers.add_parser("kb", help="check or count the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate all files; non-zero exit on problems")
    check.add_argument("--laws", help=f"statute folder for citation checks (default {DEFAULT_LAWS_DIR})")
    check.add_argument("--warnings", action="store_true", help="also list alternates that rank another entry first")
    check.set_defaults(func=kb_check_command)
    kb_sub.add_parser("stats", help="entries per topic and law").set_defaults(func=kb_stats_command)

    statutes = subparsers.add_parser("statutes", help="manage statute texts")
    statutes_sub = statutes.add_subparsers(dest="statutes_command", required=True)
    imp = statutes_sub.add_parser("import", help="import 第…条 files (.md/.txt/.docx) from a folder")
    imp.add_argument("folder")
    imp.set_defaults(func=statutes_import_command)

    law = subparsers.add_parser("law", help="show an article or search articles")
    law.add_argument("law", nargs="?")
    law.add_argument("article", nargs="?")
    law.add_argument("--search", help="words the article must contain")
    law.set_defaults(func=law_command)
