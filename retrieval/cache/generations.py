"""Generations: which cache files each build uses, and which of them are still in use.

A build ends by writing its generation: a blob (`files.read_blob`) in `generations/` naming
every file it used, by kind (passages entries, records, term entries, the summary, the index).
The answerer it made opens that file and holds a shared `flock` on it for as long as it lives
(`Lease`); the lock goes with the process, even one killed outright. Pruning removes only the
files no live generation names: a generation whose file can be locked exclusively has no
answerer left, and is dropped. So a bot keeps reading its own entries while another process, or
its own `/reload`, builds and prunes the same cache; `/reload` swaps in an answerer over a
complete new generation, and the old one's files go at a later prune, once no question uses
them.

Why locks rather than the alternatives (measured on this machine, docs/performance.md): a grace
period cannot know how long a bot runs (weeks), and reference files left by a killed process
are never taken back, where the kernel drops a dead process's lock. Taking a lease costs an
`open` and a `flock` (about 10 µs); pruning reads the generations alive (one blob of 24
characters a file: 0.3 MB at a million passages) once a build.

Builds hold a shared lock on the folder's `.lock` from their first listing to their lease, and
pruning takes it exclusively without waiting: while any build runs, nobody prunes (its files
are not in a generation yet), and the build that finishes last prunes. Temporary files left by
a killed writer are removed then too. Where `flock` does not exist nothing is pruned.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from retrieval.cache.files import Damaged, Writer, read_blob
from retrieval.cache.keys import key_of

try:
    import fcntl
except ImportError:  # not on POSIX: no leases, so no pruning
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

KINDS = ("passages", "records", "tokens", "summary", "index")
FOLDER = "generations"
LOCK = ".lock"

Files = dict[str, list[str]]  # kind -> the names of the files of that kind a generation uses


def _open_locked(path: Path, operation: int, create: bool = False) -> int | None:
    """A descriptor of `path` locked with `operation`; None when it cannot be opened or the
    lock is held elsewhere (with LOCK_NB)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, (os.O_RDWR | os.O_CREAT) if create else os.O_RDONLY, 0o644)
    except OSError:
        if not create:
            return None
        try:  # a read-only cache: an existing lock file can still be locked
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None
    try:
        fcntl.flock(fd, operation)
    except OSError:
        os.close(fd)
        return None
    return fd


class BuildLock:
    """A shared lock on the cache folder while a build lists, writes and reads its files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        self._fd = _open_locked(root / LOCK, fcntl.LOCK_SH if fcntl else 0, create=True)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops its lock
            self._fd = None

    def __del__(self) -> None:  # a build abandoned without `finish` must not block pruning
        try:
            self.release()
        except Exception:  # noqa: BLE001 - at interpreter exit the lock goes with the process
            pass


class Lease:
    """A shared lock on a generation's file: its files are not pruned while this is held."""

    def __init__(self, fd: int, key: str) -> None:
        self.key = key
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:  # an answerer dropped after a /reload lets its files go
        try:
            self.release()
        except Exception:  # noqa: BLE001 - at interpreter exit the lock goes with the process
            pass


def generation_key(files: Files) -> str:
    return key_of("generation", *(f"{kind}:{name}" for kind in KINDS
                                  for name in sorted(files.get(kind, ()))))


def seal(writer: Writer, root: Path, files: Files) -> Lease | None:
    """Write the generation of `files` (unless it is there already) and take its lease.

    None when it can be neither found nor written (a read-only cache it is new to): the
    answerer then holds no lease, and a writer could prune its entries (logged).
    """
    key = generation_key(files)
    path = root / FOLDER / key
    try:
        known = read_blob(path, key) == files
    except (Damaged, OSError):
        known = False
    if not known and not writer.write_blob(path, key, files):
        logger.info("generation %s not written: its files are not protected from pruning", key)
        return None
    fd = _open_locked(path, fcntl.LOCK_SH) if fcntl else None
    return Lease(fd, key) if fd is not None else None


def prune(root: Path, own: Files) -> int | None:
    """Remove every file of `root` that neither `own` nor a live generation names.

    Returns the number of files removed, or None when pruning was not possible now (a build
    is running, a live generation cannot be read, or there are no locks on this system).
    """
    if fcntl is None:
        return None
    lock = _open_locked(root / LOCK, fcntl.LOCK_EX | fcntl.LOCK_NB)
    if lock is None:
        return None
    try:
        keep = {kind: set(own.get(kind, ())) for kind in KINDS}
        own_key = generation_key(own)
        keep_generations = {own_key}
        folder = root / FOLDER
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.name == own_key:
                continue
            fd = _open_locked(path, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if fd is not None:  # nobody holds it: that generation's answerers are gone
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:  # a read-only cache: nothing can be pruned
                    logger.debug("could not remove %s: %s", path, exc)
                    return None
                finally:
                    os.close(fd)
                continue
            try:
                files = read_blob(path, path.name)
                if not isinstance(files, dict):
                    raise Damaged("not a generation")
            except (Damaged, OSError) as exc:
                if path.name.startswith("."):  # a temporary file, still being written
                    continue
                logger.warning("generation %s in use but unreadable (%s): nothing pruned",
                               path.name, exc)
                return None
            keep_generations.add(path.name)
            for kind in KINDS:
                keep[kind].update(files.get(kind, ()))
        removed = 0
        for kind in KINDS:
            removed += _remove_others(root / kind, keep[kind])
        removed += _remove_others(folder, keep_generations)
        return removed
    finally:
        os.close(lock)


def _remove_others(folder: Path, keep: set[str]) -> int:
    """Remove what `folder` holds besides `keep`, temporary files left by killed writers too
    (no writer is at work while the folder's lock is held exclusively)."""
    removed = 0
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.name in keep:
            continue
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:  # read-only: what cannot be removed stays, harmlessly
            logger.debug("could not remove %s: %s", path, exc)
    return removed
