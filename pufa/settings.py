"""One frozen settings object, read from the environment once at the edge and passed in.

Nothing deeper in the code reads environment variables: `bot.py` and `pufa.cli` build a `Settings`
and hand each part what it needs, so tests can build their own without touching `os.environ`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from knowledge import BUNDLED_KNOWLEDGE_DIR


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


# Telegram bot tokens look like 123456789:AA… (digits, a colon, 30+ url-safe characters).
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the defaults a fresh checkout should run on."""

    knowledge_dir: Path = BUNDLED_KNOWLEDGE_DIR
    data_dir: Path = Path("data")
    telegram_token: str | None = None
    telegram_base_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    secret: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    rate_limit_per_minute: int = 20
    office_contact: str = "镇司法所（工作日 9:00-17:00）"
    villages: tuple[str, ...] = field(default_factory=tuple)
    bot_username: str | None = None  # for poster QR deep links (https://t.me/<bot_username>?start=v-<code>)
    # Question texts older than this many days are deleted from the analytics (counts stay); None keeps them.
    retention_days: int | None = None

    @property
    def database_path(self) -> Path:
        """The one SQLite file holding analytics and imported statute texts."""
        return self.data_dir / "pufa.sqlite"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `PUFA_*` and `TELEGRAM_BOT_TOKEN`; raise ConfigError naming a bad variable."""
        env = os.environ if env is None else env
        admin_ids = frozenset(_parse_int_list(env.get("PUFA_ADMIN_IDS", ""), "PUFA_ADMIN_IDS"))
        villages = tuple(v.strip() for v in env.get("PUFA_VILLAGES", "").split(",") if v.strip())
        kwargs: dict[str, object] = {
            "knowledge_dir": Path(env["PUFA_KNOWLEDGE_DIR"])
            if env.get("PUFA_KNOWLEDGE_DIR")
            else BUNDLED_KNOWLEDGE_DIR,
            "data_dir": Path(env.get("PUFA_DATA_DIR") or "data"),
            "telegram_token": env.get("TELEGRAM_BOT_TOKEN") or None,
            "telegram_base_url": env.get("PUFA_TELEGRAM_BASE_URL") or None,
            "admin_ids": admin_ids,
            "secret": env.get("PUFA_SECRET") or None,
            "webhook_url": env.get("PUFA_WEBHOOK_URL") or None,
            "villages": villages,
            "bot_username": (env.get("PUFA_BOT_USERNAME") or "").lstrip("@") or None,
        }
        if env.get("PUFA_WEBHOOK_LISTEN"):
            kwargs["webhook_listen"] = env["PUFA_WEBHOOK_LISTEN"]
        if env.get("PUFA_WEBHOOK_PORT"):
            kwargs["webhook_port"] = _parse_int(env["PUFA_WEBHOOK_PORT"], "PUFA_WEBHOOK_PORT")
        if env.get("PUFA_RATE_LIMIT"):
            kwargs["rate_limit_per_minute"] = _parse_int(env["PUFA_RATE_LIMIT"], "PUFA_RATE_LIMIT")
        if env.get("PUFA_OFFICE_CONTACT"):
            kwargs["office_contact"] = env["PUFA_OFFICE_CONTACT"]
        if env.get("PUFA_RETENTION_DAYS"):
            kwargs["retention_days"] = _parse_int(env["PUFA_RETENTION_DAYS"], "PUFA_RETENTION_DAYS")
        return cls(**kwargs)  # type: ignore[arg-type]

    def require_token(self) -> str:
        """The bot token, checked for shape; the message never echoes the value."""
        if not self.telegram_token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: export the token from @BotFather to serve the bot")
        if not TOKEN_PATTERN.match(self.telegram_token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and the secret part")
        return self.telegram_token


def _parse_int(value: str, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None


def _parse_int_list(value: str, name: str) -> list[int]:
    return [_parse_int(part, name) for part in value.split(",") if part.strip()]
