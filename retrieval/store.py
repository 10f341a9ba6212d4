"""The persisted index: what was read, cut and indexed once is kept on disk and reused.

Under `settings.cache_dir`, one folder per documents folder holds five kinds of entries:

- `passages/`: each document's `Document` and chunked, attributed passages, keyed by the file's
  content hash and the pipeline version (a hash of the retrieval code, jieba's dictionary and the
  decoding libraries). A file whose size and modification time are unchanged is not even read
  again: its content hash is taken from `files.json`. Each passage can be read and checked on
  its own (`cache_files.write_entry`); the entry also records the document's corpus terms.
- `tokens/`: the index terms of each document's passages as id arrays (`terms.Packed`), keyed by
  its passages entry and the tokenizer's fingerprint (its code, jieba's dictionary, the user and
  stop words, its options).
- `records/`: what a build needs of each document's passages, without unpickling them: the
  summary's rows and each passage's normalised text and speakers (`records.record_of`),
  written when the document is chunked and keyed by its passages entry and the records' code.
- `summary/`: what the answer core needs of every passage (`summary.Summary`).
- `index/`: the bm25s arrays for the whole corpus, keyed by all of the above.

So a changed, added or removed document is read, chunked and cut again alone, and only the
bm25s matrix (whose idf spans the corpus) is rebuilt from cached terms. One exception is
inherent to jieba: the user dictionary is built from the whole corpus, and a new user word
changes jieba's total frequency and so, rarely, the cut of any text; when the corpus's terms
change, every document is cut again (in parallel on large corpora) and its chunks are reused.

Every entry carries a digest of its bytes (a passages entry, one per passage and one for its
header) and is written atomically (temporary file, then rename); an entry that fails its check
or does not match is logged, dropped and rebuilt, never trusted. Entries no longer used by the
folder are removed, except when the folder holds no documents at all.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from retrieval.errors import DocumentError, IndexError_
from retrieval.index import (
    BM25S_FROM,
    BM25sIndex,
    EngineName,
    RankBM25Index,
    build_index,
)
from retrieval.models import Document, Passage
from retrieval.cache_files import (
    Corpus,
    Documents,
    Entry,
    Passages,
    _bar,
    _file_sha,
    _Part,
    _Parts,
    _read_blob,
    _write_blob,
    read_entry,
    write_entry,
)
from retrieval.reading import Cache, Span, read_corpus, spans_of
from retrieval.records import Record, checked_record, record_of
from retrieval.summary import Summary
from retrieval.vocabulary import corpus_terms
from retrieval.keys import (
    FORMAT,
    _code,
    _engine_version,
    _sha,
    pipeline_version,
    tokenizer_fingerprint,
)
from retrieval.terms import Packed

logger = logging.getLogger(__name__)

PROGRESS_DOCUMENTS = 4  # chunking runs at about a document a second
PROGRESS_PASSAGES = 50_000


class IndexStore:
    """The cache of one documents folder under `cache_dir`.

    Args:
        cache_dir: the cache folder (`settings.cache_dir`).
        progress: show progress bars on long work; None for "when stderr is a terminal".
        workers: processes that cut text on large corpora; None for the number of cores.
        engine: "rank-bm25" or "bm25s" for every index; None to choose by corpus size.
    """

    def __init__(self, cache_dir: Path, progress: bool | None = None,
                 workers: int | None = None, engine: EngineName | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.engine = engine
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self._root: Path | None = None
        self.corpus_key: str | None = None  # the entries `corpus()` read, for `recall()`
        self._version = pipeline_version()
        self._record_code: str | None = None
        self.stats = {"documents_read": 0, "documents_cut": 0, "index_built": 0, "rebuilt": 0}
        self.timings: dict[str, float] = {}  # seconds spent cutting, indexing, loading

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("IndexStore.corpus(folder) must be read first")
        return self._root

    # -- documents and passages ---------------------------------------------------------
    def use_folder(self, folder: Path) -> Path:
        """Make the cache of the documents folder `folder` this store's; returns its root."""
        self._root = self.cache_dir / f"corpus-{_sha(str(Path(folder).resolve()))[:12]}"
        return self._root

    def corpus(self, folder: Path) -> Corpus:
        """Every document of `folder` with its passages, chunking only what changed."""
        from retrieval.loading import document_paths
        from retrieval.readers import unsupported_reason

        folder = Path(folder)
        listing = self.use_folder(folder) / "files.json"
        try:
            known = json.loads(listing.read_text(encoding="utf-8"))
            if not isinstance(known, dict):
                raise ValueError("not a mapping")
        except (OSError, ValueError):
            known = {}
        skipped: list[DocumentError] = []
        files: dict[str, list] = {}
        used: set[str] = set()
        paths = document_paths(folder)
        pending: list[tuple[Path, str, str, int | None]] = []
        for path in paths:
            name = path.relative_to(folder).as_posix()
            unsupported = unsupported_reason(path.suffix)
            if unsupported is not None:  # named without hashing a folder's photos or archives
                skipped.append(DocumentError(name, unsupported))
                continue
            try:
                stat = path.stat()
                seen = known.get(name)
                if seen and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns:
                    content = seen[2]
                else:
                    content = _file_sha(path)
                    self.stats["documents_read"] += 1
                files[name] = [stat.st_size, stat.st_mtime_ns, content]
            except OSError as exc:
                skipped.append(DocumentError(name, f"无法打开文件（{exc.strerror or exc}）"))
                continue
            key = _sha(self._version, name, content)[:24]
            # The number of passages of an entry, recorded when it was written under this key.
            count = seen[4] if seen and len(seen) == 5 and seen[3] == key \
                and isinstance(seen[4], int) else None
            pending.append((path, name, key, count))
        slow = sum(1 for _, _, key, _ in pending if not (self._root / "passages" / key).exists())
        show = self.progress and slow > PROGRESS_DOCUMENTS
        parts: list[_Part] = []
        spans: list[Span] = []
        for path, name, key, count in _bar(pending, show, "chunking"):
            entry = self._root / "passages" / key
            if count is None or not entry.exists():
                found = self._cached_document(entry)
                if found is None:
                    try:
                        found = self._chunk(path, folder, entry)
                    except DocumentError as error:
                        # Named once, in Chinese, by whoever shows `Corpus.skipped`.
                        logger.debug("skipped %s: %s", error.path, error.reason)
                        skipped.append(error)
                        continue
                count = len(found[1])
            used.add(key)
            files[name] += [key, count]
            parts.append(_Part(path, entry, count))
            start = spans[-1].stop if spans else 0
            spans.append(Span(key, start, start + count))
        self._root.mkdir(parents=True, exist_ok=True)
        temporary = listing.with_name(f".files.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(files, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, listing)
        if used:  # a folder emptied by mistake must not take a running bot's passages with it
            self._prune(self._root / "passages", used)
        self.corpus_key = _sha(self._version, *(str(p.entry.name) for p in parts))[:24]
        lazy = _Parts(self, folder, parts)
        return Corpus(Documents(lazy), Passages(lazy), skipped, spans)

    def _chunk(self, path: Path, folder: Path, entry: Path) -> Entry:
        """Read, chunk and attribute the document at `path`, and write its entry."""
        from retrieval.chunking import chunk_document  # 0.2 s of imports
        from retrieval.loading import read_document

        document = read_document(path, folder)
        passages = chunk_document(document)
        return self.write_document(entry, document, passages)

    def write_document(self, entry: Path, document: Document,
                       passages: Sequence[Passage]) -> Entry:
        """Write the entry of a chunked document, and its record while its passages are at
        hand (a build would otherwise read them back to make it)."""
        found = write_entry(entry, document, passages, corpus_terms(passages))
        _write_blob(self.root / "records" / self._record_key(entry.name), record_of(passages))
        self.stats["documents_cut"] += 1
        return found

    def _record_key(self, entry: str) -> str:
        """Where the record of the passages in `entry` is kept (`records.record_of`)."""
        if self._record_code is None:
            self._record_code = _code(("records.py",))
        return _sha(self._record_code, entry)[:24]

    def _load_part(self, part: _Part, folder: Path) -> Entry:
        """A document, its pickled passages and terms; a damaged entry is chunked again."""
        found = self._cached_document(part.entry) or self._chunk(part.path, folder, part.entry)
        if len(found[1]) != part.count:
            raise IndexError_(f"{part.path.name} changed since it was indexed; reload the documents")
        return found

    def recall(self, name: str, code: Sequence[str] = (), kind: type = object) -> object | None:
        """What `keep(name, value, code)` kept over the corpus last read by `corpus()`, or None.

        Keyed by that corpus's entries and the code of the modules in `code`; a value that is
        not a `kind` counts as damaged.
        """
        if self.corpus_key is None:
            return None

        def check(value: object) -> object:
            if not isinstance(value, kind):
                raise TypeError(f"not a {kind.__name__}")
            return value

        return self._read_kept(name, _sha(name, self.corpus_key, _code(code))[:24], check)

    _DAMAGE = (IndexError_, OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError,
               AttributeError)

    def _read_kept(self, folder: str, key: str, check: Callable[[object], object]) -> object | None:
        """The value kept in `folder/key` as `check` returns it (raising on a wrong one); None
        when there is none, or when it is damaged (logged and counted, to be made again)."""
        entry = self.root / folder / key
        if not entry.exists():
            return None
        try:
            return check(_read_blob(entry))
        except self._DAMAGE as exc:
            logger.warning("%s cache %s is damaged (%s); making it again", folder, key, exc)
            self.stats["rebuilt"] += 1
            return None

    def keep(self, name: str, value: object, code: Sequence[str] = ()) -> None:
        """Keep `value` on disk for `recall`; without a corpus (passages from elsewhere), not."""
        if self.corpus_key is None:
            return
        key = _sha(name, self.corpus_key, _code(code))[:24]
        _write_blob(self.root / name / key, value)
        self._prune(self.root / name, {key})

    def _cached_document(self, entry: Path) -> Entry | None:
        if not entry.exists():
            return None
        try:
            return read_entry(entry)  # every passage checked
        except (IndexError_, OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            logger.warning("passage cache %s is damaged (%s); reading the document again",
                           entry.name, exc)
            self.stats["rebuilt"] += 1
            return None

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
        fingerprint = tokenizer_fingerprint(tokenizer)
        cache = _Cache(self, fingerprint)
        started = time.perf_counter()
        show = self.progress and len(passages) >= PROGRESS_PASSAGES
        summary, packed = read_corpus(
            passages, spans, tokenizer, user_words, summary, cache, self.workers,
            lambda items, total: _bar(items, show, "reading", total))
        self.timings["read"] = time.perf_counter() - started
        self._prune(self.root / "tokens", {cache.terms_key(span) for span in spans})
        self._prune(self.root / "records", {self._record_key(span.key) for span in spans})
        started = time.perf_counter()
        size = len(packed.lengths)
        engine = engine or self._engine(size)
        index_key = self._index_key(engine, fingerprint, spans)
        index = self._load_index(self.root / "index" / index_key, size) \
            if engine == "bm25s" else None
        tokens = packed.tokens() if terms or engine != "bm25s" else None
        if index is None:
            if engine == "bm25s":
                index = BM25sIndex.from_arrays(packed.lengths, packed.ids, packed.vocabulary)
                self._save_index(index, self.root / "index" / index_key)
            else:
                index = build_index(tokens, engine=engine)  # type: ignore[arg-type]
            self.stats["index_built"] += 1
            logger.info("indexed %d passages with %s in %.1f s", size, engine,
                        time.perf_counter() - started)
        self.timings["index"] = time.perf_counter() - started
        self._prune(self.root / "index", {index_key} if engine == "bm25s" else set())
        return summary, tokens, index

    def prepare(
        self, tokenizer: object, passages: Sequence[Passage], engine: EngineName | None = None,
        terms: bool = True,
    ) -> tuple[list[list[str]] | None, RankBM25Index | BM25sIndex]:
        """The terms and index of `passages` from elsewhere (not from `corpus()`), kept on disk."""
        _, tokens, index = self.index_passages(
            tokenizer, passages, spans_of(passages), getattr(tokenizer, "user_words", ()),
            engine=engine, terms=terms)
        return tokens, index

    def _engine(self, size: int) -> EngineName:
        """The store's engine, or the one for an index of `size` passages."""
        return self.engine or ("bm25s" if size >= BM25S_FROM else "rank-bm25")

    @staticmethod
    def _index_key(engine: str, fingerprint: str, spans: Sequence[Span]) -> str:
        # The index code and the engine's version decide the saved arrays too; the spans'
        # keys decide every passage, and with the summary's code which are indexed.
        return _sha(engine, _engine_version(engine), _code(("index.py", "summary.py")), fingerprint,
                    *(span.key for span in spans))[:24]

    def cached_index(self, tokenizer: object, spans: Sequence[Span],
                     size: int) -> BM25sIndex | None:
        """The persisted bm25s index of `size` passages over `spans`, or None.

        None when there is none (or it is damaged, or the corpus is small enough for
        rank-bm25, which is not persisted): then `index_passages` builds it.
        """
        engine = self._engine(size)
        if engine != "bm25s":
            return None
        fingerprint = tokenizer_fingerprint(tokenizer)
        started = time.perf_counter()
        index = self._load_index(self.root / "index" / self._index_key(engine, fingerprint, spans),
                                 size)
        self.timings["index"] = time.perf_counter() - started
        return index

    def _save_index(self, index: BM25sIndex, folder: Path) -> None:
        temporary = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        index.save(temporary)
        manifest = {
            "format": FORMAT, "size": len(index),
            "files": {p.name: [p.stat().st_size, _file_sha(p)] for p in sorted(temporary.iterdir())},
        }
        (temporary / "manifest.json").write_text(json.dumps(manifest))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(temporary, folder)

    def _load_index(self, folder: Path, size: int) -> BM25sIndex | None:
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            return None
        try:
            manifest = json.loads(manifest_path.read_text())
            if manifest.get("format") != FORMAT or manifest.get("size") != size:
                raise IndexError_("index written for another corpus or format")
            files = manifest["files"]
            present = {p.name for p in folder.iterdir()} - {"manifest.json"}
            if present != set(files):
                raise IndexError_("index files missing or unexpected")
            for name, (length, digest) in files.items():
                path = folder / name
                if path.stat().st_size != length or _file_sha(path) != digest:
                    raise IndexError_(f"index file {name} is damaged")
            return BM25sIndex.load(folder)
        except (IndexError_, OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("persisted index %s not used (%s); rebuilding", folder.name, exc)
            self.stats["rebuilt"] += 1
            shutil.rmtree(folder, ignore_errors=True)
            return None

    @staticmethod
    def _prune(folder: Path, keep: set[str]) -> None:
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            if entry.name in keep or entry.name.startswith("."):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


class _Cache(Cache):
    """Each document's record and terms, kept under the store's root (`reading.Cache`)."""

    def __init__(self, store: IndexStore, fingerprint: str) -> None:
        self.store = store
        self.fingerprint = fingerprint

    def terms_key(self, span: Span) -> str:
        return _sha(self.fingerprint, span.key)[:24]

    def record(self, span: Span) -> Record | None:
        return self.store._read_kept(  # type: ignore[return-value]
            "records", self.store._record_key(span.key),
            lambda value: checked_record(value, span.stop - span.start))

    def keep_record(self, span: Span, record: Record) -> None:
        _write_blob(self.store.root / "records" / self.store._record_key(span.key), record)

    def terms(self, span: Span) -> Packed | None:
        return self.store._read_kept(  # type: ignore[return-value]
            "tokens", self.terms_key(span),
            lambda value: Packed.from_value(value, span.stop - span.start))

    def keep_terms(self, span: Span, packed: Packed) -> None:
        _write_blob(self.store.root / "tokens" / self.terms_key(span), packed.to_value())
