"""Fair shares under load: per-person and per-group limits on questions, transport-free.

One person's flood must never hold up everyone else: every question takes a slot of its asker
(and of its group), and past a limit (questions still being answered, or questions in the last
minute) it is turned away at once, before any searching or sending. The asker hears a polite
请稍后再问 once per minute at most: a reply to each of 300 flooded questions would itself spend
the bot's sending budget (30 messages a second) that other people's answers need.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW = 60.0  # seconds of the per-minute limits, and between two 请稍后再问 to one asker
SWEEP_EVERY = 1000  # admitted questions between two sweeps of forgotten askers
BUSY = "请稍后再问：您的问题太多太快了，请等前面的回答发出后再问。"


@dataclass
class _Count:
    in_flight: int = 0
    recent: deque[float] = field(default_factory=deque)
    told: float = float("-inf")


@dataclass(frozen=True)
class Verdict:
    """Whether a question may go ahead; when not, whether to tell the asker this time."""

    admitted: bool
    tell: bool = False


class Limits:
    """Questions in flight and per minute, per user and per group chat."""

    def __init__(self, in_flight: int, per_minute: int, group_per_minute: int,
                 group_in_flight: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.in_flight = in_flight
        self.per_minute = per_minute
        self.group_per_minute = group_per_minute
        self.group_in_flight = group_in_flight or in_flight * 2
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], _Count] = {}
        self._admitted = 0

    def admit(self, user_id: int | None, chat_id: int | None) -> Verdict:
        """Take a slot for a question from `user_id` in `chat_id`, or refuse it."""
        now = self._clock()
        keys = self._keys(user_id, chat_id)
        with self._lock:
            counts = [self._count(key, now) for key in keys]
            for (kind, _), count in zip(keys, counts):
                flight, minute = ((self.in_flight, self.per_minute) if kind == "user"
                                  else (self.group_in_flight, self.group_per_minute))
                if count.in_flight >= flight or len(count.recent) >= minute:
                    tell = now - counts[0].told >= WINDOW
                    if tell:
                        counts[0].told = now
                    return Verdict(False, tell)
            for count in counts:
                count.in_flight += 1
                count.recent.append(now)
            self._admitted += 1
            if self._admitted % SWEEP_EVERY == 0:
                self._sweep(now)
            return Verdict(True)

    def release(self, user_id: int | None, chat_id: int | None) -> None:
        """The question admitted for this asker has been answered (or failed)."""
        now = self._clock()
        with self._lock:
            for key in self._keys(user_id, chat_id):
                count = self._count(key, now)
                count.in_flight = max(0, count.in_flight - 1)

    def _sweep(self, now: float) -> None:
        """Forget askers with nothing in flight and nothing in the last minute."""
        for key in list(self._counts):
            count = self._count(key, now)
            if not count.in_flight and not count.recent and now - count.told >= WINDOW:
                del self._counts[key]

    def __len__(self) -> int:
        """How many askers are remembered."""
        return len(self._counts)

    def _keys(self, user_id: int | None, chat_id: int | None) -> list[tuple[str, int]]:
        keys = [("user", user_id if user_id is not None else chat_id or 0)]
        if chat_id is not None and chat_id < 0:
            keys.append(("group", chat_id))
        return keys

    def _count(self, key: tuple[str, int], now: float) -> _Count:
        count = self._counts.setdefault(key, _Count())
        while count.recent and now - count.recent[0] >= WINDOW:
            count.recent.popleft()
        return count
