"""Wiring only: settings -> knowledge base + matcher -> analytics store -> python-telegram-bot Application.

`python bot.py` (or `pufa serve`) serves with long polling, or with PTB's webhook server when
PUFA_WEBHOOK_URL is set. SIGINT/SIGTERM stop it; pending analytics are flushed on the way out.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from telegram import Update

from analytics.store import AnalyticsStore, load_or_create_secret
from handlers.app import TelegramConnection, build_application
from handlers.rate_limit import SlidingWindowLimiter
from handlers.services import AnalyticsRecorder, BotServices, Engine, EngineSlot
from handlers.update_journal import UpdateJournal
from knowledge import BUNDLED_KNOWLEDGE_DIR
from knowledge.loader import load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.messages import load_messages
from knowledge.replies import load_replies
from knowledge.statutes import StatuteStore
from knowledge.tips import load_tips, load_villages
from pufa.cli import main as cli_main
from pufa.settings import Settings

log = logging.getLogger("pufa.bot")


def content_path(settings: Settings, name: str) -> Path:
    """A bot content file from the configured knowledge folder, else the bundled one."""
    configured = settings.knowledge_dir / name
    return configured if configured.exists() else BUNDLED_KNOWLEDGE_DIR / name


def open_statutes(settings: Settings) -> StatuteStore | None:
    """Imported statute texts, or None when none were imported (the 法条原文 button is then hidden)."""
    if not settings.database_path.exists():
        return None
    store = StatuteStore(settings.database_path)
    return store if store.loaded else None


def build_services(settings: Settings) -> BotServices:
    """Load everything the handlers need; a broken knowledge file raises KnowledgeBaseError."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    statutes = open_statutes(settings)

    def load_engine() -> Engine:
        kb = load_knowledge_base(settings.knowledge_dir)
        return Engine(kb, Matcher(kb, statutes))

    villages = load_villages(content_path(settings, "villages.yaml"))
    if settings.villages:
        villages = tuple(v for v in villages if v.code in settings.villages)
    secret = load_or_create_secret(settings.data_dir, settings.secret)
    return BotServices(
        engine=EngineSlot(load_engine()),
        load_engine=load_engine,
        analytics=AnalyticsRecorder(lambda: AnalyticsStore(settings.database_path, secret,
                                                              retention_days=settings.retention_days)),
        messages=load_messages(content_path(settings, "messages.yaml")),
        replies=load_replies(content_path(settings, "replies.yaml").parent),
        tips=load_tips(content_path(settings, "tips.yaml")),
        villages=villages,
        statutes=statutes,
        admin_ids=settings.admin_ids,
        office_contact=settings.office_contact,
        rate_limiter=SlidingWindowLimiter(settings.rate_limit_per_minute),
    )


def serve(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM; raises ConfigError for a missing or malformed token."""
    token = settings.require_token()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build_application(TelegramConnection.for_base_url(token, settings.telegram_base_url),
                            build_services(settings), UpdateJournal(settings.data_dir / "updates.sqlite"))
    if settings.webhook_url:
        app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                        webhook_url=settings.webhook_url, allowed_updates=Update.ALL_TYPES)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def main() -> int:
    """`python bot.py` is `pufa serve`: one path, with the CLI's one-line errors and exit code 2."""
    return cli_main(["serve"])


if __name__ == "__main__":
    sys.exit(main())
