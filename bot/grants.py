"""Who may use the bot: the settings' lists, and what admins allowed or denied from Telegram.

The environment's lists (`CHUCHU_TELEGRAM_ALLOWED_USERS`, `…_ALLOWED_CHATS`, `…_ADMINS`) are
the starting point. `/allow <id>` and `/deny <id>` (a user id, or a group's negative id) are
kept in the store and take effect at once, without a restart; a denial outranks the
environment's allowance, and admins are always allowed. With nothing allowed anywhere, everyone
may ask; once anyone is allowed, only those allowed may.
"""

from __future__ import annotations

import threading

from bot.storage import Storage, now
from bot.telegram_access import AccessPolicy


class Grants:
    """The settings' policy combined with the grants in the store."""

    def __init__(self, base: AccessPolicy, storage: Storage) -> None:
        self.base = base
        self.storage = storage
        self._lock = threading.Lock()
        self._version = -1
        self._allowed: frozenset[int] = frozenset()
        self._denied: frozenset[int] = frozenset()

    def _load(self) -> None:
        version = self.storage.data_version()
        with self._lock:
            if version == self._version and self.storage.persistent:
                return
            rows = self.storage.rows("SELECT subject, allowed FROM grants")
            self._allowed = frozenset(r["subject"] for r in rows if r["allowed"])
            self._denied = frozenset(r["subject"] for r in rows if not r["allowed"])
            self._version = version

    def policy(self) -> AccessPolicy:
        """The policy in force now."""
        self._load()
        users = {i for i in self.base.users | self._allowed if i > 0} - self._denied
        chats = {i for i in self.base.chats | self._allowed if i < 0} - self._denied
        return AccessPolicy(frozenset(users), frozenset(chats), self.base.admins, self._denied)

    def set(self, subject: int, allowed: bool, by: int | None) -> bool:
        """Allow or deny `subject`; False when the store failed."""
        written = self.storage.write(
            "INSERT INTO grants (subject, allowed, by, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (subject) DO UPDATE SET allowed = excluded.allowed, by = excluded.by,"
            " at = excluded.at", (subject, int(allowed), by, now()))
        self._version = -1
        return written is not None

    def listing(self) -> list[tuple[int, bool, str]]:
        return [(r["subject"], bool(r["allowed"]), r["at"])
                for r in self.storage.rows("SELECT subject, allowed, at FROM grants ORDER BY at")]
