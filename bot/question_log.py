"""The question log, and what was shown for each answer (its pages), in the store.

Every question an adapter answers is logged (when, where, by whom, what kind of answer, how many
hits), which is what `/stats` and `chuchu report` count. An answer's rendered pages and the
quotes on each page are kept under a short key: the 更多结果 button pages through them (so
paging survives a restart) and a feedback button records exactly the quotes that were shown.
Pages of old answers are pruned; the log itself is kept.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage import Storage, now
from retrieval.models import Answer
from retrieval.presentation import Quote

KEEP_ANSWERS = 20_000  # answers whose pages are kept for paging and feedback


@dataclass(frozen=True)
class Shown:
    """One quote as it was shown: which passage, whose words it said they were, the words."""

    passage_id: str
    speaker: str
    quote: str

    def to_json(self) -> dict[str, str]:
        return {"passage": self.passage_id, "speaker": self.speaker, "quote": self.quote}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Shown:
        return cls(str(data.get("passage", "")), str(data.get("speaker", "")),
                   str(data.get("quote", "")))


def shown_of(quotes: Sequence[Quote]) -> list[Shown]:
    """What is recorded of quotes shown: passage, speaker label, the words with ellipses."""
    return [Shown(q.passage_id, q.speaker_label, q.shown) for q in quotes]


@dataclass(frozen=True)
class Recorded:
    """An answer as kept: its pages and, per page, the quotes shown."""

    key: str
    question: str
    pages: tuple[str, ...]
    shown: tuple[tuple[Shown, ...], ...]


class QuestionLog:
    """Questions asked and answers shown, in the store."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._written = 0

    def record(self, adapter: str, chat_id: int | None, user_id: int | None, answer: Answer,
               pages: Sequence[str] = (), shown: Sequence[Sequence[Shown]] = ()) -> str:
        """Log the question and keep the answer's pages; returns the answer's key."""
        key = secrets.token_urlsafe(6)  # 8 characters: callback data stays far below 64 bytes
        at = now()
        with self.storage.transaction() as db:
            cursor = db.execute(
                "INSERT INTO questions (at, day, adapter, chat_id, user_id, question, kind, hits)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, at[:10], adapter, chat_id, user_id, answer.question[:500], answer.kind,
                 len(answer.hits)))
            db.execute(
                "INSERT INTO answers (key, question_id, at, pages, shown) VALUES (?, ?, ?, ?, ?)",
                (key, cursor.lastrowid, at, json.dumps(list(pages), ensure_ascii=False),
                 json.dumps([[s.to_json() for s in page] for page in shown], ensure_ascii=False)))
        self._written += 1
        if self._written % 500 == 0:
            self.prune()
        return key

    def answer(self, key: str) -> Recorded | None:
        """The kept answer under `key`, or None (unknown, pruned, or the store failed)."""
        rows = self.storage.rows(
            "SELECT a.key, q.question, a.pages, a.shown FROM answers a"
            " JOIN questions q ON q.id = a.question_id WHERE a.key = ?", (key,))
        if not rows:
            return None
        row = rows[0]
        try:
            pages = tuple(str(p) for p in json.loads(row["pages"]))
            shown = tuple(tuple(Shown.from_json(s) for s in page) for page in json.loads(row["shown"]))
        except (ValueError, TypeError, AttributeError):  # a row edited by hand: not trusted
            return None
        return Recorded(row["key"], row["question"], pages, shown)

    def prune(self, keep: int = KEEP_ANSWERS) -> None:
        """Forget the pages of all but the `keep` most recent answers."""
        self.storage.write(
            "DELETE FROM answers WHERE key NOT IN (SELECT key FROM answers ORDER BY at DESC, rowid DESC"
            " LIMIT ?)", (keep,))
