"""Who may use the bot: the settings' lists, and what admins allowed or denied from Telegram.

The environment's lists (`CHUCHU_TELEGRAM_ALLOWED_USERS`, `…_ALLOWED_CHATS`, `…_ADMINS`) are
the starting point. `/allow <id>` and `/deny <id>` (a user id, or a group's negative id) are
kept in the store and take effect at once, without a restart; a denial outranks the
environment's allowance, and admins are always allowed. With nothing allowed anywhere, everyone
may ask; once anyone is allowed, only those allowed may.
"""

from __future__ import annotations

import threading

from bot.storage import Freshness, Storage, now
from bot.telegram_access import AccessPolicy


class Grants:
    """The settings' policy combined with the grants in the store."""

    def __init__(self, base: AccessPolicy, storage: Storage) -> None:
        self.base = base
        self.storage = storage
        self._lock = threading.Lock()
        self._fresh = Freshness(storage)
        self._policy = base

    def policy(self) -> AccessPolicy:
        """The policy in force now (grants from other processes within a second)."""
        with self._lock:
            if self._fresh.stale():
                rows = self.storage.rows("SELECT subject, allowed FROM grants")
                allowed = frozenset(r["subject"] for r in rows if r["allowed"])
                denied = frozenset(r["subject"] for r in rows if not r["allowed"])
                users = {i for i in self.base.users | allowed if i > 0} - denied
                chats = {i for i in self.base.chats | allowed if i < 0} - denied
                self._policy = AccessPolicy(frozenset(users), frozenset(chats), self.base.admins, denied)
                self._fresh.loaded()
            return self._policy

    def set(self, subject: int, allowed: bool, by: int | None) -> bool:
        """Allow or deny `subject`; False when the store failed."""
        written = self.storage.write(
            "INSERT INTO grants (subject, allowed, by, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (subject) DO UPDATE SET allowed = excluded.allowed, by = excluded.by,"
            " at = excluded.at", (subject, int(allowed), by, now()))
        self._fresh.invalidate()
        return written is not None

    def listing(self) -> list[tuple[int, bool, str]]:
        return [(r["subject"], bool(r["allowed"]), r["at"])
                for r in self.storage.rows("SELECT subject, allowed, at FROM grants ORDER BY at")]
