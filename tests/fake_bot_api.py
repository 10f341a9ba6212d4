"""A fake Telegram Bot API server on 127.0.0.1 for tests and the load benchmark.

It speaks the Bot API over real HTTP (aiohttp), so python-telegram-bot's real `Application`,
pointed at it with `base_url`, runs unmodified. It feeds updates through `getUpdates` (long
polling with Telegram's offset semantics: an update is gone only once a later call confirms it),
records every call, checks sent HTML as strictly as Telegram does (unknown or unbalanced tags,
bare `<` or `&`, more than 4096 characters are a 400), and injects faults on request:

* `400`: a request Telegram refuses (chat not found), which no retry can fix;
* `429`: Too Many Requests with `retry_after`;
* `500` / `502`: a server error (502 with nginx's HTML body, as a proxy would send);
* `stall`: hold the request past the client's time-out, then drop it;
* `drop`: close the connection without an answer;
* `401`: Unauthorized, as for a revoked token (`revoke()` makes every later call a 401).

Files: `document()` sends a file to the bot as a person would; `getFile` gives its
`file_path` (refusing files over the Bot API's 20 MB with "file is too big", as Telegram does)
and `/file/bot<token>/<file_path>` serves its bytes; `downloads` records what was fetched.

A faulted request never takes effect, as when Telegram's front end fails before the request
reaches it; so a bot that retries correctly delivers each answer exactly once. `slow` is not
a fault: the request takes effect and the answer comes late (for graceful-shutdown tests).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web


TOKEN = "123456789:AAHfakeFAKEfake_fake-FAKEfakeFAKEfake0"
BOT_ID = 123456789
BOT_USERNAME = "chuchu_test_bot"
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the Bot API lets a bot download files up to 20 MB
FAULTS = ("400", "401", "429", "500", "502", "stall", "drop", "slow")
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
         "blockquote", "tg-spoiler", "span", "tg-emoji"}
_MARKUP = re.compile(
    r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"]*\")?)*)\s*>"
    r"|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);"
    r"|[<>&]"
)
# Parameters that are plain strings even when they look like JSON numbers.
_STRINGS = {"text", "query", "callback_query_id", "inline_query_id", "url", "secret_token",
            "action", "parse_mode", "description", "short_description", "name"}


class HtmlError(ValueError):
    pass


def plain_text(source: str) -> str:
    """What Telegram shows for HTML `source`; raises `HtmlError` where Telegram answers 400."""
    out: list[str] = []
    stack: list[str] = []
    position = 0
    for match in _MARKUP.finditer(source):
        out.append(source[position:match.start()])
        position = match.end()
        token = match.group(0)
        if match.group(2):
            closing, tag = match.group(1), match.group(2)
            if tag not in _TAGS:
                raise HtmlError(f"Unsupported start tag \"{tag}\" at byte offset {match.start()}")
            if closing:
                if not stack or stack[-1] != tag:
                    raise HtmlError(f"Unmatched end tag \"{tag}\" at byte offset {match.start()}")
                stack.pop()
            else:
                stack.append(tag)
        elif token.startswith("&") and len(token) > 1:
            out.append({"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}.get(token, "?"))
        else:
            raise HtmlError(f"Unexpected \"{token}\" at byte offset {match.start()}")
    if stack:
        raise HtmlError(f"Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    out.append(source[position:])
    return "".join(out)


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, arrival time, and its fate."""

    method: str
    params: dict[str, Any]
    at: float
    fault: str | None = None


@dataclass
class StoredFile:
    """A file a person sent: where the file server keeps it, its bytes, its size."""

    path: str
    data: bytes | None
    size: int


@dataclass
class Fault:
    kind: str
    retry_after: int = 1
    seconds: float = 1.5  # how long `stall` and `slow` hold the request


@dataclass
class Sent:
    """A message the bot sent (and its later edits)."""

    message_id: int
    chat_id: int
    text: str  # the HTML source as sent
    reply_to: int | None
    reply_markup: dict[str, Any] | None
    edits: list[str] = field(default_factory=list)
    at: float = 0.0

    @property
    def plain(self) -> str:
        return plain_text(self.text)

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


class FakeBotApi:
    """The server. `await start()`, feed it with `message()`/`press()`/`inline()`, read `sent`."""

    def __init__(self, token: str = TOKEN, bot_id: int = BOT_ID, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.by_id: dict[int, Sent] = {}
        self.callback_answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.inline_answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.confirmed = 0  # highest update_id the bot has confirmed with an offset
        self.files: dict[str, StoredFile] = {}
        self.downloads: list[str] = []  # file paths downloaded, in order
        self._updates: list[dict[str, Any]] = []
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        self._revoked = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life ----------------------------------------------------------------------------
    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    def revoke(self) -> None:
        """The token is revoked at @BotFather: from now on every call is refused with 401."""
        self.token = "revoked"
        self._revoked = True  # a long poll already waiting returns at once, as Telegram's do
        asyncio.get_running_loop().create_task(self._notify())

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- faults --------------------------------------------------------------------------
    def fail(self, method: str, kind: str, times: int = 1, retry_after: int = 1,
             seconds: float = 1.5) -> None:
        """Make the next `times` calls of `method` fail with `kind` (see the module docstring)."""
        assert kind in FAULTS, kind
        for _ in range(times):
            self._faults[method].append(Fault(kind, retry_after, seconds))

    # -- feeding updates -----------------------------------------------------------------
    def _push(self, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **payload})
        asyncio.get_running_loop().create_task(self._notify())
        return update_id

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}", "language_code": "zh-hans"}

    def chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"用户{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": f"群{-chat_id}"}

    def message(self, text: str, chat_id: int = 1, user_id: int | None = None,
                reply_to: Sent | None = None) -> int:
        """A person sends `text` in `chat_id` (negative: a group); returns the message id."""
        user_id = user_id if user_id is not None else (chat_id if chat_id > 0 else 1)
        message_id = next(self._ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(user_id),
            "text": text,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._as_message(reply_to)
        self._push({"message": message})
        return message_id

    def document(self, data: bytes | None, file_name: str, chat_id: int = 1,
                 user_id: int | None = None, caption: str | None = None,
                 size: int | None = None, announce_size: bool = True,
                 mime_type: str = "application/octet-stream") -> int:
        """A person sends a file; returns the message id.

        `data` None with a `size` stands for a file too large to hold here (never downloadable);
        `announce_size=False` leaves `file_size` out of the message, as Telegram may.
        """
        user_id = user_id if user_id is not None else (chat_id if chat_id > 0 else 1)
        message_id = next(self._ids)
        file_id = f"BQAC{message_id}file"
        size = len(data) if size is None and data is not None else size or 0
        self.files[file_id] = StoredFile(f"documents/file_{message_id}{Path(file_name).suffix}",
                                         data, size)
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{message_id}",
                                    "file_name": file_name, "mime_type": mime_type}
        if announce_size:
            document["file_size"] = size
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": self.chat(chat_id),
            "from": self.user(user_id), "document": document,
        }
        if caption is not None:
            message["caption"] = caption
            entities = [e for e in _entities(caption) if e["type"] == "mention"]
            if entities:
                message["caption_entities"] = entities
        self._push({"message": message})
        return message_id

    def press(self, sent: Sent, data: str, user_id: int | None = None) -> str:
        """A person taps a button carrying `data` under the bot's message `sent`."""
        query_id = f"cb{next(self._ids)}"
        user_id = user_id if user_id is not None else abs(sent.chat_id)
        self._push({"callback_query": {
            "id": query_id, "from": self.user(user_id), "message": self._as_message(sent),
            "chat_instance": f"ci{sent.chat_id}", "data": data,
        }})
        return query_id

    def inline(self, query: str, user_id: int = 1) -> str:
        """A person types `@bot query` in some chat."""
        query_id = f"iq{next(self._ids)}"
        self._push({"inline_query": {
            "id": query_id, "from": self.user(user_id), "query": query, "offset": "",
            "chat_type": "private",
        }})
        return query_id

    def _as_message(self, sent: Sent) -> dict[str, Any]:
        message = {
            "message_id": sent.message_id, "date": int(sent.at), "chat": self.chat(sent.chat_id),
            "from": self._me(), "text": sent.plain,
        }
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    # -- reading what happened -----------------------------------------------------------
    def replies_to(self, chat_id: int, message_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id and s.reply_to == message_id]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.fault is None]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked after every call the bot makes)."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("timed out waiting for the bot")
                try:
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))
                except TimeoutError:
                    pass
            return result

    # -- the API -------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, time.time())
        self.calls.append(call)
        queue = self._faults.get(method)
        fault = queue.popleft() if queue else None
        if fault is not None and fault.kind != "slow":
            call.fault = fault.kind
            return await self._faulted(request, fault)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        try:
            result = await handler(params)
        except HtmlError as error:
            return _error(400, f"Bad Request: can't parse entities: {error}")
        except _ApiError as error:
            return _error(error.code, error.description)
        finally:
            await self._notify()
        if fault is not None:  # slow: done, but the answer is late
            await asyncio.sleep(fault.seconds)
        return web.json_response({"ok": True, "result": result})

    async def _faulted(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        await self._notify()
        if fault.kind == "429":
            return web.json_response(
                {"ok": False, "error_code": 429,
                 "description": f"Too Many Requests: retry after {fault.retry_after}",
                 "parameters": {"retry_after": fault.retry_after}},
                status=429,
            )
        if fault.kind == "400":
            return _error(400, "Bad Request: chat not found")
        if fault.kind == "401":
            return _error(401, "Unauthorized")
        if fault.kind == "500":
            return _error(500, "Internal Server Error")
        if fault.kind == "502":
            return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>",
                                content_type="text/html")
        if fault.kind == "stall":
            try:
                await asyncio.wait_for(self._closing.wait(), fault.seconds)
            except TimeoutError:
                pass
        # stall (afterwards) and drop: hang up without a word
        assert request.transport is not None
        request.transport.abort()
        return web.Response(status=500)

    def _me(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "出处", "username": self.username}

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self._me(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True}

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed = max(self.confirmed, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self._updates and not self._closing.is_set() and not self._revoked:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params.get("text", ""))
        _check_text(text, params.get("parse_mode"))
        reply = params.get("reply_parameters") or {}
        sent = Sent(next(self._ids), int(params["chat_id"]), text,
                    reply.get("message_id") if isinstance(reply, dict) else None,
                    params.get("reply_markup"), at=time.time())
        _check_markup(sent.reply_markup)
        self.sent.append(sent)
        self.by_id[sent.message_id] = sent
        return self._as_message(sent)

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._target(params)
        text = str(params.get("text", ""))
        _check_text(text, params.get("parse_mode"))
        markup = params.get("reply_markup")
        _check_markup(markup)
        if text == sent.text and markup == sent.reply_markup:
            raise _ApiError(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same")
        sent.edits.append(sent.text)
        sent.text, sent.reply_markup = text, markup
        return self._as_message(sent)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._target(params)
        sent.reply_markup = params.get("reply_markup")
        return self._as_message(sent)

    def _target(self, params: dict[str, Any]) -> Sent:
        sent = self.by_id.get(int(params.get("message_id") or 0))
        if sent is None or sent.chat_id != int(params.get("chat_id") or 0):
            raise _ApiError(400, "Bad Request: message to edit not found")
        return sent

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params["callback_query_id"])
        if self.callback_answers[query_id]:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired "
                                 "or query ID is invalid")
        self.callback_answers[query_id].append(params)
        return True

    async def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        for result in params.get("results") or []:
            if len(str(result.get("id", "")).encode()) > 64:
                raise _ApiError(400, "Bad Request: RESULT_ID_INVALID")
            content = result.get("input_message_content") or {}
            _check_text(content.get("message_text", ""), content.get("parse_mode"))
        self.inline_answers[str(params["inline_query_id"])].append(params)
        return True

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            raise _ApiError(400, "Bad Request: file is too big")
        file_id = str(params["file_id"])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": stored.size,
                "file_path": stored.path}

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """`/file/bot<token>/<file_path>`: the file's bytes, as Telegram's file server sends them."""
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        path = request.match_info["path"]
        found = next((f for f in self.files.values() if f.path == path and f.data is not None), None)
        self.calls.append(Call("download", {"path": path}, time.time()))
        await self._notify()
        if found is None:
            return _error(404, "Not Found")
        self.downloads.append(path)
        return web.Response(body=found.data, content_type="application/octet-stream")

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[scope] = params.get("commands") or []
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get(scope, [])

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True), None)
        return True

    async def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_logOut(self, params: dict[str, Any]) -> bool:
        return True


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description},
                             status=code)


async def _params(request: web.Request) -> dict[str, Any]:
    """Bot API parameters from a JSON body, a form or the query string (values JSON-decoded)."""
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    raw: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _STRINGS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except (TypeError, ValueError):
            params[key] = value
    return params


def _check_text(text: str, parse_mode: Any) -> None:
    shown = plain_text(text) if parse_mode == "HTML" else text
    if not shown.strip():
        raise _ApiError(400, "Bad Request: message text is empty")
    if units(shown) > 4096:
        raise _ApiError(400, "Bad Request: message is too long")


def _check_markup(markup: Any) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if "callback_data" in button and len(button["callback_data"].encode()) > 64:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram would attach: a leading bot command and @-mentions (UTF-16 offsets)."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": units(command.group(0))})
    for mention in re.finditer(r"(?<![\w/])@[A-Za-z]\w{3,31}", text):
        entities.append({"type": "mention", "offset": units(text[:mention.start()]),
                         "length": units(mention.group(0))})
    return entities


# -- harness: the real bot, wired to this server ---------------------------------------------

CORPUS = {
    "union.txt": """牢记嘱托 敢于担当

——各地工会主席谈工会工作

服务职工是工会的根本

杭州市总工会主席张三

工会工作要真正姓“工”，必须把服务职工作为出发点和归宿点，让职工群众感受到工会是职工之家。

我们要在服务职工上下功夫，建好职工服务中心，推进职工服务体系建设，做到职工有困难就找工会。

职工服务要突出重点，关心困难职工，做好职工帮扶工作，使服务职工工作常态化。

网上工会&线上服务

宁波市总工会常务副主席李四

推进“互联网+工会”建设，开通<b>网上工会</b>服务平台，职工可以在线申请法律援助与帮扶，服务职工更加便捷。

有些职工在留言中写下<script>alert(1)</script>这样的内容，我们也认真回复，做到服务职工不留死角。
""",
    "models.txt": """全市劳模座谈会召开

本报讯 昨天，全市劳模座谈会在市工人文化宫召开。杭州市总工会主席张三表示，劳模精神是宝贵的精神财富，要大力弘扬劳模精神、劳动精神、工匠精神。

温州市总工会副主席王五指出，要健全劳模服务管理机制，关心关爱劳模，服务职工和劳模的工作要做实做细。

会议强调，各级工会要把服务职工的要求落到实处，A&B 两类企业都要建立职工之家。
""",
}


def write_corpus(folder: Path) -> Path:
    """The small Chinese corpus above (bylines, an inline quote, HTML-hostile text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@asynccontextmanager
async def running_bot(
    server: FakeBotApi, settings: Any, answerer: Any, tuning: Any = None, poll_timeout: int = 1
) -> AsyncIterator[Any]:
    """The real `Application` from `build_application`, polling `server` until the block ends."""
    from bot.telegram import ALLOWED_UPDATES, build_application

    application = build_application(settings, answerer, tuning)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
