"""The corpus as lazy sequences over its passage entries: a passage is read when asked for.

Unpickling a million passages took 21 s at every start; the answer core needs a few dozen per
question, so a start reads none of them. A question that pools thirty passages from thirty
documents reads thirty headers and thirty passages, not six thousand passages (whole entries,
300 kB each, made an answer's p95 77 ms at a million passages). Headers and the passages read
last are kept in LRUs. Questions run on several threads.

The flow goes one way: these sequences read entries and nothing else. An entry that fails its
check, has gone or holds another number of passages is not rebuilt here (an answer must never
re-read or re-chunk a source file, whose text may no longer be the one indexed): it is
removed, so that the next build chunks its document again, and the question gets
`CacheUnavailable`, a message in Chinese. A build's entries are held by its generation's lease
(`generations.Lease`), so another build cannot prune them from under a running answerer.
"""

from __future__ import annotations

import bisect
import logging
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.cache.entries import Entry, Header, read_entry, read_item, terms_of
from retrieval.cache.files import Damaged
from retrieval.errors import DocumentError, IndexError_
from retrieval.models import Document, Passage
from retrieval.reading import Span

logger = logging.getLogger(__name__)


class CacheUnavailable(IndexError_):
    """A passage the index needs can no longer be read from the cache."""

    MESSAGE = ("索引缓存中的一个文件已损坏或已被删除，这段原文暂时无法给出。"
               "请重新加载文档后再问（命令行重新运行即可，Telegram 机器人由管理员发送 /reload）。")

    def __init__(self, message: str = MESSAGE) -> None:  # the argument: to unpickle from a worker
        super().__init__(message)


@dataclass
class Part:
    """One document's entry: where it is, its key and number of passages, or the entry itself
    when the cache could not be written."""

    name: str  # the document's path in its folder
    path: Path
    key: str
    count: int
    memory: Entry | None = None


class Lru:
    """The values used last, within `budget` bytes as `size(value)` counts them (not locked)."""

    def __init__(self, budget: int, size: Callable[[object], int]) -> None:
        self.budget = budget
        self.held = 0
        self._size = size
        self._values: OrderedDict[object, object] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: object) -> object | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: object, value: object) -> None:
        self.pop(key)
        self._values[key] = value
        self.held += self._size(value)
        while self.held > self.budget and len(self._values) > 1:
            self.held -= self._size(self._values.popitem(last=False)[1])

    def pop(self, key: object) -> None:
        if key in self._values:
            self.held -= self._size(self._values.pop(key))


class Parts:
    """A corpus's per-document entries; headers are read on first use and kept in an LRU.

    `headers` may hold the headers a build already read and checked.
    """

    HEADER_BYTES = 32 << 20  # 25 bytes a passage: a million passages' headers fit
    PASSAGE_BYTES = 8 << 20  # pickled passages read last: some ten thousand

    def __init__(self, parts: list[Part], headers: dict[int, Header] | None = None) -> None:
        self.parts = parts
        self.starts: list[int] = []
        total = 0
        for part in parts:
            self.starts.append(total)
            total += part.count
        self.total = total
        self.lease: object = None  # what keeps the entries from being pruned (`hold`)
        self._headers = Lru(self.HEADER_BYTES, lambda header: header.memory)
        for i, header in (headers or {}).items():
            self._headers.put(i, header)
        self._passages = Lru(self.PASSAGE_BYTES, lambda pickled: sys.getsizeof(pickled) + 100)
        self._lock = threading.Lock()

    def hold(self, lease: object) -> None:
        """Keep `lease` (the generation's) for as long as these entries may be read."""
        self.lease = lease

    def _unavailable(self, i: int, error: Exception) -> CacheUnavailable:
        """Log why entry `i` cannot be read, remove it if it is there, and say so to the user."""
        part = self.parts[i]
        logger.error("cache entry %s of %s cannot be read (%s); it is removed and its document "
                     "will be chunked again by the next build", part.path.name, part.name, error)
        with self._lock:
            self._headers.pop(i)
        if isinstance(error, Damaged):
            try:
                part.path.unlink(missing_ok=True)
            except OSError:  # a read-only cache: the next build finds the damage itself
                pass
        return CacheUnavailable()

    def get(self, i: int) -> Entry:
        """Document `i`, all its pickled passages and its terms, from one read of its entry."""
        part = self.parts[i]
        if part.memory is not None:
            return part.memory
        try:
            found = read_entry(part.path, part.key)
            if len(found[1]) != part.count:
                raise Damaged(f"{len(found[1])} passages, not {part.count}")
        except (Damaged, OSError) as error:
            raise self._unavailable(i, error) from None
        return found

    def item(self, i: int, item: int) -> bytes:
        """Item `item` of entry `i` (0: the document, k + 1: passage k, count + 1: terms)."""
        part = self.parts[i]
        if part.memory is not None:
            document, pickled, terms = part.memory
            if item == 0:
                return pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
            if item <= len(pickled):
                return pickled[item - 1]
            return pickle.dumps(terms, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            header = self._headers.get(i)
        try:
            fresh, data = read_item(part.path, part.key, header, item)
            if fresh.count != part.count:
                raise Damaged(f"{fresh.count} passages, not {part.count}")
        except (Damaged, OSError) as error:
            raise self._unavailable(i, error) from None
        if header is None:  # read outside the lock: two threads may both read it, harmlessly
            with self._lock:
                self._headers.put(i, fresh)
        return data

    def passage(self, i: int, k: int) -> bytes:
        """Passage `k` of document `i`, pickled, read and checked on its own."""
        with self._lock:
            found = self._passages.get((i, k))
        if found is None:
            found = self.item(i, k + 1)
            with self._lock:
                self._passages.put((i, k), found)
        return found  # type: ignore[return-value]

    def document(self, i: int) -> Document:
        """Document `i`, read and checked without its passages."""
        return pickle.loads(self.item(i, 0))  # noqa: S301 - checked

    def terms(self, i: int) -> list[str]:
        """The corpus terms of document `i`, read and checked without its passages."""
        part = self.parts[i]
        try:
            return terms_of(self.item(i, part.count + 1), part.path.name)
        except Damaged as error:
            raise self._unavailable(i, error) from None


class _Lazy(Sequence):
    """A read-only sequence whose items are fetched by `_item` on demand."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def _item(self, i: int) -> object:
        raise NotImplementedError

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"{type(self).__name__.lower()} index out of range")
        return self._item(i)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]


class Passages(_Lazy):
    """Every passage of a corpus in order; a document's passages are read when first needed."""

    def __len__(self) -> int:
        return self._parts.total

    def _item(self, i: int) -> Passage:
        part = bisect.bisect_right(self._parts.starts, i) - 1  # the last of equal starts
        return pickle.loads(self._parts.passage(part, i - self._parts.starts[part]))  # noqa: S301

    def __iter__(self) -> Iterator[Passage]:
        return self.iter_range(0, len(self))

    def iter_range(self, start: int, stop: int) -> Iterator[Passage]:
        """Passages `start` to `stop` in order, each document's entry read once, whole."""
        starts = self._parts.starts
        part = max(bisect.bisect_right(starts, start) - 1, 0)
        while part < len(starts) and starts[part] < stop:
            if self._parts.parts[part].count:
                pickled = self._parts.get(part)[1]
                low, high = max(start - starts[part], 0), min(stop - starts[part], len(pickled))
                yield from map(pickle.loads, pickled[low:high])  # noqa: S301 - checked entries
            part += 1

    def corpus_terms(self) -> set[str]:
        """The corpus terms of every document (`vocabulary.corpus_terms` of all passages), as
        recorded in each entry: no passage is read."""
        terms: set[str] = set()
        for part in range(len(self._parts.parts)):
            terms.update(self._parts.terms(part))
        return terms

    def hold(self, lease: object) -> None:
        """Keep `lease` for as long as these passages may be read (`Parts.hold`)."""
        self._parts.hold(lease)

    def __repr__(self) -> str:
        return f"<{len(self)} passages of {len(self._parts.parts)} documents>"


class Documents(_Lazy):
    """Every document of a corpus in order, read from its cache entry when first needed."""

    def __len__(self) -> int:
        return len(self._parts.parts)

    def _item(self, i: int) -> Document:
        return self._parts.document(i)

    def __repr__(self) -> str:
        return f"<{len(self)} documents>"


@dataclass(frozen=True)
class Corpus:
    """The documents of a folder, their passages in order, and the files that were skipped.

    `documents` and `passages` are read lazily, a document at a time, from the cache.
    """

    documents: Sequence[Document]
    passages: Passages
    skipped: list[DocumentError]
    spans: list[Span]  # each document's passages and entry (`reading.read_corpus`)
