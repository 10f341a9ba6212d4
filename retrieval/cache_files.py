"""Files of the persisted index: checked blobs, passage entries, and the lazy sequences over them.

A blob is a pickled value behind a magic string and the SHA-256 of its bytes, written
atomically; reading one that fails its check raises `IndexError_`, so the store rebuilds it.

A passage entry holds one document and its passages, laid out so that one passage can be read
and checked without the rest (integers are little-endian u64, digests 16-byte BLAKE2b):

    magic | n | n + 3 offsets | n + 2 digests | digest of all the above      (the header)
    | the pickled `Document` | passage 0 pickled | ... | passage n - 1 pickled | terms pickled

Item 0 is the document, item k + 1 passage k and item n + 1 the document's corpus terms (the
words its passages add to the tokenizer's user dictionary, `vocabulary.corpus_terms`), so that
a build knows the whole corpus's user dictionary from the entries' last items, before it reads
any passage. Item i lies from offset i to offset i + 1, the first offset is where the header
ends and the last the file's size, which must match. The
document (its whole text) is an item rather than part of the header, so that a header stays at
24 bytes a passage. `Passages` and `Documents` read a document's header when a question first
needs it, keep it in an LRU, and then read and check only the bytes of the item asked for; an
entry that fails a check is read whole by the store, which rebuilds it.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import logging
import os
import pickle
import struct
import sys
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.errors import DocumentError, IndexError_
from retrieval.models import Document, Passage

if TYPE_CHECKING:
    from retrieval.reading import Span
    from retrieval.store import IndexStore

logger = logging.getLogger(__name__)

_MAGIC = b"chuchu-cache\x01"


# -- checked blobs --------------------------------------------------------------------------
def _write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.writelines(chunks)
    os.replace(temporary, path)


def _write_blob(path: Path, value: object) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    _write_atomically(path, (_MAGIC, hashlib.sha256(payload).digest(), payload))


def _read_blob(path: Path) -> object:
    """The value in `path`; raises `IndexError_` when the file is damaged."""
    data = path.read_bytes()
    head = len(_MAGIC) + 32
    payload = memoryview(data)[head:]  # not a copy: the summary of a million passages is large
    if data[:len(_MAGIC)] != _MAGIC or hashlib.sha256(payload).digest() != data[len(_MAGIC):head]:
        raise IndexError_(f"damaged cache entry {path.name}")
    return pickle.loads(payload)  # noqa: S301 - our own file, checked above


# -- passage entries ------------------------------------------------------------------------
_ENTRY_MAGIC = b"chuchu-passages\x02"  # unlike `_MAGIC`, so a blob is never read as an entry
_DIGEST = 16
_COUNT = struct.Struct("<Q")
_FIRST_READ = 8192  # one read holds the header of a document of up to 330 passages


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


class _Header:
    """Where each item of an entry lies (`offsets[i]` to `offsets[i + 1]`) and its digest."""

    __slots__ = ("offsets", "digests", "memory")

    def __init__(self, offsets: array, digests: bytes) -> None:
        self.offsets = offsets
        self.digests = digests
        self.memory = sys.getsizeof(offsets) + sys.getsizeof(digests) + 100  # bytes held

    @property
    def count(self) -> int:
        """The number of passages."""
        return len(self.offsets) - 3

    def checked(self, item: int, data: bytes, name: str) -> bytes:
        """`data`, read as item `item`; raises `IndexError_` unless it is what was written."""
        if len(data) != self.offsets[item + 1] - self.offsets[item] \
                or _digest(data) != self.digests[item * _DIGEST:(item + 1) * _DIGEST]:
            raise IndexError_(f"cache entry {name}: item {item} fails its check")
        return data


def _parse_header(read: Callable[[int, int], bytes], size: int, name: str) -> _Header:
    """The checked header of an entry of `size` bytes; `read(offset, length)` gives its bytes."""
    head = read(0, min(size, _FIRST_READ))
    fixed = len(_ENTRY_MAGIC) + _COUNT.size
    if len(head) < fixed or head[:len(_ENTRY_MAGIC)] != _ENTRY_MAGIC:
        raise IndexError_(f"cache entry {name} is not a passage entry of this version")
    items = _COUNT.unpack_from(head, len(_ENTRY_MAGIC))[0] + 2
    end = fixed + (items + 1) * 8 + items * _DIGEST  # where the header's own digest starts
    start = end + _DIGEST
    if start > size:
        raise IndexError_(f"cache entry {name} is shorter than its header")
    if start > len(head):
        head += read(len(head), start - len(head))
    if _digest(head[:end]) != head[end:start]:
        raise IndexError_(f"cache entry {name} has a damaged header")
    offsets = array("Q", head[fixed:fixed + (items + 1) * 8])
    if sys.byteorder == "big":
        offsets.byteswap()
    if offsets[0] != start or offsets[-1] != size:
        raise IndexError_(f"cache entry {name} is {size} bytes, not what its header says")
    return _Header(offsets, head[fixed + (items + 1) * 8:end])


Entry = tuple[Document, list[bytes], list[str]]  # a document, its pickled passages, its terms


def write_entry(path: Path, document: Document, passages: Sequence[Passage],
                terms: Iterable[str]) -> Entry:
    """Write `document`, its passages and its corpus terms as one entry, atomically.

    Returns what `read_entry` gives back: the document, its pickled passages and its terms.
    """
    pickled = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in passages]
    words = sorted(terms)
    items = [pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL), *pickled,
             pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL)]
    start = len(_ENTRY_MAGIC) + _COUNT.size + (len(items) + 1) * 8 + len(items) * _DIGEST + _DIGEST
    offsets = itertools.accumulate(map(len, items), initial=start)
    head = b"".join((_ENTRY_MAGIC, _COUNT.pack(len(pickled)),
                     struct.pack(f"<{len(items) + 1}Q", *offsets), *map(_digest, items)))
    _write_atomically(path, (head, _digest(head), *items))
    return document, pickled, words


def _terms(data: bytes, name: str) -> list[str]:
    words = pickle.loads(data)  # noqa: S301 - our own file, checked
    if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        raise IndexError_(f"cache entry {name} does not end with its terms")
    return words


def read_entry(path: Path) -> Entry:
    """The document in `path`, its pickled passages and its terms, each checked, in one read.

    Raises `IndexError_` when the entry is damaged, truncated or of another format.
    """
    data = path.read_bytes()
    header = _parse_header(lambda offset, length: data[offset:offset + length], len(data),
                           path.name)
    offsets = header.offsets
    items = [header.checked(i, data[offsets[i]:offsets[i + 1]], path.name)
             for i in range(len(offsets) - 1)]
    document = pickle.loads(items[0])  # noqa: S301 - our own file, checked above
    if not isinstance(document, Document):
        raise IndexError_(f"cache entry {path.name} does not start with a document")
    return document, items[1:-1], _terms(items[-1], path.name)


def _read_item(path: Path, header: _Header | None, item: int) -> tuple[_Header, bytes]:
    """Item `item` of the entry in `path`, checked, and the entry's header.

    The header is read (and checked against the file's size) unless one is given.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        if header is None:
            header = _parse_header(lambda offset, length: os.pread(fd, length, offset),
                                   os.fstat(fd).st_size, path.name)
        start, end = header.offsets[item], header.offsets[item + 1]
        return header, header.checked(item, os.pread(fd, end - start, start), path.name)
    finally:
        os.close(fd)


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
    passages: Passages
    skipped: list[DocumentError]
    spans: list[Span]  # each document's passages and entry (`reading.read_corpus`)


@dataclass
class _Part:
    """One document's cache entry and its number of passages, as `files.json` records it."""

    path: Path
    entry: Path
    count: int


class _Lru:
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


class _Parts:
    """A folder's per-document entries, whose headers are read on first use and kept in an LRU.

    Unpickling a million passages took 21 s at every start; the answer core needs a few dozen
    per question, so a restart reads none of them. A question that pools thirty passages from
    thirty documents reads thirty headers and thirty passages, not six thousand passages (whole
    entries, 300 kB each, made an answer's p95 77 ms at a million passages). The passages read
    last are kept too, so a question asked again reads nothing, even once a reload has removed
    the entries. Questions run on several threads.
    """

    HEADER_BYTES = 32 << 20  # 25 bytes a passage: a million passages' headers fit
    PASSAGE_BYTES = 8 << 20  # pickled passages read last: some ten thousand

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
        self._headers = _Lru(self.HEADER_BYTES, lambda header: header.memory)
        self._passages = _Lru(self.PASSAGE_BYTES, lambda pickled: sys.getsizeof(pickled) + 100)
        self._lock = threading.Lock()

    def get(self, i: int) -> Entry:
        """Document `i`, all its pickled passages and its terms, from one read of its entry."""
        with self._lock:  # the store rebuilds a damaged entry here
            return self.store._load_part(self.parts[i], self.folder)

    def passage(self, i: int, k: int) -> bytes:
        """Passage `k` of document `i`, pickled, read and checked on its own."""
        with self._lock:
            found = self._passages.get((i, k))
        if found is None:
            found = self._read(i, k + 1)
            if found is None:
                found = self.get(i)[1][k]
            with self._lock:
                self._passages.put((i, k), found)
        return found

    def document(self, i: int) -> Document:
        """Document `i`, read and checked without its passages."""
        found = self._read(i, 0)
        return pickle.loads(found) if found is not None else self.get(i)[0]  # noqa: S301

    def terms(self, i: int) -> list[str]:
        """The corpus terms of document `i`, read and checked without its passages."""
        found = self._read(i, self.parts[i].count + 1)
        if found is not None:
            try:
                return _terms(found, self.parts[i].entry.name)
            except (IndexError_, pickle.UnpicklingError, EOFError, AttributeError):
                pass  # checked bytes that are not terms: the store says so and rebuilds
        return self.get(i)[2]

    def _read(self, i: int, item: int) -> bytes | None:
        """Item `item` of entry `i`; None when the entry fails a check, is gone or was changed.

        The store then reads the entry whole, says what is wrong and rebuilds it (or refuses
        it), so a damaged entry is logged and counted once.
        """
        part = self.parts[i]
        with self._lock:
            header = self._headers.get(i)
        try:
            fresh, data = _read_item(part.entry, header, item)
            if fresh.count != part.count:
                raise IndexError_(f"cache entry {part.entry.name} holds {fresh.count} passages")
        except (IndexError_, OSError) as exc:
            logger.debug("reading %s whole: %s", part.entry.name, exc)
            with self._lock:
                self._headers.pop(i)
            return None
        if header is None:  # read outside the lock: two threads may both read it, harmlessly
            with self._lock:
                self._headers.put(i, fresh)
        return data


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
