"""Passage entries: one document and its passages in one file, each passage readable alone.

A passage entry holds one document and its passages, laid out so that one passage can be read
and checked without the rest (integers are little-endian, digests 16-byte BLAKE2b):

    magic | key length (u16) | key | n (u64) | n + 3 offsets (u64) | n + 2 digests
    | digest of all the above                                                  (the header)
    | the pickled `Document` | passage 0 pickled | ... | passage n - 1 pickled | terms pickled

Item 0 is the document, item k + 1 passage k and item n + 1 the document's corpus terms (the
words its passages add to the tokenizer's user dictionary, `vocabulary.corpus_terms`), so that
a build knows the whole corpus's user dictionary from the entries' last items, before it reads
any passage. Item i lies from offset i to offset i + 1, the first offset is where the header
ends and the last the file's size, which must match. The key the entry was written under is in
its header, so an entry copied or renamed over another one's name is refused, as is one whose
passage count is not the one expected. The document (its whole text) is an item rather than
part of the header, so that a header stays at 24 bytes a passage.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from retrieval.cache.files import Damaged, Writer
from retrieval.models import Document, Passage

_ENTRY_MAGIC = b"chuchu-passages\x03"  # unlike a blob's magic, so a blob is never an entry
_DIGEST = 16
_COUNT = struct.Struct("<Q")
_KEY_LENGTH = struct.Struct("<H")
_FIRST_READ = 8192  # one read holds the header of a document of up to 330 passages

Entry = tuple[Document, list[bytes], list[str]]  # a document, its pickled passages, its terms


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


class Header:
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
        """`data`, read as item `item`; raises `Damaged` unless it is what was written."""
        if len(data) != self.offsets[item + 1] - self.offsets[item] \
                or _digest(data) != self.digests[item * _DIGEST:(item + 1) * _DIGEST]:
            raise Damaged(f"cache entry {name}: item {item} fails its check")
        return data


def _parse_header(read: Callable[[int, int], bytes], size: int, name: str, key: str) -> Header:
    """The checked header of the entry of `key`, `size` bytes long, read by `read(offset,
    length)`."""
    head = read(0, min(size, _FIRST_READ))
    written = key.encode()
    fixed = len(_ENTRY_MAGIC) + _KEY_LENGTH.size + len(written) + _COUNT.size
    if len(head) < fixed or head[:len(_ENTRY_MAGIC)] != _ENTRY_MAGIC:
        raise Damaged(f"cache entry {name} is not a passage entry of this version")
    at = len(_ENTRY_MAGIC)
    if _KEY_LENGTH.unpack_from(head, at)[0] != len(written) \
            or head[at + _KEY_LENGTH.size:at + _KEY_LENGTH.size + len(written)] != written:
        raise Damaged(f"cache entry {name} was written under another key")
    items = _COUNT.unpack_from(head, fixed - _COUNT.size)[0] + 2
    end = fixed + (items + 1) * 8 + items * _DIGEST  # where the header's own digest starts
    start = end + _DIGEST
    if start > size:
        raise Damaged(f"cache entry {name} is shorter than its header")
    if start > len(head):
        head += read(len(head), start - len(head))
    if _digest(head[:end]) != head[end:start]:
        raise Damaged(f"cache entry {name} has a damaged header")
    offsets = array("Q", head[fixed:fixed + (items + 1) * 8])
    if sys.byteorder == "big":
        offsets.byteswap()
    if offsets[0] != start or offsets[-1] != size:
        raise Damaged(f"cache entry {name} is {size} bytes, not what its header says")
    return Header(offsets, head[fixed + (items + 1) * 8:end])


def encode_entry(key: str, document: Document, passages: Sequence[Passage],
                 terms: Iterable[str]) -> tuple[list[bytes], Entry]:
    """The bytes of the entry of `key` (to write in order) and the `Entry` they hold."""
    pickled = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in passages]
    words = sorted(terms)
    items = [pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL), *pickled,
             pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL)]
    name = key.encode()
    fixed = len(_ENTRY_MAGIC) + _KEY_LENGTH.size + len(name) + _COUNT.size
    start = fixed + (len(items) + 1) * 8 + len(items) * _DIGEST + _DIGEST
    offsets = itertools.accumulate(map(len, items), initial=start)
    head = b"".join((_ENTRY_MAGIC, _KEY_LENGTH.pack(len(name)), name, _COUNT.pack(len(pickled)),
                     struct.pack(f"<{len(items) + 1}Q", *offsets), *map(_digest, items)))
    return [head, _digest(head), *items], (document, pickled, words)


def write_entry(writer: Writer, path: Path, key: str, document: Document,
                passages: Sequence[Passage], terms: Iterable[str]) -> tuple[bool, Entry]:
    """Write `document`, its passages and its corpus terms as the entry of `key`, atomically.

    Returns whether it was written, and what `read_entry` gives back: the document, its
    pickled passages and its terms.
    """
    chunks, entry = encode_entry(key, document, passages, terms)
    return writer.write(path, chunks), entry


def _terms(data: bytes, name: str) -> list[str]:
    words = pickle.loads(data)  # noqa: S301 - our own file, checked
    if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        raise Damaged(f"cache entry {name} does not end with its terms")
    return words


def terms_of(data: bytes, name: str) -> list[str]:
    """The corpus terms in an entry's last item, read and checked (`read_item`)."""
    try:
        return _terms(data, name)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise Damaged(f"cache entry {name}: its terms do not unpickle ({exc})") from None


def read_entry(path: Path, key: str) -> Entry:
    """The document in the entry of `key` at `path`, its pickled passages and its terms, each
    checked, in one read.

    Raises `Damaged` when the entry is damaged, truncated, of another format or key, and
    OSError when it cannot be read.
    """
    data = path.read_bytes()
    header = _parse_header(lambda offset, length: data[offset:offset + length], len(data),
                           path.name, key)
    offsets = header.offsets
    items = [header.checked(i, data[offsets[i]:offsets[i + 1]], path.name)
             for i in range(len(offsets) - 1)]
    try:
        document = pickle.loads(items[0])  # noqa: S301 - our own file, checked above
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise Damaged(f"cache entry {path.name}: its document does not unpickle ({exc})") from None
    if not isinstance(document, Document):
        raise Damaged(f"cache entry {path.name} does not start with a document")
    return document, items[1:-1], terms_of(items[-1], path.name)


def read_header(path: Path, key: str) -> Header:
    """The checked header of the entry of `key` at `path` (`Damaged`, or OSError)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return _parse_header(lambda offset, length: os.pread(fd, length, offset),
                             os.fstat(fd).st_size, path.name, key)
    finally:
        os.close(fd)


def read_item(path: Path, key: str, header: Header | None, item: int) -> tuple[Header, bytes]:
    """Item `item` of the entry of `key` at `path`, checked, and the entry's header.

    The header is read (and checked against the file's size and key) unless one is given.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        if header is None:
            header = _parse_header(lambda offset, length: os.pread(fd, length, offset),
                                   os.fstat(fd).st_size, path.name, key)
        if not 0 <= item < len(header.offsets) - 1:
            raise Damaged(f"cache entry {path.name} has no item {item}")
        start, end = header.offsets[item], header.offsets[item + 1]
        return header, header.checked(item, os.pread(fd, end - start, start), path.name)
    finally:
        os.close(fd)
