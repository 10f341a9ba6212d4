"""Feedback on answers, and what operators read from the store: `/feedback`, `/stats`, reports.

A vote (👍 up, 👎 down, 发言人有误 speaker) belongs to one person and one answer: pressing
again changes it, never adds a second. It records the question and the quotes of the page
shown (passage, speaker label, words), so a report says exactly what was doubted even after
the answer's pages are pruned.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.question_log import Recorded, Shown
from bot.storage import Storage, now

VOTES = {"up": "👍", "down": "👎", "speaker": "发言人有误"}
DOUBTS = ("down", "speaker")


@dataclass(frozen=True)
class Report:
    """One 👎 or 发言人有误: who, when, on which question, and the quotes shown."""

    at: str
    vote: str
    adapter: str
    user_id: int
    question: str
    shown: tuple[Shown, ...]

    def to_json(self) -> dict[str, object]:
        return {"at": self.at, "vote": self.vote, "adapter": self.adapter, "user": self.user_id,
                "question": self.question, "shown": [s.to_json() for s in self.shown]}


@dataclass(frozen=True)
class Stats:
    """What `/stats` and `chuchu report` say."""

    days: list[tuple[str, int, int]]  # day, questions, declined
    total: int
    declined: int
    unanswered: list[tuple[str, int]]  # the most-asked questions answered with nothing
    doubted: list[tuple[str, int, str]]  # passage id, doubts, a quote shown
    votes: dict[str, int] = field(default_factory=dict)

    @property
    def declined_share(self) -> float:
        return self.declined / self.total if self.total else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "questions": self.total, "declined": self.declined,
            "declined_share": round(self.declined_share, 4),
            "days": [{"day": d, "questions": q, "declined": n} for d, q, n in self.days],
            "unanswered": [{"question": q, "times": n} for q, n in self.unanswered],
            "doubted": [{"passage": p, "doubts": n, "quote": s} for p, n, s in self.doubted],
            "votes": self.votes,
        }


class Feedback:
    """Votes in the store, and the summaries operators read."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def vote(self, answer: Recorded, page: int, user_id: int, chat_id: int | None, adapter: str,
             vote: str) -> str | None:
        """Record `vote`; returns the vote it replaced ("" for a first vote), None on failure."""
        assert vote in VOTES, vote
        previous = self.storage.rows(
            "SELECT vote FROM votes WHERE answer_key = ? AND user_id = ?", (answer.key, user_id))
        shown = answer.shown[page] if 0 <= page < len(answer.shown) else ()
        written = self.storage.write(
            "INSERT INTO votes (answer_key, user_id, chat_id, adapter, page, vote, at, question, shown)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_key, user_id) DO UPDATE SET"
            " page = excluded.page, vote = excluded.vote, at = excluded.at, shown = excluded.shown",
            (answer.key, user_id, chat_id, adapter, page, vote, now(), answer.question,
             json.dumps([s.to_json() for s in shown], ensure_ascii=False)))
        if written is None:
            return None
        return previous[0]["vote"] if previous else ""

    def reports(self, limit: int = 10) -> list[Report]:
        """The most recent 👎 and 发言人有误, newest first."""
        rows = self.storage.rows(
            "SELECT at, vote, adapter, user_id, question, shown FROM votes WHERE vote IN (?, ?)"
            " ORDER BY at DESC, rowid DESC LIMIT ?", (*DOUBTS, limit))
        return [Report(r["at"], r["vote"], r["adapter"], r["user_id"], r["question"],
                       _shown(r["shown"])) for r in rows]

    def stats(self, days: int = 7, top: int = 5) -> Stats:
        """Questions per day over `days`, the declined share, and what most needs attention."""
        since = (datetime.now(UTC) - timedelta(days=days - 1)).strftime("%Y-%m-%d")
        per_day = [
            (r["day"], r["n"], r["declined"]) for r in self.storage.rows(
                "SELECT day, COUNT(*) AS n, SUM(kind IN ('not_found', 'invalid')) AS declined"
                " FROM questions WHERE day >= ? GROUP BY day ORDER BY day", (since,))
        ]
        totals = self.storage.rows(
            "SELECT COUNT(*) AS n, COALESCE(SUM(kind IN ('not_found', 'invalid')), 0) AS declined"
            " FROM questions")
        unanswered = [
            (r["question"], r["n"]) for r in self.storage.rows(
                "SELECT question, COUNT(*) AS n FROM questions WHERE kind = 'not_found'"
                " GROUP BY question ORDER BY n DESC, MAX(at) DESC LIMIT ?", (top,))
        ]
        doubts: Counter[str] = Counter()
        quotes: dict[str, str] = {}
        for row in self.storage.rows("SELECT shown FROM votes WHERE vote IN (?, ?)", DOUBTS):
            for shown in _shown(row["shown"]):
                doubts[shown.passage_id] += 1
                quotes.setdefault(shown.passage_id, shown.quote)
        votes = {r["vote"]: r["n"] for r in self.storage.rows(
            "SELECT vote, COUNT(*) AS n FROM votes GROUP BY vote")}
        total = totals[0]["n"] if totals else 0
        declined = totals[0]["declined"] if totals else 0
        return Stats(per_day, total, declined, unanswered,
                     [(p, n, quotes[p]) for p, n in doubts.most_common(top)], votes)

    def rows_for_report(self) -> list[dict[str, object]]:
        """Every vote, oldest first, as flat rows (for CSV)."""
        out = []
        for r in self.storage.rows(
                "SELECT at, vote, adapter, user_id, chat_id, question, shown FROM votes ORDER BY at"):
            shown = _shown(r["shown"])
            out.append({
                "at": r["at"], "vote": r["vote"], "adapter": r["adapter"], "user": r["user_id"],
                "chat": r["chat_id"], "question": r["question"],
                "passages": " ".join(s.passage_id for s in shown),
                "speakers": " | ".join(s.speaker for s in shown),
                "quotes": " | ".join(s.quote for s in shown),
            })
        return out


def _shown(raw: str) -> tuple[Shown, ...]:
    try:
        return tuple(Shown.from_json(s) for s in json.loads(raw) if isinstance(s, dict))
    except (ValueError, TypeError):
        return ()
