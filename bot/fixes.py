"""Speaker corrections kept in the store, offered to the core as a `CorrectionSource`.

`/fix <passage id> <name> [title]` or `/fix <passage id> 发言人不详` stores a correction keyed by
the passage id and the hash of its text (`retrieval.corrections`), so every adapter's later
answers, and `chuchu passages --json`, show it, across restarts and rebuilds, for as long as
the paragraph reads the same. Lookups come from a copy in memory, reloaded when any process
has written to the store since (SQLite's `data_version`, asked at most once a second), so the
answering threads rarely wait on the store.
"""

from __future__ import annotations

import threading

from bot.storage import Freshness, Storage, now
from retrieval.corrections import Correction, MemoryCorrections, text_hash
from retrieval.models import Passage, Speaker
from retrieval.presentation import UNKNOWN_SPEAKER

UNKNOWN_WORDS = frozenset({UNKNOWN_SPEAKER, "不详", "未知", "无", "none", "unknown"})


def parse_speaker(words: list[str]) -> Speaker | None | str:
    """`name [title]` as a Speaker, 发言人不详 as None; a message string when it cannot be read."""
    if not words:
        return "用法：/fix 编号 姓名 [职务]，或 /fix 编号 发言人不详"
    name = words[0].strip()
    if name.lower() in UNKNOWN_WORDS:
        return None
    if len(name) > 20 or not any(ch.isalpha() for ch in name):
        return "姓名看起来不对：请写发言人的姓名（最多 20 个字），职务可以写在后面。"
    return Speaker(name, " ".join(words[1:]).strip()[:200])


class StoredCorrections:
    """The corrections in the store; a `CorrectionSource` for the `Answerer`."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._lock = threading.Lock()
        self._fresh = Freshness(storage)
        self._cache = MemoryCorrections()

    def correction_for(self, passage_id: str, text_hash: str) -> Correction | None:
        return self._current().correction_for(passage_id, text_hash)

    def _current(self) -> MemoryCorrections:
        with self._lock:
            if self._fresh.stale():
                self._cache = MemoryCorrections(self._load())
                self._fresh.loaded()
            return self._cache

    def _load(self) -> list[Correction]:
        return [
            Correction(row["passage_id"], row["text_hash"],
                       Speaker(row["name"], row["title"]) if row["name"] else None,
                       row["by"], row["at"])
            for row in self.storage.rows(
                "SELECT passage_id, text_hash, name, title, by, at FROM corrections")
        ]

    def fix(self, passage: Passage, speaker: Speaker | None, by: str) -> Correction | None:
        """Correct `passage` (as it reads now) to `speaker`; None when the store failed."""
        correction = Correction(passage.id, text_hash(passage.text), speaker, by, now())
        written = self.storage.write(
            "INSERT INTO corrections (passage_id, text_hash, name, title, by, at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (passage_id, text_hash) DO UPDATE SET"
            " name = excluded.name, title = excluded.title, by = excluded.by, at = excluded.at",
            (correction.passage_id, correction.text_hash, speaker.name if speaker else None,
             speaker.title if speaker else "", by, correction.at))
        self._fresh.invalidate()  # the next lookup reloads, in this process too
        return correction if written is not None else None

    def all(self) -> list[Correction]:
        return sorted(self._current().as_mapping().values(), key=lambda c: c.at)
