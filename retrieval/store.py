"""The persisted index: what was read, cut and indexed once is kept on disk and reused.

`IndexStore` decides what a build reads, makes and keeps; `retrieval.cache` stores and checks
the files (their layout is described there). Under `settings.cache_dir`, one folder per
documents folder holds each document's passages entry, its record and term ids, the summary,
the bm25s index, the listing and the generations, each keyed by the code versions and the
entries it derives from (`retrieval.versions`).

So a changed, added or removed document is read, chunked and cut again alone, and only the
bm25s matrix (whose idf spans the corpus) is rebuilt from cached terms. One exception is
inherent to jieba: the user dictionary is built from the whole corpus, and a new user word
changes jieba's total frequency and so, rarely, the cut of any text; when the corpus's terms
change, every document is cut again (in parallel on large corpora) and its chunks are reused.

A build trusts nothing it has not checked: every entry's header (its key and passage count) is
read at every build, every blob is checked against its key, and an entry that fails is chunked
again from its file. It ends with `finish()`: the generation of every file it used is written,
its lease taken for the answerer, and the files no live generation names are pruned.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from retrieval.cache import (
    FORMAT,
    BuildLock,
    Corpus,
    Damaged,
    Documents,
    Files,
    Header,
    Lease,
    Part,
    Parts,
    Passages,
    Writer,
    file_digest,
    key_of,
    prune,
    read_blob,
    read_header,
    read_listing,
    seal,
    stat_of,
    write_listing,
)
from retrieval.cache.files import temporary_name
from retrieval.chunk_workers import Job, cores, resolve_all, write_document
from retrieval.errors import DocumentError
from retrieval.index import BM25S_FROM, BM25sIndex, EngineName, RankBM25Index, build_index
from retrieval.models import Document, Passage
from retrieval.progress import progress
from retrieval.reading import Cache, Span, read_corpus, spans_of
from retrieval.records import Record, checked_record
from retrieval.summary import Summary
from retrieval.terms import Packed
from retrieval.versions import (
    index_key,
    passages_key,
    record_key,
    summary_key,
    terms_key,
)

logger = logging.getLogger(__name__)

PROGRESS_DOCUMENTS = 4  # chunking runs at about a document a second
PROGRESS_PASSAGES = 50_000
HEADER_READERS = 4  # threads checking entries' headers at a start: cold-disk reads overlap


class IndexStore:
    """The cache of one documents folder under `cache_dir`.

    Args:
        cache_dir: the cache folder (`settings.cache_dir`).
        progress: show progress bars on long work; None for "when stderr is a terminal".
        workers: processes that chunk and cut text; None for the number of cores (up to 4).
        engine: "rank-bm25" or "bm25s" for every index; None to choose by corpus size.
    """

    def __init__(self, cache_dir: Path, progress: bool | None = None,
                 workers: int | None = None, engine: EngineName | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.engine = engine
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.workers = workers or min(cores(), 4)
        self._root: Path | None = None
        self._writer: Writer | None = None
        self._lock: BuildLock | None = None
        self._used: Files = {}  # what this build read or wrote, by kind (`finish`)
        self.stats = {"documents_read": 0, "documents_cut": 0, "index_built": 0, "rebuilt": 0}
        self.timings: dict[str, float] = {}  # seconds spent chunking, cutting, indexing

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("IndexStore.corpus(folder) must be read first")
        return self._root

    @property
    def writer(self) -> Writer:
        """What writes this store's files; off (with one warning) once a write failed."""
        if self._writer is None:
            self._writer = Writer(self.cache_dir)
        return self._writer

    def use_folder(self, folder: Path) -> Path:
        """Make the cache of the documents folder `folder` this store's; returns its root."""
        self._root = self.cache_dir / f"corpus-{key_of('folder', str(Path(folder).resolve()))}"
        return self._root

    def _begin(self) -> None:
        """Hold the folder's build lock until `finish()` (no pruning meanwhile)."""
        if self._lock is None:
            self._lock = BuildLock(self.root)
            self._used = {}

    def release(self) -> None:
        """Let go of the build lock without finishing (a build that failed)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- documents and passages ---------------------------------------------------------
    def corpus(self, folder: Path) -> Corpus:
        """Every document of `folder` with its passages, chunking only what changed."""
        from retrieval.loading import document_paths
        from retrieval.readers import unsupported_reason

        folder = Path(folder)
        root = self.use_folder(folder)
        self._begin()
        started = time.perf_counter()
        listed = read_listing(root)
        listing = {}
        skipped: list[DocumentError] = []
        rows: list[list] = []  # [name, key, count, header or None, memory or None]
        jobs: list[tuple[int, Job]] = []
        found_files: list[tuple[str, Path, tuple | None]] = []
        for path in document_paths(folder):
            name = path.relative_to(folder).as_posix()
            unsupported = unsupported_reason(path.suffix)
            if unsupported is not None:  # named without reading a folder's photos or archives
                skipped.append(DocumentError(name, unsupported))
                continue
            try:
                stat = stat_of(path.stat())
            except OSError as exc:
                skipped.append(DocumentError(name, f"无法读取（{exc.strerror or exc}）"))
                continue
            known = listed.get(name)
            found_files.append((name, path, known if known is not None and known[0] == stat
                                else None))
        # Every listed entry's header is checked; on a cold disk the reads wait on the device,
        # not the CPU, so they are overlapped (a million passages: 10,000 files).
        with ThreadPoolExecutor(HEADER_READERS) as readers:
            headers = readers.map(lambda item: self._header(item[2][1]) if item[2] else None,
                                  found_files)
            for (name, path, known), checked in zip(found_files, headers):
                job = Job(name, path)
                if known is not None:
                    header, damaged = checked
                    if header is not None:
                        listing[name] = known
                        rows.append([name, known[1], header.count, header, None])
                        continue
                    job = Job(name, path, known[1], damaged)
                    self.stats["rebuilt"] += damaged
                jobs.append((len(rows), job))
                rows.append([name, "", 0, None, None])
        show = self.progress and len(jobs) > PROGRESS_DOCUMENTS
        resolved = progress(resolve_all([job for _, job in jobs], folder, root, self.writer,
                                        self.workers), show, "chunking", len(jobs))
        failed: set[int] = set()
        for (row, job), found in zip(jobs, resolved):
            if found.error is not None:
                # Named once, in Chinese, by whoever shows `Corpus.skipped`.
                logger.debug("skipped %s: %s", *found.error)
                skipped.append(DocumentError(*found.error))
                failed.add(row)
                continue
            self.stats["documents_read"] += 1
            self.stats["documents_cut"] += found.chunked
            self.stats["rebuilt"] += found.damaged
            rows[row][1:] = [found.key, found.count, None, found.memory]
            if found.stat is not None and found.memory is None:
                listing[job.name] = (found.stat, found.key)
        rows = [row for number, row in enumerate(rows) if number not in failed]
        write_listing(self.writer, root, listing, listed)
        parts: list[Part] = []
        spans: list[Span] = []
        headers: dict[int, Header] = {}
        for name, key, count, header, memory in rows:
            if header is not None:
                headers[len(parts)] = header
            parts.append(Part(name, root / "passages" / key, key, count, memory))
            start = spans[-1].stop if spans else 0
            spans.append(Span(key, start, start + count))
        self._used["passages"] = [span.key for span in spans]
        self._used["records"] = [record_key(span.key) for span in spans]
        self.timings["corpus"] = time.perf_counter() - started
        lazy = Parts(parts, headers)
        return Corpus(Documents(lazy), Passages(lazy), skipped, spans)

    def _header(self, key: str) -> tuple[Header | None, bool]:
        """The checked header of the entry of `key` (None when it is gone or damaged), and
        whether it is damaged. Runs on several threads."""
        try:
            return read_header(self.root / "passages" / key, key), False
        except FileNotFoundError:
            return None, False
        except (Damaged, OSError) as exc:
            logger.warning("passage cache %s is damaged (%s); reading the document again", key, exc)
            return None, True

    def write_document(self, document: Document, passages: Sequence[Passage]) -> str:
        """Write the entry and record of a chunked document (as a build does); its key."""
        key = passages_key(document)
        write_document(self.writer, self.root, key, document, passages)
        self.stats["documents_cut"] += 1
        return key

    # -- what a build derives from the entries ------------------------------------------
    def _read_kept(self, kind: str, key: str, check: Callable[[object], object]) -> object | None:
        """The blob `kind/key` as `check` returns it (raising on a wrong one); None when there
        is none, or when it is damaged (logged and counted, to be made again)."""
        path = self.root / kind / key
        try:
            return check(read_blob(path, key))
        except FileNotFoundError:
            return None
        except (Damaged, OSError, TypeError, ValueError) as exc:
            logger.warning("%s cache %s is damaged (%s); making it again", kind, key, exc)
            self.stats["rebuilt"] += 1
            return None

    @staticmethod
    def _entries(spans: Sequence[Span]) -> list[tuple[str, int]]:
        return [(span.key, span.stop - span.start) for span in spans]

    def load_summary(self, spans: Sequence[Span]) -> Summary | None:
        """The kept summary of the corpus of `spans`, or None."""
        self._begin()
        entries = self._entries(spans)
        key = summary_key(entries)
        self._used["summary"] = [key]

        def check(value: object) -> Summary:
            if not (isinstance(value, tuple) and len(value) == 2 and value[0] == entries
                    and isinstance(value[1], Summary)):
                raise ValueError("a summary of another corpus")
            if len(value[1].by_id) != sum(count for _, count in entries):
                raise ValueError("a summary of another number of passages")
            return value[1]

        return self._read_kept("summary", key, check)  # type: ignore[return-value]

    def save_summary(self, spans: Sequence[Span], summary: Summary) -> None:
        entries = self._entries(spans)
        key = summary_key(entries)
        self._used["summary"] = [key]
        self.writer.write_blob(self.root / "summary" / key, key, (entries, summary))

    # -- terms and index ----------------------------------------------------------------
    def index_passages(
        self, tokenizer: object, passages: Sequence[Passage], spans: Sequence[Span],
        user_words: Iterable[str], summary: Summary | None = None,
        engine: EngineName | None = None, terms: bool = True,
    ) -> tuple[Summary, list[list[str]] | None, RankBM25Index | BM25sIndex]:
        """Summarise, cut and index `passages`, reusing the terms the disk holds.

        Args:
            tokenizer: a `Tokenizer` whose user dictionary is `user_words`.
            passages: the corpus; `spans` its documents (`Corpus.spans`, `reading.spans_of`).
            summary: the corpus's summary, when it is known (then it is not built again).
            engine: "rank-bm25" or "bm25s"; None to choose by the number of passages indexed.
            terms: return the terms of every indexed passage (with False, None instead).
        Returns:
            The summary, the terms of each indexed passage (or None), and the index.
        """
        if self._root is None:  # passages that did not come from `corpus()`: keep them apart
            self._root = self.cache_dir / "corpus-passages"
        self._begin()
        fingerprint = tokenizer.fingerprint()  # type: ignore[attr-defined]
        self._use_derived(spans, fingerprint)
        cache = _Cache(self.root, self.writer.enabled, fingerprint)
        started = time.perf_counter()
        show = self.progress and len(passages) >= PROGRESS_PASSAGES
        summary, packed = read_corpus(
            passages, spans, tokenizer, user_words, summary, cache, self.workers,
            lambda items, total: progress(items, show, "reading", total))
        self.timings["read"] = time.perf_counter() - started
        started = time.perf_counter()
        size = len(packed.lengths)
        engine = engine or self._engine(size)
        key = index_key(engine, fingerprint, self._entries(spans))
        index = self._load_index(key, size) if engine == "bm25s" else None
        self._used["index"] = [key] if engine == "bm25s" else []
        tokens = packed.tokens() if terms or engine != "bm25s" else None
        if index is None:
            if engine == "bm25s":
                index = BM25sIndex.from_arrays(packed.lengths, packed.ids, packed.vocabulary)
                self._save_index(index, key)
            else:
                index = build_index(tokens, engine=engine)  # type: ignore[arg-type]
            self.stats["index_built"] += 1
            logger.info("indexed %d passages with %s in %.1f s", size, engine,
                        time.perf_counter() - started)
        self.timings["index"] = time.perf_counter() - started
        return summary, tokens, index

    def _use_derived(self, spans: Sequence[Span], fingerprint: str) -> None:
        """Name the records and term entries of `spans` as this build's."""
        self._used["records"] = [record_key(span.key) for span in spans]
        self._used["tokens"] = [terms_key(fingerprint, span.key) for span in spans]

    def prepare(
        self, tokenizer: object, passages: Sequence[Passage], engine: EngineName | None = None,
        terms: bool = True,
    ) -> tuple[list[list[str]] | None, RankBM25Index | BM25sIndex]:
        """The terms and index of `passages` from elsewhere (not from `corpus()`), kept on disk."""
        _, tokens, index = self.index_passages(
            tokenizer, passages, spans_of(passages), getattr(tokenizer, "user_words", ()),
            engine=engine, terms=terms)
        self.finish()
        return tokens, index

    def _engine(self, size: int) -> EngineName:
        """The store's engine, or the one for an index of `size` passages."""
        return self.engine or ("bm25s" if size >= BM25S_FROM else "rank-bm25")

    def cached_index(self, tokenizer: object, spans: Sequence[Span],
                     size: int) -> BM25sIndex | None:
        """The persisted bm25s index of `size` passages over `spans`, or None.

        None when there is none (or it is damaged, or the corpus is small enough for
        rank-bm25, which is not persisted): then `index_passages` builds it.
        """
        engine = self._engine(size)
        fingerprint = tokenizer.fingerprint()  # type: ignore[attr-defined]
        self._use_derived(spans, fingerprint)
        if engine != "bm25s":
            return None
        key = index_key(engine, fingerprint, self._entries(spans))
        self._used["index"] = [key]
        started = time.perf_counter()
        index = self._load_index(key, size)
        self.timings["index"] = time.perf_counter() - started
        return index

    def _save_index(self, index: BM25sIndex, key: str) -> None:
        """Write `index` as the folder of `key`, whole or not at all.

        The folder is written under a name of its own and renamed into place; when another
        build got there first (the same key: the same index), its folder is kept.
        """
        if not self.writer.enabled:
            return
        folder = self.root / "index" / key
        temporary = temporary_name(folder)
        try:
            temporary.mkdir(parents=True)
            index.save(temporary)
            manifest = {
                "format": FORMAT, "key": key, "size": len(index),
                "files": {p.name: [p.stat().st_size, file_digest(p)]
                          for p in sorted(temporary.iterdir())},
            }
            (temporary / "manifest.json").write_text(json.dumps(manifest))
        except OSError as error:
            shutil.rmtree(temporary, ignore_errors=True)
            self.writer.fail(error)
            return
        try:
            os.rename(temporary, folder)
        except OSError:  # another build renamed the same index into place first
            shutil.rmtree(temporary, ignore_errors=True)

    def _load_index(self, key: str, size: int) -> BM25sIndex | None:
        folder = self.root / "index" / key
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            return None
        try:
            manifest = json.loads(manifest_path.read_text())
            if manifest.get("format") != FORMAT or manifest.get("key") != key \
                    or manifest.get("size") != size:
                raise Damaged("an index written for another corpus or format")
            files = manifest["files"]
            present = {p.name for p in folder.iterdir()} - {"manifest.json"}
            if present != set(files):
                raise Damaged("index files missing or unexpected")
            for name, (length, digest) in files.items():
                path = folder / name
                if path.stat().st_size != length or file_digest(path) != digest:
                    raise Damaged(f"index file {name} is damaged")
            return BM25sIndex.load(folder)
        except (Damaged, OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("persisted index %s not used (%s); rebuilding", key, exc)
            self.stats["rebuilt"] += 1
            aside = temporary_name(folder)  # out of the way first: a rename is atomic
            try:
                os.rename(folder, aside)
                shutil.rmtree(aside, ignore_errors=True)
            except OSError:
                pass
            return None

    # -- the end of a build -------------------------------------------------------------
    def finish(self) -> Lease | None:
        """Seal this build's generation, take its lease and prune what no generation uses.

        Returns the lease for the answerer to hold (None where none could be taken).
        """
        if self._root is None:
            return None
        used = {kind: sorted(set(names)) for kind, names in self._used.items()}
        lease = seal(self.writer, self.root, used) if self._lock is not None else None
        self.release()
        if self.writer.enabled:
            started = time.perf_counter()
            removed = prune(self.root, used)
            if removed:
                logger.info("pruned %d cache files in %.2f s", removed,
                            time.perf_counter() - started)
        return lease


class _Cache(Cache):
    """Each document's record and terms, kept under a store's root (`reading.Cache`).

    Its methods run in forked workers too: it holds the root, a writer and the tokenizer's
    fingerprint, not the store.
    """

    def __init__(self, root: Path, writable: bool, fingerprint: str) -> None:
        self.root = root
        # Quiet: a full disk met by several workers is said once, by the parent's next write.
        self.writer = Writer(root, quiet=True)
        if not writable:
            self.writer.failed = OSError("the cache is not written this run")
        self.fingerprint = fingerprint

    def _read(self, kind: str, key: str, check: Callable[[object], object]) -> object | None:
        try:
            return check(read_blob(self.root / kind / key, key))
        except FileNotFoundError:
            return None
        except (Damaged, OSError, TypeError, ValueError) as exc:
            logger.warning("%s cache %s is damaged (%s); making it again", kind, key, exc)
            return None

    def record(self, span: Span) -> Record | None:
        return self._read(  # type: ignore[return-value]
            "records", record_key(span.key),
            lambda value: checked_record(value, span.stop - span.start))

    def keep_record(self, span: Span, record: Record) -> None:
        key = record_key(span.key)
        self.writer.write_blob(self.root / "records" / key, key, record)

    def terms(self, span: Span) -> Packed | None:
        return self._read(  # type: ignore[return-value]
            "tokens", terms_key(self.fingerprint, span.key),
            lambda value: Packed.from_value(value, span.stop - span.start))

    def keep_terms(self, span: Span, packed: Packed) -> None:
        key = terms_key(self.fingerprint, span.key)
        self.writer.write_blob(self.root / "tokens" / key, key, packed.to_value())
