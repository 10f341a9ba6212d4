"""The answerer the Telegram bot is using, swapped whole by `/reload`.

`AnswererHolder` lets `/reload` build a new index off the event loop and swap it in with one
assignment, so a question sees either the old index or the new one, never half of each. Adding
or removing a document from Telegram reloads the same way: the cache keeps every other
document's passages, so only what changed is read and chunked. The files that could not be
read are logged once, in Chinese, whenever an index is put in use. (The pages of recent answers
are kept in the store: `bot.question_log`.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.telegram_render import distinct_skipped
from retrieval.answer import Answerer

logger = logging.getLogger(__name__)


def log_skipped(answerer: Answerer) -> None:
    """Name each file the index left out, once, with its reason in Chinese."""
    for error in distinct_skipped(answerer.skipped):
        logger.warning("已跳过 %s：%s", error.path, error.reason)


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
        log_skipped(fresh)
        return fresh
