"""How the bot talks to the Bot API: time-outs, retries of transient failures, rate limits.

Failures are sorted by what they mean for the request:

* HTTP 429 (`RetryAfter`): Telegram did not act. `AIORateLimiter` waits `retry_after` and
  sends again, holding back every other request meanwhile.
* HTTP 5xx, a refused or dropped connection, a time-out: `RetryingRequest` sends again after a
  short, growing pause, a bounded number of times. Telegram answers 5xx when it did not act.
  A read time-out is the one ambiguous case: the Bot API has no idempotency key, so if Telegram
  did act and only the response was lost, the retry repeats the message. The read time-out is
  therefore generous in production (a slow response is waited for, not abandoned).
* HTTP 4xx other than 429: the request itself is wrong (a deleted chat, a blocked bot); sending
  it again cannot help, so it is raised at once.

`getUpdates` is not retried here: PTB's updater already retries it forever, and a lost response
costs nothing because updates are confirmed only by the next call's `offset`.

HTTP 401 is the exception PTB does not survive: its updater stops polling for good on an invalid
token while the process stays up, deaf. `TokenGuard` watches every response instead: a 401 is
tried again after a pause a few times (a brief fault at Telegram's end recovers), and when the
token is still refused the guard calls `on_rejected` (the entry point stops the application and
exits non-zero, so a supervisor restarts or alerts) and answers getUpdates with no updates
meanwhile, so PTB logs no traceback on the way out. `last_ok` tells the health endpoint when
the Bot API last answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram.error import NetworkError
from telegram.ext import AIORateLimiter, BaseRateLimiter
from telegram.request import BaseRequest, HTTPXRequest, RequestData

logger = logging.getLogger(__name__)

# Calls that only decorate the conversation: never throttled behind answers, never retried hard.
BEST_EFFORT = frozenset({"sendChatAction"})


@dataclass(frozen=True)
class Tuning:
    """Network and concurrency knobs; the defaults are for production, tests shrink them."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    write_timeout: float = 10.0
    pool_timeout: float = 5.0
    poll_timeout: float = 10.0  # seconds a getUpdates long poll is held open by the server
    attempts: int = 5  # tries of one API call on 5xx, time-outs and connection errors
    backoff: float = 0.5  # seconds before the first retry; doubles after each
    messages_per_second: float = 30.0  # Telegram's overall limit; 0 switches throttling off
    group_messages_per_minute: float = 20.0
    rate_limit_retries: int = 5  # how often a 429 is waited out before giving up
    concurrent_updates: int = 16  # measured: more only adds contention (benchmarks/telegram_load.py)
    connections: int = 16  # httpcore's pool scans every connection per request: keep it small
    pages: int = 5  # pages of hits kept for the 更多结果 button
    unauthorized_attempts: int = 4  # 401s in a row before the token counts as revoked
    unauthorized_pause: float = 5.0  # seconds between those tries (a brief fault recovers)


NO_UPDATES = b'{"ok":true,"result":[]}'


def token_refused(base_url: str, token: str, timeout: float = 10.0) -> bool:
    """True when the Bot API answers getMe with 401 (a network failure is not a refusal).

    Asked once before the bot starts, so a wrong token is one clear line instead of
    python-telegram-bot's bootstrap traceback.
    """
    try:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}{token}/getMe", timeout=timeout):
            return False
    except urllib.error.HTTPError as error:
        return error.code == 401
    except (urllib.error.URLError, OSError, ValueError):
        return False


class TokenGuard:
    """Counts 401 answers from the Bot API and decides when the token is gone for good."""

    def __init__(self, attempts: int, pause: float) -> None:
        self.attempts = max(1, attempts)
        self.pause = pause
        self.rejected = False
        self.last_ok = time.monotonic()
        self.on_rejected: Callable[[], None] | None = None
        self._failures = 0

    def ok(self) -> None:
        self._failures = 0
        self.last_ok = time.monotonic()

    async def unauthorized(self, endpoint: str, wait: bool = True) -> bool:
        """After a 401: True to try again (after the pause), False once the token is revoked."""
        if self.rejected:
            return False
        self._failures += 1
        if self._failures < self.attempts:
            logger.warning("%s answered HTTP 401 (token refused), %d of %d before giving up",
                           endpoint, self._failures, self.attempts)
            if wait:
                await asyncio.sleep(self.pause)
            return True
        self.rejected = True
        if self.on_rejected is not None:
            self.on_rejected()
        return False


class WrappedRequest(BaseRequest):
    """A `BaseRequest` around another one, which does the sending."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()


class GuardedUpdatesRequest(WrappedRequest):
    """getUpdates through a `TokenGuard`: 401s are retried, then end the process cleanly."""

    def __init__(self, inner: BaseRequest, guard: TokenGuard) -> None:
        super().__init__(inner)
        self._guard = guard

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        while True:
            if self._guard.rejected and endpoint == "getUpdates":
                await asyncio.sleep(0.2)  # the application is stopping; nothing more to fetch
                return 200, NO_UPDATES
            code, payload = await self._inner.do_request(
                url=url, method=method, request_data=request_data, read_timeout=read_timeout,
                write_timeout=write_timeout, connect_timeout=connect_timeout,
                pool_timeout=pool_timeout)
            if code != 401:
                if code < 400:
                    self._guard.ok()
                return code, payload
            if not await self._guard.unauthorized(endpoint):
                return (200, NO_UPDATES) if endpoint == "getUpdates" else (code, payload)


class RetryingRequest(WrappedRequest):
    """A `BaseRequest` that sends again on 5xx and network failures; wraps another request."""

    def __init__(self, inner: BaseRequest, attempts: int, backoff: float,
                 guard: TokenGuard | None = None) -> None:
        super().__init__(inner)
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._guard = guard

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # never log the URL: it holds the token
        attempts = 1 if endpoint in BEST_EFFORT else self._attempts
        for attempt in range(1, attempts + 1):
            try:
                code, payload = await self._inner.do_request(
                    url=url,
                    method=method,
                    request_data=request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
            except NetworkError as error:  # time-outs, refused and dropped connections
                if attempt == attempts:
                    raise
                logger.warning("%s failed (%s); attempt %d of %d", endpoint, error, attempt, attempts)
            else:
                if self._guard is not None:
                    if code == 401:  # counts towards a revoked token (webhook mode has no polling)
                        await self._guard.unauthorized(endpoint, wait=False)
                        return code, payload
                    if code < 400:
                        self._guard.ok()
                if code < 500 or attempt == attempts:
                    return code, payload
                logger.warning("%s answered HTTP %d; attempt %d of %d", endpoint, code, attempt, attempts)
            await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # the loop returns or raises


class AnswerRateLimiter(BaseRateLimiter[int]):
    """`AIORateLimiter` for everything except best-effort calls such as the typing indicator.

    A typing indicator queued behind thirty answers is useless by the time it is sent, and it
    would spend the budget that the answers themselves need.
    """

    def __init__(self, inner: AIORateLimiter) -> None:
        self._inner = inner

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
        if endpoint in BEST_EFFORT:
            return await callback(*args, **kwargs)
        return await self._inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def rate_limiter(tuning: Tuning) -> AnswerRateLimiter:
    """Telegram's flood limits (30 messages a second, 20 a minute per group) with 429 retries."""
    return AnswerRateLimiter(
        AIORateLimiter(
            overall_max_rate=tuning.messages_per_second,
            overall_time_period=1,
            group_max_rate=tuning.group_messages_per_minute,
            group_time_period=60,
            max_retries=tuning.rate_limit_retries,
        )
    )


def api_request(tuning: Tuning, guard: TokenGuard | None = None) -> RetryingRequest:
    """The request object for every call except getUpdates."""
    inner = HTTPXRequest(
        connection_pool_size=tuning.connections,
        connect_timeout=tuning.connect_timeout,
        read_timeout=tuning.read_timeout,
        write_timeout=tuning.write_timeout,
        pool_timeout=tuning.pool_timeout,
    )
    return RetryingRequest(inner, tuning.attempts, tuning.backoff, guard)


def updates_request(tuning: Tuning, guard: TokenGuard | None = None) -> BaseRequest:
    """The request object for getUpdates (PTB adds the long-poll time to the read time-out)."""
    inner = HTTPXRequest(
        connection_pool_size=1,
        connect_timeout=tuning.connect_timeout,
        read_timeout=tuning.read_timeout,
        write_timeout=tuning.write_timeout,
        pool_timeout=tuning.pool_timeout,
    )
    return GuardedUpdatesRequest(inner, guard) if guard is not None else inner
