"""A small fake Telegram Bot API on 127.0.0.1 for end-to-end tests of the real PTB Application.

It speaks the HTTP side of the Bot API that the bot uses: long-polled `getUpdates` with real offset
semantics (an update stays queued until a later offset confirms it), and records every other call
(`sendMessage`, `editMessageText`, `answerCallbackQuery`, `sendDocument` …) with its parameters.
Faults can be injected per method — an HTTP error with Telegram's JSON body (429 with retry_after,
403 blocked, 500) and/or a delay — optionally only for one chat and only a number of times.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

BOT_ID = 7000000001
BOT_USERNAME = "pufa_test_bot"
TOKEN = "123456789:" + "A" * 35
# Parameters PTB sends as plain strings: never JSON-decode them (a question may be "123").
STRING_PARAMS = {"text", "caption", "parse_mode", "callback_query_id", "url", "secret_token", "description"}
# getUpdates never holds a request longer than this, whatever timeout the client asks for.
MAX_LONG_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, as the fake server understood it."""

    method: str
    params: dict[str, Any]
    status: int
    files: dict[str, bytes]
    at: float

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    def buttons(self) -> list[tuple[str, str]]:
        """(caption, callback_data or url) of every inline button in reply_markup."""
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data") or b.get("url") or "")
                for row in markup.get("inline_keyboard", []) for b in row]

    def keyboard(self) -> list[str]:
        """Captions of a reply keyboard (the menu under the input box)."""
        markup = self.params.get("reply_markup") or {}
        return [b["text"] if isinstance(b, dict) else b for row in markup.get("keyboard", []) for b in row]


@dataclass
class Fault:
    """An injected failure for matching calls; `times` counts down, None means forever."""

    method: str
    status: int = 0  # 0: answer normally (after `delay`)
    description: str = ""
    retry_after: int | None = None
    chat_id: int | None = None
    times: int | None = 1
    delay: float = 0.0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method != method or self.times == 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass
class FakeBotApi:
    """The server; `start()` binds an ephemeral port, `base_url` goes to ApplicationBuilder.base_url."""

    token: str = TOKEN
    calls: list[ApiCall] = field(default_factory=list)
    offsets: list[int | None] = field(default_factory=list)  # the offset of every getUpdates, in order
    faults: list[Fault] = field(default_factory=list)
    # Called with every recorded call; the benchmark uses it to time replies without polling `calls`.
    listeners: list[Callable[[ApiCall], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0
        self.chats: dict[int, dict[str, Any]] = {}
        self._closing = False

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = tornado.web.Application([
            (r"/bot([^/]+)/(\w+)", _MethodHandler, {"api": self}),
            (r"/file/bot([^/]+)/(.+)", _FileHandler, {"api": self}),
        ])
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def release_polls(self) -> None:
        """Answer pending and future getUpdates at once, so the bot's updater can stop without waiting."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
        async with self._changed:
            self._changed.notify_all()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- feeding updates -----------------------------------------------------------------------

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        chat = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "村民群"
        self.chats[chat_id] = chat
        return chat

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue one update of `kind` ("message", "callback_query" …); returns its update_id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        async with self._changed:
            self._changed.notify_all()
        return update_id

    def message(self, user_id: int, text: str | None = None, *, chat_id: int | None = None,
                chat_type: str = "private", reply_to: dict[str, Any] | None = None,
                **extra: Any) -> dict[str, Any]:
        """A user's message, with bot_command / mention entities like Telegram adds them."""
        chat_id = chat_id if chat_id is not None else user_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": {"id": user_id, "is_bot": False, "first_name": "村民"}, **extra,
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    async def send_text(self, user_id: int, text: str, **kwargs: Any) -> int:
        return await self.push("message", self.message(user_id, text, **kwargs))

    async def tap(self, user_id: int, data: str, *, on: ApiCall | None = None) -> int:
        """A callback query from tapping a button with `data` under the bot message `on`."""
        chat_id = on.chat_id if on else user_id
        bot_message = {
            "message_id": on.params.get("_message_id", 1) if on else 1, "date": int(time.time()),
            "chat": self.chats.get(chat_id) or self.chat(chat_id), "from": self.me(),
            "text": on.text if on else "…",
        }
        query = {"id": str(next(self._message_ids)), "from": {"id": user_id, "is_bot": False, "first_name": "村民"},
                 "chat_instance": "ci", "data": data, "message": bot_message}
        return await self.push("callback_query", query)

    # -- faults --------------------------------------------------------------------------------

    def fail(self, method: str, status: int, *, retry_after: int | None = None, chat_id: int | None = None,
             times: int | None = 1, description: str | None = None) -> Fault:
        texts = {429: f"Too Many Requests: retry after {retry_after}", 403: "Forbidden: bot was blocked by the user",
                 500: "Internal Server Error", 400: "Bad Request"}
        fault = Fault(method, status, description or texts.get(status, "error"), retry_after, chat_id, times)
        self.faults.append(fault)
        return fault

    def slow(self, method: str, seconds: float, *, times: int | None = None) -> Fault:
        fault = Fault(method, delay=seconds, times=times)
        self.faults.append(fault)
        return fault

    # -- inspecting ----------------------------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[ApiCall]:
        """Successful calls of `method` (to `chat_id`), in order."""
        return [c for c in self.calls if c.method == method and c.status == 200
                and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(self, predicate: Callable[[FakeBotApi], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate(self)` holds (checked after every call); TimeoutError otherwise."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), timeout)

    async def wait_sent(self, count: int, method: str = "sendMessage", chat_id: int | None = None,
                        timeout: float = 5.0) -> list[ApiCall]:
        """Wait for at least `count` successful `method` calls (to `chat_id`) and return them all."""
        await self.wait_for(lambda api: len(api.sent(method, chat_id)) >= count, timeout)
        return self.sent(method, chat_id)

    def me(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "普法小助手", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    # -- answering -----------------------------------------------------------------------------

    async def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> tuple[int, Any]:
        fault = next((f for f in self.faults if f.matches(method, params)), None)
        if fault is not None:
            if fault.times is not None:
                fault.times -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status:
                body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": fault.description}
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                await self._record(method, params, files, fault.status)
                return fault.status, body
        if method == "getUpdates":
            return 200, {"ok": True, "result": await self._get_updates(params)}
        result = self._result(method, params, files)
        await self._record(method, params, files, 200)
        return 200, {"ok": True, "result": result}

    async def _record(self, method: str, params: dict[str, Any], files: dict[str, bytes], status: int) -> None:
        call = ApiCall(method, params, status, files, time.monotonic())
        for listener in self.listeners:
            listener(call)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        async with self._changed:
            self.offsets.append(offset)
            self._changed.notify_all()
        if offset is not None:
            self._updates = [u for u in self._updates if u["update_id"] >= int(offset)]
        timeout = min(float(params.get("timeout") or 0), MAX_LONG_POLL_SECONDS)
        limit = int(params.get("limit") or 100)
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates) or self._closing), timeout)
        return self._updates[:limit]

    def _result(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return self.me()
        if method in ("sendMessage", "sendDocument", "editMessageText"):
            message_id = int(params.get("message_id") or next(self._message_ids))
            params["_message_id"] = message_id
            chat_id = int(params["chat_id"]) if "chat_id" in params else 0
            message: dict[str, Any] = {
                "message_id": message_id, "date": int(time.time()),
                "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private"}), "from": self.me(),
            }
            if method == "sendDocument":
                name = next(iter(files), "document")
                message["document"] = {"file_id": f"doc{message_id}", "file_unique_id": f"u{message_id}",
                                       "file_name": params.get("_file_name", name)}
            else:
                message["text"] = params.get("text", "")
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            return message
        return True


def _entities(text: str) -> list[dict[str, Any]]:
    """bot_command at the start and @mentions, with offsets in UTF-16 units as Telegram counts them."""
    entities = []
    if text.startswith("/"):
        command = text.split()[0]
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16(command)})
    at = text.find("@")
    while at != -1:
        end = at + 1
        while end < len(text) and (text[end].isascii() and (text[end].isalnum() or text[end] == "_")):
            end += 1
        in_command = text.startswith("/") and at < len(text.split()[0])
        if end - at > 1 and not in_command:
            entities.append({"type": "mention", "offset": _utf16(text[:at]), "length": _utf16(text[at:end])})
        at = text.find("@", end)
    return entities


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode(name: str, raw: str) -> Any:
    if name in STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class _MethodHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        if token != self.api.token:
            self.set_status(401)
            self.finish({"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params = {k: _decode(k, v[-1].decode()) for k, v in self.request.body_arguments.items()}
        if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
            params.update(json.loads(self.request.body))
        files = {k: v[0]["body"] for k, v in self.request.files.items()}
        for key, value in self.request.files.items():
            params["_file_name"] = value[0]["filename"]
            params.setdefault("document", f"attach://{key}")
        status, body = await self.api.handle(method, params, files)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    def get(self, token: str, path: str) -> None:
        self.set_status(404)

