"""Retrying a reply through Telegram's passing faults, without ever sending it twice.

A 429 says how long to wait; a 5xx or a refused connection means the message did not go out, so it is
sent again after a short pause. A timeout is *not* retried: the message may already have been delivered,
and a villager must not get the same answer twice. Bad requests fail the same way every time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
T = TypeVar("T")

# Tries per reply: covers a 429 plus a server hiccup or two; after that the error is logged by PTB.
REPLY_ATTEMPTS = 3
# Pause before resending after a 5xx or refused connection: long enough for a restarting proxy, short
# enough that the villager hardly notices.
NETWORK_RETRY_SECONDS = 0.5


def retry_after_seconds(exc: RetryAfter) -> float:
    """The pause Telegram asked for, in seconds (PTB returns int or timedelta depending on a flag)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def send_with_retries(send: Callable[[], Awaitable[T]], attempts: int = REPLY_ATTEMPTS) -> T:
    """Call `send()` until it succeeds, retrying 429s and server/connection errors; the last try raises."""
    for _ in range(attempts - 1):
        try:
            return await send()
        except RetryAfter as exc:
            await asyncio.sleep(retry_after_seconds(exc))
        except (BadRequest, TimedOut):
            raise
        except NetworkError as exc:
            log.warning("reply not delivered (%s); retrying", exc)
            await asyncio.sleep(NETWORK_RETRY_SECONDS)
    return await send()
