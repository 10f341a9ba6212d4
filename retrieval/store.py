"""The persisted index: what was read, cut and indexed once is kept on disk and reused.

Under `settings.cache_dir`, one folder per documents folder holds three kinds of entries:

- `passages/`: each document's `Document` and chunked, attributed passages, keyed by the file's
  content hash and the pipeline version (a hash of the retrieval code, jieba's dictionary and the
  decoding libraries). A file whose size and modification time are unchanged is not even read
  again: its content hash is taken from `files.json`. Each passage can be read and checked on
  its own (`cache_files.write_entry`).
- `tokens/`: each document's index terms as id arrays (`terms.Packed`), keyed by its passages
  and the tokenizer's fingerprint (its code, jieba's dictionary, the user and stop words, its
  options).
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
from collections.abc import Callable, Sequence
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
from retrieval.keys import (
    FORMAT,
    _code,
    _engine_version,
    _sha,
    index_contents,
    pipeline_version,
    tokenizer_fingerprint,
)
from retrieval.terms import Joiner, Packed, cut

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
        self.corpus_key: str | None = None  # the entries `corpus()` read, for `remember()`
        self._version = pipeline_version()
        self.stats = {"documents_read": 0, "documents_cut": 0, "index_built": 0, "rebuilt": 0}
        self.timings: dict[str, float] = {}  # seconds spent cutting, indexing, loading

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("IndexStore.corpus(folder) must be read first")
        return self._root

    # -- documents and passages ---------------------------------------------------------
    def corpus(self, folder: Path) -> Corpus:
        """Every document of `folder` with its passages, chunking only what changed."""
        from retrieval.loading import (  # charset-normalizer: 0.1 s
            document_paths,
            read_document,
        )

        folder = Path(folder)
        self._root = self.cache_dir / f"corpus-{_sha(str(folder.resolve()))[:12]}"
        listing = self._root / "files.json"
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
                skipped.append(DocumentError(name, exc.strerror or str(exc)))
                continue
            key = _sha(self._version, name, content)[:24]
            # The number of passages of an entry, recorded when it was written under this key.
            count = seen[4] if seen and len(seen) == 5 and seen[3] == key \
                and isinstance(seen[4], int) else None
            pending.append((path, name, key, count))
        slow = sum(1 for _, _, key, _ in pending if not (self._root / "passages" / key).exists())
        show = self.progress and slow > PROGRESS_DOCUMENTS
        parts: list[_Part] = []
        for path, name, key, count in _bar(pending, show, "chunking"):
            entry = self._root / "passages" / key
            if count is None or not entry.exists():
                found = self._cached_document(entry)
                if found is None:
                    from retrieval.chunking import chunk_document  # 0.2 s of imports

                    try:
                        document = read_document(path, folder)
                    except DocumentError as error:
                        logger.warning("skipped %s: %s", error.path, error.reason)
                        skipped.append(error)
                        continue
                    found = write_entry(entry, document, chunk_document(document))
                    self.stats["documents_cut"] += 1
                count = len(found[1])
            used.add(key)
            files[name] += [key, count]
            parts.append(_Part(path, entry, count))
        self._root.mkdir(parents=True, exist_ok=True)
        temporary = listing.with_name(f".files.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(files, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, listing)
        if used:  # a folder emptied by mistake must not take a running bot's passages with it
            self._prune(self._root / "passages", used)
        self.corpus_key = _sha(self._version, *(str(p.entry.name) for p in parts))[:24]
        lazy = _Parts(self, folder, parts)
        return Corpus(Documents(lazy), Passages(lazy), skipped)

    def _load_part(self, part: _Part, folder: Path) -> tuple[Document, list[bytes]]:
        """A document and its pickled passages; a damaged entry is chunked again."""
        found = self._cached_document(part.entry)
        if found is None:
            from retrieval.chunking import chunk_document
            from retrieval.loading import read_document

            document = read_document(part.path, folder)
            found = write_entry(part.entry, document, chunk_document(document))
            self.stats["documents_cut"] += 1
        if len(found[1]) != part.count:
            raise IndexError_(f"{part.path.name} changed since it was indexed; reload the documents")
        return found

    def remember(self, name: str, build: Callable[[], object], code: Sequence[str] = ()) -> object:
        """What `build()` gives over the corpus last read by `corpus()`, kept on disk.

        Keyed by that corpus's entries and the code of the modules in `code`; without a
        corpus (passages from elsewhere) it is simply built.
        """
        if self.corpus_key is None:
            return build()
        key = _sha(name, self.corpus_key, _code(code))[:24]
        entry = self.root / name / key
        if entry.exists():
            try:
                return _read_blob(entry)
            except (IndexError_, OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                logger.warning("%s cache %s is damaged (%s); building it again", name, key, exc)
                self.stats["rebuilt"] += 1
        value = build()
        _write_blob(entry, value)
        self._prune(self.root / name, {key})
        return value

    def _cached_document(self, entry: Path) -> tuple[Document, list[bytes]] | None:
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
    def prepare(
        self, tokenizer: object, passages: Sequence[Passage], texts: Sequence[str] | None = None,
        engine: EngineName | None = None, terms: bool = True,
    ) -> tuple[list[list[str]] | None, RankBM25Index | BM25sIndex]:
        """`index_texts` for `passages`, whose indexed texts are `texts` (default: their text)."""
        texts = [p.text for p in passages] if texts is None else list(texts)
        return self.index_texts(tokenizer, texts, [p.document_id for p in passages],
                                index_contents(passages, texts), engine, terms)

    def index_texts(
        self, tokenizer: object, texts: Sequence[str], documents: Sequence[str],
        contents: dict[str, str], engine: EngineName | None = None, terms: bool = True,
        people: Sequence[str] | None = None, release: bool = False,
    ) -> tuple[list[list[str]] | None, RankBM25Index | BM25sIndex]:
        """Cut `texts` and index them, reusing what the disk holds.

        Args:
            tokenizer: a `Tokenizer`, with its corpus terms added.
            texts: what is indexed for each passage, in index order.
            documents: the document id of each text.
            contents: per document, `index_contents` of its passages (keys the caches).
            engine: "rank-bm25" or "bm25s"; None to choose by the number of passages.
            terms: return every passage's terms; with False, a persisted index is loaded
                without reading them (None is returned in their place).
            people: for each text, its end that names its speakers (`terms.text_terms`).
            release: empty the lists `texts` and `people` once they are cut, before the index
                is built (a million texts are half a gigabyte the index build could use).
        Returns:
            The terms of each passage (or None) and the index over them.
        """
        if self._root is None:  # passages that did not come from `corpus()`: keep them apart
            self._root = self.cache_dir / "corpus-passages"
        engine = engine or self.engine or ("bm25s" if len(texts) >= BM25S_FROM else "rank-bm25")
        groups: dict[str, list[int]] = {}
        for position, document in enumerate(documents):
            groups.setdefault(document, []).append(position)
        fingerprint = tokenizer_fingerprint(tokenizer)
        keys = {document: _sha(fingerprint, contents[document])[:24] for document in groups}
        index_key = self._index_key(engine, fingerprint, keys)
        folder = self.root / "index" / index_key
        started = time.perf_counter()
        index = self._load_index(folder, len(texts)) if engine == "bm25s" else None
        self.timings["index"] = time.perf_counter() - started
        self.timings["terms"] = 0.0
        if index is not None and not terms:
            return None, index  # the index was built from these very terms: they are not read
        started = time.perf_counter()
        packed = self._terms(tokenizer, texts, groups, keys, people)
        self.timings["terms"] = time.perf_counter() - started
        if release:
            for values in (texts, people, documents):
                if isinstance(values, list):
                    values.clear()
        started = time.perf_counter()
        tokens = packed.tokens() if terms or engine != "bm25s" else None
        if index is None:
            if engine == "bm25s":
                index = BM25sIndex.from_arrays(packed.lengths, packed.ids, packed.vocabulary)
                self._save_index(index, folder)
            else:
                index = build_index(tokens, engine=engine)  # type: ignore[arg-type]
            self.stats["index_built"] += 1
            logger.info("indexed %d passages with %s in %.1f s", len(packed.lengths), engine,
                        time.perf_counter() - started)
        self.timings["index"] += time.perf_counter() - started
        self._prune(self.root / "index", {index_key} if engine == "bm25s" else set())
        return tokens, index

    @staticmethod
    def _index_key(engine: str, fingerprint: str, keys: dict[str, str]) -> str:
        # The index code and the engine's version decide the saved arrays too.
        return _sha(engine, _engine_version(engine), _code(("index.py",)), fingerprint,
                    *keys.values())[:24]

    def cached_index(self, tokenizer: object, contents: dict[str, str],
                     size: int) -> BM25sIndex | None:
        """The persisted bm25s index over passages whose `index_contents` are `contents`.

        None when there is none (or it is damaged, or the corpus is small enough for
        rank-bm25, which is not persisted): then `prepare` builds it.
        """
        engine = self.engine or ("bm25s" if size >= BM25S_FROM else "rank-bm25")
        if engine != "bm25s":
            return None
        fingerprint = tokenizer_fingerprint(tokenizer)
        keys = {document: _sha(fingerprint, content)[:24] for document, content in contents.items()}
        started = time.perf_counter()
        index = self._load_index(self.root / "index" / self._index_key(engine, fingerprint, keys),
                                 size)
        self.timings["index"] = time.perf_counter() - started
        return index

    def _terms(self, tokenizer: object, texts: Sequence[str], groups: dict[str, list[int]],
               keys: dict[str, str], people: Sequence[str] | None = None) -> Packed:
        """Every text's terms, in order: from each document's cache entry, or cut again."""
        joiner = Joiner()
        missing: dict[str, list[int]] = {}
        for document, positions in groups.items():
            entry = self.root / "tokens" / keys[document]
            try:
                if not entry.exists():
                    missing[document] = positions
                    continue
                joiner.add(document, Packed.from_value(_read_blob(entry), len(positions)))
            except (IndexError_, OSError, pickle.UnpicklingError, EOFError, TypeError,
                    ValueError, AttributeError) as exc:
                logger.warning("term cache %s is damaged (%s); cutting again", entry.name, exc)
                self.stats["rebuilt"] += 1
                missing[document] = positions
        if missing:
            show = self.progress and sum(map(len, missing.values())) >= PROGRESS_PASSAGES
            tokens = self.root / "tokens"

            def keep(document: str, packed: Packed) -> None:
                _write_blob(tokens / keys[document], packed.to_value())

            for document, packed in cut(tokenizer, texts, missing, keep, self.workers,
                                        lambda items, total: _bar(items, show, "cutting", total),
                                        people):
                joiner.add(document, packed)
        self._prune(self.root / "tokens", set(keys.values()))
        order = sorted(groups, key=lambda d: groups[d][0])
        joined = joiner.join(order)
        positions = [p for document in order for p in groups[document]]
        if positions == list(range(len(positions))):
            return joined  # each document's texts side by side, as a corpus reads
        terms: list[list[str]] = [[] for _ in texts]  # documents interleaved: put each back
        for position, found in zip(positions, joined.tokens()):
            terms[position] = found
        return Packed.of(terms)

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
