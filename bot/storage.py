"""The service's own store: one SQLite file (standard library, WAL) in the data folder.

It keeps what people add while the bot runs: the question log and the pages of recent answers
(`bot.question_log`), feedback (`bot.feedback`), speaker corrections (`bot.fixes`) and access
grants (`bot.grants`). It is created and migrated when a command starts: `PRAGMA user_version`
says which of `MIGRATIONS` have run, and the missing ones run in one transaction each.

A store that cannot be used (a damaged file, a lock held too long, a folder that cannot be
written, a store written by a newer chuchu) never stops the answers: `open_storage` says so in
one line (`Storage.problem`) and hands back a store in memory, which works for the session and
keeps nothing. A failure later on is logged once per kind and the operation is skipped.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FILE_NAME = "chuchu.sqlite3"
BUSY_TIMEOUT_MS = 2000  # how long a write waits for another process's write to finish

# Each entry is one schema version; never edit one that has shipped, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        day TEXT NOT NULL,
        adapter TEXT NOT NULL,
        chat_id INTEGER,
        user_id INTEGER,
        question TEXT NOT NULL,
        kind TEXT NOT NULL,
        hits INTEGER NOT NULL
    );
    CREATE INDEX questions_day ON questions (day);
    CREATE INDEX questions_kind ON questions (kind);
    CREATE TABLE answers (
        key TEXT PRIMARY KEY,
        question_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        pages TEXT NOT NULL,
        shown TEXT NOT NULL
    );
    CREATE INDEX answers_at ON answers (at);
    CREATE TABLE votes (
        answer_key TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        chat_id INTEGER,
        adapter TEXT NOT NULL,
        page INTEGER NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down', 'speaker')),
        at TEXT NOT NULL,
        question TEXT NOT NULL,
        shown TEXT NOT NULL,
        PRIMARY KEY (answer_key, user_id)
    );
    CREATE INDEX votes_at ON votes (at);
    CREATE TABLE corrections (
        passage_id TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        name TEXT,
        title TEXT NOT NULL DEFAULT '',
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (passage_id, text_hash)
    );
    CREATE TABLE grants (
        subject INTEGER PRIMARY KEY,
        allowed INTEGER NOT NULL,
        by INTEGER,
        at TEXT NOT NULL
    );
    """,
)


class StoreUnusable(Exception):
    """The store on disk cannot be used; the message says why, in one line."""


def now() -> str:
    """The current time as ISO 8601 UTC, to the second (how every row records time)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Storage:
    """One SQLite connection shared by the event loop and worker threads, behind a lock."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None, problem: str = "") -> None:
        self._connection = connection
        self._lock = threading.RLock()
        self._reported: set[str] = set()
        self.path = path
        self.problem = problem

    @property
    def persistent(self) -> bool:
        return self.path is not None

    # -- queries -------------------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """The rows of a query; none when the store fails (logged once per kind)."""
        try:
            with self._lock:
                return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            self._report("read", error)
            return []

    def write(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        """Run one statement in its own transaction; the new row id, or None on failure."""
        try:
            with self._lock, self._connection:
                return self._connection.execute(sql, params).lastrowid
        except sqlite3.Error as error:
            self._report("write", error)
            return None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction; a failure in it is logged and rolled back."""
        with self._lock:
            try:
                with self._connection:
                    yield self._connection
            except sqlite3.Error as error:
                self._report("write", error)

    def data_version(self) -> int:
        """Changes whenever another connection commits (so caches know to reload)."""
        rows = self.rows("PRAGMA data_version")
        return int(rows[0][0]) if rows else 0

    def schema_version(self) -> int:
        rows = self.rows("PRAGMA user_version")
        return int(rows[0][0]) if rows else 0

    def check(self) -> str:
        """`ok`, or what SQLite's quick integrity check found wrong."""
        rows = self.rows("PRAGMA quick_check")
        return "; ".join(str(row[0]) for row in rows[:3]) if rows else "无法读取"

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _report(self, action: str, error: sqlite3.Error) -> None:
        key = f"{action}:{type(error).__name__}:{error}"
        if key not in self._reported:  # a broken disk would otherwise log every question
            self._reported.add(key)
            logger.error("store %s failed (%s): %s; answers go on without it",
                         action, self.path or "memory", error)


class Freshness:
    """Tells a cache of the store when to reload: after its own writes at once, after other
    processes' writes within `interval` seconds.

    SQLite's `data_version` changes when another connection commits; it is asked at most once
    per interval, so the event loop and the answering threads do not queue on the store's lock
    for every question.
    """

    def __init__(self, storage: Storage, interval: float = 1.0) -> None:
        self.storage = storage
        self.interval = interval
        self._version: int | None = None
        self._checked = float("-inf")

    def stale(self) -> bool:
        """True when the cache must be (re)loaded now."""
        if self._version is None or not self.storage.persistent:
            return True
        now = time.monotonic()
        if now - self._checked < self.interval:
            return False
        self._checked = now
        return self.storage.data_version() != self._version

    def loaded(self) -> None:
        """The cache was just loaded from the store."""
        self._version = self.storage.data_version()
        self._checked = time.monotonic()

    def invalidate(self) -> None:
        """This process wrote: the next look reloads."""
        self._version = None


def _connect(target: str | Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level="DEFERRED",
        check_same_thread=False,
    )
    connection.row_factory = sqlite3.Row
    return connection


def migrate(connection: sqlite3.Connection) -> int:
    """Run the migrations this store has not had yet; returns the schema version."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise StoreUnusable(
            f"它由更新版本的 chuchu 写入（结构版本 {version}，本版本只认识到 {len(MIGRATIONS)}）")
    for number, script in enumerate(MIGRATIONS[version:], version + 1):
        with connection:
            connection.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        logger.info("store migrated to schema version %d", number)
    return max(version, len(MIGRATIONS))


def memory_storage(problem: str = "") -> Storage:
    """A store in memory with the full schema: works for this process, keeps nothing."""
    connection = _connect(":memory:")
    migrate(connection)
    return Storage(connection, None, problem)


def open_storage(folder: Path) -> Storage:
    """The store in `folder` (created and migrated), or one in memory with `problem` set."""
    path = folder / FILE_NAME
    connection: sqlite3.Connection | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        connection = _connect(path)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL keeps it consistent on a crash
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
        return Storage(connection, path)
    except (OSError, sqlite3.Error, StoreUnusable) as error:
        if connection is not None:
            connection.close()
        reason = _reason(error)
        problem = (f"数据库 {path} 无法使用（{reason}）：反馈、更正、授权和翻页本次只保存在内存中，"
                   "重启后不保留；回答照常")
        return memory_storage(problem)


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in text:
        return "文件已损坏或不是数据库"
    if isinstance(error, sqlite3.OperationalError) and "locked" in text:
        return "被另一个进程锁住"
    return text
