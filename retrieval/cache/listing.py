"""The listing: what each document file was when it was last read, and the entry it made.

`listing` (a blob tied to its key, `files.read_blob`) maps each file's path in the documents
folder to its size, modification and change times and inode when it was read, and the key of
the passages entry its text made. A file whose `stat` is unchanged is not read again at a start.
The stat is taken before the file is read, so an edit made while the file is read changes it
and the file is read again next time; a file changed within a second of being read (coarse file
system clocks could hide a second edit in the same tick) is not listed with a stat at all.

The listing is only a shortcut: it holds no passage counts (those come from the entries' own
headers, checked at every build) and one that fails its check is ignored, so every file is
read again, once.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from retrieval.cache.files import Damaged, Writer, read_blob

logger = logging.getLogger(__name__)

NAME = "listing"
_KEY = "listing-1"
RACY_NS = 1_000_000_000  # a file changed this recently is read again next time

Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_of(result: os.stat_result) -> Stat:
    return result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino


def settled(stat: Stat) -> bool:
    """Whether a file's `stat` is old enough that a further edit would change it."""
    return time.time_ns() - max(stat[1], stat[2]) > RACY_NS


def read_listing(root: Path) -> dict[str, tuple[Stat, str]]:
    """Each listed file's stat and entry key; empty when there is none or it is damaged."""
    path = root / NAME
    try:
        value = read_blob(path, _KEY)
        if not isinstance(value, dict):
            raise Damaged("not a mapping")
        return {name: (tuple(stat), key) for name, (stat, key) in value.items()}  # type: ignore[misc]
    except FileNotFoundError:
        return {}
    except (Damaged, OSError, TypeError, ValueError) as exc:
        logger.warning("the listing of %s is damaged (%s): every document is read again", root, exc)
        return {}


def write_listing(writer: Writer, root: Path, listing: dict[str, tuple[Stat, str]],
                  before: dict[str, tuple[Stat, str]]) -> None:
    """Write `listing` when it differs from `before` (a read-only cache that is complete is
    never written to)."""
    if listing != before:
        writer.write_blob(root / NAME, _KEY, listing)
