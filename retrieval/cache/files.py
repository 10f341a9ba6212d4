"""Writing cache files so that a failure leaves nothing behind, and checked blobs tied to keys.

Every cache file is written to a temporary file of a name no other writer can pick (process,
thread and random part) and renamed over its place, so a reader sees the old file or the new
one, never half. A write that fails (a read-only folder, a full disk, a quota) removes its
temporary file and turns the `Writer` off: it says so once, and from then on the build keeps
what it would have written in memory. The cache is an aid; answers never wait on it.

A blob is a pickled value behind a magic string, the key it was written under, and the SHA-256
of both: read back under another key (a file copied or renamed over another, a summary of
another corpus) or with a flipped byte, it raises `Damaged`.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import pickle
import secrets
import struct
import threading
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)

_MAGIC = b"chuchu-blob\x03"
_KEY_LENGTH = struct.Struct("<H")
TEMPORARY_SUFFIX = ".tmp"


class Damaged(ValueError):
    """A cache file that fails its check: damaged, truncated, of another format or key."""


def temporary_name(path: Path) -> Path:
    """A name beside `path` that no other process or thread writing `path` will use."""
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}."
                          f"{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")


def _why(error: OSError) -> str:
    """The reason a write failed, in Chinese, for the one line a user sees."""
    reasons = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额",
               errno.EROFS: "只读文件系统", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限"}
    return reasons.get(error.errno or 0, error.strerror or str(error))


class Writer:
    """Writes cache files atomically until the first write fails, then writes nothing more.

    Args:
        root: the cache folder, named in the one warning a failure gives.
        quiet: a worker's writer: it fails without a warning; its parent says it once.
    """

    def __init__(self, root: Path, quiet: bool = False) -> None:
        self.root = root
        self.quiet = quiet
        self.failed: OSError | None = None

    @property
    def enabled(self) -> bool:
        return self.failed is None

    def fail(self, error: OSError) -> None:
        """Stop writing because of `error`, saying so once."""
        if self.failed is not None:
            return
        self.failed = error
        if not self.quiet:
            logger.warning("缓存目录 %s 无法写入（%s）：本次索引保存在内存中，回答不受影响。",
                           self.root, _why(error))

    def write(self, path: Path, chunks: Iterable[bytes]) -> bool:
        """Write `chunks` as the file `path`, atomically; False when nothing was written."""
        if self.failed is not None:
            return False
        temporary = temporary_name(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "xb") as handle:
                handle.writelines(chunks)
            os.replace(temporary, path)
            return True
        except OSError as error:
            self._discard(temporary)
            self.fail(error)
            return False

    @staticmethod
    def _discard(temporary: Path) -> None:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:  # a read-only folder cannot hold one either
            pass

    def write_blob(self, path: Path, key: str, value: object) -> bool:
        """Write `value` as a blob tied to `key` (`read_blob`); False when not written."""
        if self.failed is not None:
            return False
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return self.write(path, _blob_head(key, payload) + (payload,))


def _blob_head(key: str, payload: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    name = key.encode()
    digest = hashlib.sha256(name)
    digest.update(payload)
    return _MAGIC, _KEY_LENGTH.pack(len(name)), name, digest.digest()


def read_blob(path: Path, key: str) -> object:
    """The value written under `key` in `path`.

    Raises `Damaged` when the file fails its check or was written under another key, and
    OSError when it cannot be read.
    """
    data = path.read_bytes()
    name = key.encode()
    start = len(_MAGIC) + _KEY_LENGTH.size
    if data[:len(_MAGIC)] != _MAGIC or len(data) < start \
            or _KEY_LENGTH.unpack_from(data, len(_MAGIC))[0] != len(name) \
            or data[start:start + len(name)] != name:
        raise Damaged(f"{path.name} is not a blob written under its key")
    head = start + len(name) + 32
    payload = memoryview(data)[head:]  # not a copy: the summary of a million passages is large
    digest = hashlib.sha256(name)
    digest.update(payload)
    if digest.digest() != data[start + len(name):head]:
        raise Damaged(f"{path.name} fails its checksum")
    try:
        return pickle.loads(payload)  # noqa: S301 - our own file, checked above
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
        raise Damaged(f"{path.name} holds no value this code reads ({exc})") from None


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()
