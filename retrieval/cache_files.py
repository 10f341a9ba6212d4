"""Files of the persisted index: checked blobs, and the lazy sequences read from them.

A blob is a pickled value behind a magic string and the SHA-256 of its bytes, written
atomically; reading one that fails its check raises `IndexError_`, so the store rebuilds it.
`Passages` and `Documents` read a document's entry only when a question first needs it.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.errors import DocumentError, IndexError_
from retrieval.models import Document, Passage

if TYPE_CHECKING:
    from retrieval.store import IndexStore

_MAGIC = b"chuchu-cache\x01"


# -- checked blobs --------------------------------------------------------------------------
def _write_blob(path: Path, value: object) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
    os.replace(temporary, path)


def _read_blob(path: Path) -> object:
    """The value in `path`; raises `IndexError_` when the file is damaged."""
    data = path.read_bytes()
    head = len(_MAGIC) + 32
    if data[:len(_MAGIC)] != _MAGIC or hashlib.sha256(data[head:]).digest() != data[len(_MAGIC):head]:
        raise IndexError_(f"damaged cache entry {path.name}")
    return pickle.loads(data[head:])  # noqa: S301 - our own file, checked above


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _bar(items: Iterable, show: bool, what: str, total: int | None = None) -> Iterator:
    """`items`, with a tqdm bar on stderr when `show` (and tqdm is installed)."""
    if show:
        try:
            from tqdm import tqdm
        except ImportError:
            return iter(items)
        return iter(tqdm(items, desc=what, total=total, leave=False, file=sys.stderr))
    return iter(items)


@dataclass(frozen=True)
class Corpus:
    """The documents of a folder, their passages in order, and the files that were skipped.

    `documents` and `passages` are read lazily, a document at a time, from the cache.
    """

    documents: Sequence[Document]
    passages: Sequence[Passage]
    skipped: list[DocumentError]


@dataclass
class _Part:
    """One document's cache entry and its number of passages, as `files.json` records it."""

    path: Path
    entry: Path
    count: int


class _Parts:
    """A folder's per-document entries, read on first use and kept in a small LRU.

    Unpickling a million passages took 21 s at every start; the answer core needs a few dozen
    per question, so a restart reads none of them. Each passage is pickled on its own, so a
    question that pools thirty passages from thirty documents unpickles thirty passages, not
    six thousand. Questions run on several threads.
    """

    CACHED = 512  # documents kept in memory, as pickled passages (about 100 kB each)

    def __init__(self, store: IndexStore, folder: Path, parts: list[_Part]) -> None:
        self.store = store
        self.folder = folder
        self.parts = parts
        self.starts: list[int] = []
        total = 0
        for part in parts:
            self.starts.append(total)
            total += part.count
        self.total = total
        self._cache: OrderedDict[int, tuple[Document, list[bytes]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, i: int) -> tuple[Document, list[bytes]]:
        with self._lock:
            found = self._cache.get(i)
            if found is not None:
                self._cache.move_to_end(i)
                return found
            found = self.store._load_part(self.parts[i], self.folder)
            self._cache[i] = found
            if len(self._cache) > self.CACHED:
                self._cache.popitem(last=False)
            return found


class _Lazy(Sequence):
    """A read-only sequence whose items are fetched by `_item` on demand."""

    def __init__(self, parts: _Parts) -> None:
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
        return pickle.loads(self._parts.get(part)[1][i - self._parts.starts[part]])

    def __iter__(self) -> Iterator[Passage]:
        for part in range(len(self._parts.parts)):
            if self._parts.parts[part].count:
                yield from map(pickle.loads, self._parts.get(part)[1])

    def __repr__(self) -> str:
        return f"<{len(self)} passages of {len(self._parts.parts)} documents>"


class Documents(_Lazy):
    """Every document of a corpus in order, read from its cache entry when first needed."""

    def __len__(self) -> int:
        return len(self._parts.parts)

    def _item(self, i: int) -> Document:
        return self._parts.get(i)[0]

    def __repr__(self) -> str:
        return f"<{len(self)} documents>"
