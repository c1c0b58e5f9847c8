"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

Every reply is one HTTP request, so its cost bounds the bot's throughput. Profiled in the bot benchmark
(benchmarks/bench_bot.py), httpx/httpcore spent 1.2–1.8 ms of CPU per request against a local server:
it checks every pooled connection on each request, and with anyio >= 4.11 (which no longer brings
sniffio) httpcore retries a failed `import sniffio` on every lock it creates. aiohttp sent the same
requests for 0.2–0.3 ms each. `BaseRequest` is PTB's documented extension point for this; errors are
mapped to PTB's own (`TimedOut`, `NetworkError`) so retries and the updater behave exactly as before.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from handlers.update_journal import settle_current_update

# PTB's HTTPXRequest defaults, kept so that timeouts mean what they meant before the switch.
DEFAULT_READ_TIMEOUT_S = 5.0
DEFAULT_WRITE_TIMEOUT_S = 5.0
DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_POOL_TIMEOUT_S = 1.0
# Uploads (the /report documents) get longer to go out, as PTB's media_write_timeout does.
DEFAULT_MEDIA_WRITE_TIMEOUT_S = 20.0


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with at most `connection_pool_size` connections."""

    def __init__(self, connection_pool_size: int = 1, *, read_timeout: float | None = DEFAULT_READ_TIMEOUT_S,
                 write_timeout: float | None = DEFAULT_WRITE_TIMEOUT_S,
                 connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT_S,
                 pool_timeout: float | None = DEFAULT_POOL_TIMEOUT_S,
                 media_write_timeout: float | None = DEFAULT_MEDIA_WRITE_TIMEOUT_S) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout; PTB adds the long-poll time to it for getUpdates."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (it needs the running event loop, so not in __init__)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections; safe to call twice."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; a timeout becomes `TimedOut`, any other transport failure `NetworkError`."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        write = write_timeout if not isinstance(write_timeout, DefaultValue) else (
            self._media_write_timeout if files else self._write_timeout)
        # aiohttp has no separate write timer: the request as a whole (write + read) is bounded instead.
        timeout = aiohttp.ClientTimeout(total=_sum(write, read), connect=_sum(pool, connect),
                                        sock_connect=connect, sock_read=read)
        data = _form(request_data) if request_data else None
        if not url.endswith("/getUpdates"):
            settle_current_update()
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts derive from it (asyncio.TimeoutError on 3.11+)
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


def _sum(first: float | None, second: float | None) -> float | None:
    """Two timeouts added up; None (no limit) if either is unlimited."""
    return None if first is None or second is None else first + second


def _form(request_data: RequestData) -> aiohttp.FormData | dict[str, str]:
    """Parameters url-encoded, or multipart with the files when there are any (as PTB sends them)."""
    files = request_data.multipart_data
    if not files:
        return request_data.json_parameters
    # File names as UTF-8, as httpx and browsers send them: aiohttp's default percent-encoding would show
    # a clerk "%E6%99%AE…" instead of 普法统计 as the document's name.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form

