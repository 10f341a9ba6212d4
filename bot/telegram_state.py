"""What the Telegram bot keeps between updates: the answerer in use and recent answers' pages.

`AnswererHolder` lets `/reload` build a new index off the event loop and swap it in with one
assignment, so a question sees either the old index or the new one, never half of each.
`PageStore` keeps rendered pages for the 更多结果 button under a short key, because Telegram's
callback data holds at most 64 bytes.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Callable

from retrieval.answer import Answerer


class AnswererHolder:
    """The answerer in use; `/reload` builds a new one off the event loop and swaps it in."""

    def __init__(self, answerer: Answerer, build: Callable[[], Answerer]) -> None:
        self.current = answerer
        self._build = build
        self._lock = asyncio.Lock()

    async def reload(self) -> Answerer:
        """Build a fresh answerer; on failure the current one stays and the error propagates."""
        async with self._lock:  # two admins reloading at once build once each, in turn
            fresh = await asyncio.to_thread(self._build)
            self.current = fresh  # one assignment: a question sees the old or the new index
            return fresh


class PageStore:
    """Rendered pages of recent answers, keyed by a short id that fits in callback data."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._pages: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    def put(self, pages: list[str]) -> str:
        key = secrets.token_urlsafe(6)  # 8 characters; callback data stays far below 64 bytes
        self._pages[key] = tuple(pages)
        while len(self._pages) > self._capacity:
            self._pages.popitem(last=False)
        return key

    def get(self, key: str) -> tuple[str, ...] | None:
        pages = self._pages.get(key)
        if pages is not None:
            self._pages.move_to_end(key)
        return pages
