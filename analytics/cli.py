"""`pufa report | activity add | activity import | demo-data`: the analytics commands.

Only argument parsing and printing live here; the work is done by analytics.reports, .activities and
.demo, which tests and the bot call directly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from analytics.activities import KNOWN_KINDS, ActivityError, import_activities, parse_activity, record_activity
from analytics.charts import CjkFontError
from analytics.demo import DemoFaq, seed_demo_data
from analytics.export import FORMATS
from analytics.reports import ReportLabels, ReportPeriod, build_report, write_report_files
from analytics.store import AnalyticsStore, load_or_create_secret
from knowledge.loader import KnowledgeBaseError, load_knowledge_base
from pufa.settings import Settings

# Width of the progress bar drawn on stderr while a report is counted.
PROGRESS_WIDTH = 24
# The demo year of the committed sample report.
DEMO_YEAR = 2026


def open_store(settings: Settings) -> AnalyticsStore:
    """The analytics store of the configured data dir, created on first use."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = load_or_create_secret(settings.data_dir, settings.secret)
    return AnalyticsStore(settings.database_path, secret, retention_days=settings.retention_days)


def report_labels(settings: Settings) -> ReportLabels:
    """Topic names and FAQ questions from the knowledge base; ids only (with a warning) if it is broken.

    The figures come from the store alone, so a half-edited FAQ file must not stop the annual report.
    """
    try:
        kb = load_knowledge_base(settings.knowledge_dir)
    except KnowledgeBaseError as exc:
        print(f"pufa: warning: knowledge base not loaded ({len(exc.problems)} problem(s));"
              " the report shows topic and FAQ ids instead of names", file=sys.stderr)
        return ReportLabels()
    return ReportLabels({t.id: t.name for t in kb.topics}, {f.id: f.question for f in kb.faqs})


def draw_progress(done: int, total: int, what: str) -> None:
    """A one-line progress bar on stderr (only on a terminal; logs and pipes stay clean)."""
    if not sys.stderr.isatty():
        return
    filled = PROGRESS_WIDTH * done // total
    end = "\n" if done == total else ""
    print(f"\r[{'#' * filled}{' ' * (PROGRESS_WIDTH - filled)}] {done}/{total} {what}  ", end=end,
          file=sys.stderr, flush=True)


def report_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write the outreach report for a period in one format, and the charts if asked."""
    period = ReportPeriod(args.start, args.end, args.village)
    if period.end < period.start:
        print("pufa: --to is before --from", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        report = build_report(store, period, report_labels(settings), progress=draw_progress)
    finally:
        store.close()
    output = Path(args.output) if args.output else None
    try:
        written = write_report_files(report, args.format, output, Path(args.charts) if args.charts else None)
    except CjkFontError as exc:
        print(f"pufa: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def activity_add_command(args: argparse.Namespace, settings: Settings) -> int:
    """Record one offline activity."""
    try:
        activity = parse_activity(vars(args))
    except ActivityError as exc:
        print(f"pufa: {exc}", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        record_activity(store, activity)
    finally:
        store.close()
    print(f"recorded {activity.date} {activity.kind} {activity.village or ''} {activity.people}人次")
    return 0


def activity_import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Import a CSV/XLSX of activities; bad rows are listed by line, good rows kept. Exit 1 if any were bad."""
    path = Path(args.file)
    if not path.is_file():
        print(f"pufa: {path} not found", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        result = import_activities(store, path)
    finally:
        store.close()
    for problem in result.problems:
        print(f"{path}:{problem}", file=sys.stderr)
    print(f"imported {result.imported} activities, {len(result.problems)} row(s) skipped")
    return 1 if result.problems else 0


def demo_data_command(args: argparse.Namespace, settings: Settings) -> int:
    """Seed a demo database (never the configured one unless --db names it) and optionally write a report."""
    kb = load_knowledge_base(settings.knowledge_dir)
    faqs = [DemoFaq(f.id, f.question, f.topic, f.laws, tuple(c.label for c in f.citations)) for f in kb.faqs]
    db_path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="pufa-demo-")) / "demo.sqlite"
    if db_path.exists():
        print(f"pufa: {db_path} exists; demo data goes into a new file", file=sys.stderr)
        return 2
    # A fixed secret: demo users are made up, and the sample report must be reproducible.
    store = AnalyticsStore(db_path, b"pufa-demo")
    try:
        count = seed_demo_data(store, faqs, args.year, seed=args.seed)
        print(f"{db_path}: {count} demo questions")
        if args.report_dir:
            out = Path(args.report_dir)
            labels = ReportLabels({t.id: t.name for t in kb.topics}, {f.id: f.question for f in kb.faqs})
            report = build_report(store, ReportPeriod(date(args.year, 1, 1), date(args.year, 12, 31)), labels)
            for path in write_report_files(report, "md", out / "report.md", out):
                print(path)
    except CjkFontError as exc:
        print(f"pufa: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


def register(subparsers: Any) -> None:
    """Add the analytics subcommands to the `pufa` parser."""
    report = subparsers.add_parser("report", help="outreach report for a period (md, csv, xlsx, docx)")
    report.add_argument("--from", dest="start", type=date.fromisoformat, required=True, help="2026-01-01")
    report.add_argument("--to", dest="end", type=date.fromisoformat, required=True, help="2026-12-31")
    report.add_argument("--village", help="one village only")
    report.add_argument("--format", choices=FORMATS, default="md")
    report.add_argument("--charts", metavar="DIR", help="also write PNG charts into DIR")
    report.add_argument("--output", metavar="FILE", help="report file (default: 普法统计_<from>_<to>.<format>)")
    report.set_defaults(func=report_command)

    activity = subparsers.add_parser("activity", help="record offline outreach (院坝会, 专题普法宣传 …)")
    activity_sub = activity.add_subparsers(dest="activity_command", required=True)
    add = activity_sub.add_parser("add", help="record one activity")
    add.add_argument("--date", required=True, help="2026-03-15")
    add.add_argument("--kind", required=True, help=f"e.g. {', '.join(KNOWN_KINDS)}")
    add.add_argument("--village")
    add.add_argument("--people", default="0", help="people reached (人次)")
    add.add_argument("--materials", default="0", help="materials handed out (份)")
    add.add_argument("--staff", default="0", help="staff deployed (人次)")
    add.add_argument("--note")
    add.set_defaults(func=activity_add_command)
    imp = activity_sub.add_parser("import", help="import a CSV or XLSX of activities")
    imp.add_argument("file")
    imp.set_defaults(func=activity_import_command)

    demo = subparsers.add_parser("demo-data", help="seed a made-up year of outreach (a new file)")
    demo.add_argument("--db", help="SQLite file to create (default: a new temporary file)")
    demo.add_argument("--year", type=int, default=DEMO_YEAR)
    demo.add_argument("--seed", type=int, default=DEMO_YEAR)
    demo.add_argument("--report-dir", help="also write report.md and the PNG charts here")
    demo.set_defaults(func=demo_data_command)
