"""Running the real bot against the fake Bot API: one async context manager for every bot test.

The Application comes from the production factory and `bot.build_services` (real knowledge folder,
real SQLite analytics file); only the network end is fake. Polling runs with no pause between
requests so a test waits only as long as the bot actually takes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fake_bot_api import TOKEN, FakeBotApi
from telegram.ext import Application

from bot import build_services
from handlers.app import TelegramConnection, build_application
from handlers.services import BotServices
from pufa.settings import Settings

ADMIN_ID = 424242
VILLAGER_ID = 1001
SECRET = "test-secret"
# An urgent entry for the tests, written beside the shared small knowledge base.
URGENT_FAQ = """\
- id: family.dv-happening
  question: 正在被家暴怎么办？
  alternates:
    - 老公喝了酒在屋头打我，现在咋个办
    - 男人正在打我，我好怕
    - 家暴 正在发生 报警
    - 遭家爆了咋办
  answer: |
    马上拨打 110 报警，先躲到安全的地方。
    报警后去医院验伤，留好病历和照片；可以向法院申请人身安全保护令，也可以找妇联和村委会帮忙。
  citations:
    - law: 反家庭暴力法
      article: 13
  topic: marriage_family
  keywords: [家庭暴力, 报警]
  urgent: true
  updated: 2026-11-26
  reviewed: 2026-11-26
"""


@dataclass
class RunningBot:
    """What a test talks to and inspects."""

    api: FakeBotApi
    app: Application  # type: ignore[type-arg]
    services: BotServices
    settings: Settings


def bot_settings(tmp_path: Path, knowledge_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test bot: its own data dir, one admin, the fake server's token."""
    base = Settings(knowledge_dir=knowledge_dir, data_dir=tmp_path / "data", telegram_token=TOKEN,
                    admin_ids=frozenset({ADMIN_ID}), secret=SECRET)
    return dataclasses.replace(base, **overrides)


def add_urgent_entry(knowledge_dir: Path) -> None:
    """Put the urgent family-violence entry into the test knowledge folder."""
    (knowledge_dir / "faqs" / "urgent.yaml").write_text(URGENT_FAQ, encoding="utf-8")


@asynccontextmanager
async def running_bot(settings: Settings, api: FakeBotApi | None = None) -> AsyncIterator[RunningBot]:
    """Start the fake server and the bot (long polling); stop both and close analytics afterwards."""
    api = api or FakeBotApi()
    await api.start()
    services = build_services(settings)
    app = build_application(TelegramConnection(TOKEN, api.base_url, api.base_file_url), services)
    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                yield RunningBot(api, app, services, settings)
            finally:
                await api.release_polls()
                await app.updater.stop()
                await app.stop()
    finally:
        services.analytics.close()
        await api.stop()
