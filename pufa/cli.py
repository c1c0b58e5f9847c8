"""The `pufa` command: parses arguments and calls the library; no logic of its own lives here.

Each feature area registers its subcommands with a `register(subparsers)` function; every command is a
function `(args, settings) -> exit code`. Errors that a user can fix (a broken knowledge file, a bad
setting) become a clear message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from analytics import cli as analytics_cli
from handlers import cli as bot_cli
from knowledge.loader import KnowledgeBaseError
from pufa import commands_knowledge
from pufa.settings import ConfigError, Settings


def build_parser() -> argparse.ArgumentParser:
    """All subcommands in one readable block."""
    parser = argparse.ArgumentParser(prog="pufa", description="普法 — 村民法律问答机器人")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands_knowledge.register(subparsers)
    analytics_cli.register(subparsers)
    bot_cli.register(subparsers)
    # Other feature areas register here: analytics (report, activity), handlers (serve, qr).
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings) or 0)
    except ConfigError as exc:
        print(f"pufa: {exc}", file=sys.stderr)
        return 2
    except KnowledgeBaseError as exc:
        print(f"pufa: the knowledge base has {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`pufa ask --json - | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
