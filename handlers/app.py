"""The Application factory: every handler registered in one readable block.

`build_application` takes ready-made services (engine, analytics, texts) and Telegram connection
settings; tests call it with the fake Bot API's URL, `bot.py` with the real one.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import admin, broadcast, buttons, law, questions, report, start, topics
from handlers.aiohttp_request import AiohttpRequest
from handlers.services import SERVICES_KEY, BotServices
from handlers.update_journal import JournaledApplication, JournaledQueue, UpdateJournal, replay_pending

# Updates handled at once: answering is mostly waiting on Telegram's HTTP round trip, so a few dozen in
# flight keep one slow send from holding up everyone; more only lengthens the queue inside the bot.
CONCURRENT_UPDATES = 16
# HTTP connections to the Bot API: one per update in flight, so a reply never waits for a free connection.
CONNECTION_POOL_SIZE = CONCURRENT_UPDATES
MEDIA = (filters.VOICE | filters.AUDIO | filters.PHOTO | filters.Sticker.ALL | filters.VIDEO
         | filters.VIDEO_NOTE | filters.Document.ALL | filters.LOCATION | filters.CONTACT)
PRIVATE = filters.ChatType.PRIVATE


@dataclass(frozen=True)
class TelegramConnection:
    """Where and how to reach the Bot API."""

    token: str
    base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot for a self-hosted (or fake) Bot API
    base_file_url: str | None = None

    @classmethod
    def for_base_url(cls, token: str, base_url: str | None) -> TelegramConnection:
        """A connection whose file URL follows the Bot API layout: <root>/bot -> <root>/file/bot."""
        if not base_url:
            return cls(token)
        root = base_url.removesuffix("/bot")
        return cls(token, base_url, f"{root}/file/bot")


def build_application(
    connection: TelegramConnection, svc: BotServices, journal: UpdateJournal | None = None
) -> Application:  # type: ignore[type-arg]
    """A ready-to-run Application with all handlers and the services in `bot_data`. With a `journal`,
    updates fetched but not finished by a crashed run are handled first on the next start."""
    builder = (ApplicationBuilder().token(connection.token).concurrent_updates(CONCURRENT_UPDATES)
               .request(AiohttpRequest(CONNECTION_POOL_SIZE)).get_updates_request(AiohttpRequest()))
    if journal is not None:
        builder = (builder.update_queue(JournaledQueue(journal)).application_class(JournaledApplication)
                   .post_init(replay_pending))
    if connection.base_url:
        builder = builder.base_url(connection.base_url)
    if connection.base_file_url:
        builder = builder.base_file_url(connection.base_file_url)
    app = builder.post_shutdown(_close_analytics).build()
    app.bot_data[SERVICES_KEY] = svc

    menu = {key: svc.messages.text(key) for key in questions.MENU_KEYS}
    app.add_handlers([
        CommandHandler("start", start.start),
        CommandHandler("help", start.help_command),
        CommandHandler("topics", topics.show_topics),
        CommandHandler("law", law.show_law),
        CommandHandler("subscribe", start.subscribe),
        CommandHandler("unsubscribe", start.unsubscribe),
        CommandHandler("reload", admin.reload_knowledge),
        CommandHandler("stats", admin.show_stats),
        CommandHandler("gaps", admin.show_gaps),
        CommandHandler("report", report.send_report),
        CommandHandler("broadcast", broadcast.broadcast),
        MessageHandler(filters.COMMAND, admin.refuse),
        MessageHandler(PRIVATE & filters.Text([menu["menu.faq"]]), topics.show_topics),
        MessageHandler(PRIVATE & filters.Text([menu["menu.by_law"]]), topics.show_laws),
        MessageHandler(PRIVATE & filters.Text([menu["menu.office"]]), questions.show_office),
        MessageHandler(PRIVATE & filters.Text([menu["menu.help"]]), start.help_command),
        MessageHandler(filters.TEXT, questions.ask),
        MessageHandler(MEDIA, questions.media_received),
        CallbackQueryHandler(buttons.button),
    ])
    return app


async def _close_analytics(app: Application) -> None:  # type: ignore[type-arg]
    """Flush pending analytics when the application shuts down (SIGTERM, SIGINT or a test's stop)."""
    svc: BotServices = app.bot_data[SERVICES_KEY]
    svc.analytics.close()
    if isinstance(app.update_queue, JournaledQueue):
        app.update_queue.journal.close()

