"""`pufa serve` and `pufa qr`: the bot's subcommands for the `pufa` command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from handlers.poster_qr import write_poster
from knowledge.messages import load_messages
from knowledge.tips import load_villages
from pufa.settings import ConfigError, Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `serve` and `qr` to the pufa command."""
    serve = subparsers.add_parser("serve", help="run the Telegram bot (long polling, or webhook if configured)")
    serve.set_defaults(func=serve_command)
    qr = subparsers.add_parser("qr", help="write printable poster QR codes that open the bot for a village")
    which = qr.add_mutually_exclusive_group(required=True)
    which.add_argument("--village", metavar="CODE", help="one village code from villages.yaml")
    which.add_argument("--all", action="store_true", help="every village in villages.yaml")
    qr.add_argument("--out", type=Path, default=None, help="output folder (default: <data dir>/posters)")
    qr.set_defaults(func=qr_command)


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot until stopped."""
    from bot import serve  # the wiring lives in bot.py so that `python bot.py` and `pufa serve` are one path

    return serve(settings)


def qr_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write one PNG per village and print where."""
    from bot import content_path

    if not settings.bot_username:
        raise ConfigError("PUFA_BOT_USERNAME is not set: the QR code must name the bot (e.g. pufa_town_bot)")
    villages = load_villages(content_path(settings, "villages.yaml"))
    chosen = villages if args.all else tuple(v for v in villages if v.code == args.village)
    if not chosen:
        known = ", ".join(v.code for v in villages)
        raise ConfigError(f"unknown village code {args.village!r}; known codes: {known}")
    caption = load_messages(content_path(settings, "messages.yaml")).text("poster_caption")
    out_dir = args.out or settings.data_dir / "posters"
    for village in chosen:
        print(write_poster(settings.bot_username, village, caption, out_dir))
    return 0
