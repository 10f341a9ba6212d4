"""Building an answerer from a documents folder: files → passages → index, through the cache.

`build_answerer(settings, store)` is what every entry point calls (the console, `chuchu ask`,
the Telegram bot and its `/reload`). It lists and chunks the folder (`IndexStore.corpus`: only
what changed), reads the kept summary and index or makes them, and ends the build
(`IndexStore.finish`): the answerer holds its generation's lease, so that no other build prunes
the entries it reads. The answerer itself (`retrieval.answer`) never reads a source file.
"""

from __future__ import annotations

import json
import logging
import time

from config.settings import Settings
from retrieval.answer import Answerer
from retrieval.cache import CacheUnavailable
from retrieval.errors import NoDocumentsError
from retrieval.store import IndexStore
from retrieval.tokenize import Tokenizer

logger = logging.getLogger(__name__)

ATTEMPTS = 2  # an entry found damaged while it is read is removed; the second build remakes it


def build_answerer(settings: Settings, store: IndexStore | None = None) -> Answerer:
    """The answerer over the documents folder of `settings`, built through the cache.

    `store` (default: one over `settings.cache_dir`) is the cache; its `timings` say where
    the time went. Raises `NoDocumentsError` when the folder holds nothing to index.
    """
    folder = settings.documents_dir
    if not folder.is_dir():
        raise NoDocumentsError(f"文档目录不存在：{folder}")
    store = store or IndexStore(settings.cache_dir)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _build(settings, store)
        except CacheUnavailable:
            if attempt == ATTEMPTS:
                raise
            logger.warning("a cache entry failed its check while it was read; building again")
        finally:
            store.release()
    raise AssertionError("unreachable")


def _build(settings: Settings, store: IndexStore) -> Answerer:
    started = time.perf_counter()
    folder = settings.documents_dir
    corpus = store.corpus(folder)
    if not corpus.passages:
        skipped = "、".join(f"{e.path}（{e.reason}）" for e in corpus.skipped[:3])
        more = f"等 {len(corpus.skipped)} 个" if len(corpus.skipped) > 3 else ""
        raise NoDocumentsError(
            f"{folder} 中没有可以索引的文档（支持 .txt、.md、.docx、.pdf、.html）"
            + (f"；跳过了{more}文件：{skipped}" if skipped else ""))
    begun = time.perf_counter()
    summary = store.load_summary(corpus.spans)
    # The user dictionary is known before any passage is read: each entry records its terms.
    words = summary.user_words if summary is not None else corpus.passages.corpus_terms()
    tokenizer = Tokenizer(words)
    store.timings["tokenizer"] = time.perf_counter() - begun
    index = store.cached_index(tokenizer, corpus.spans, len(summary.searchable)) \
        if summary is not None else None
    if summary is None or index is None:
        built, _, index = store.index_passages(
            tokenizer, corpus.passages, corpus.spans, words, summary, terms=False)
        if summary is None:
            store.save_summary(corpus.spans, built)
        summary = built
    corpus.passages.hold(store.finish())
    logger.info("built in %.2f s: %s", time.perf_counter() - started,
                json.dumps({name: round(value, 3) for name, value in store.timings.items()}))
    return Answerer(corpus.passages, corpus.documents, tokenizer, index, settings.top_k,
                    corpus.skipped, summary, [(s.start, s.stop) for s in corpus.spans])
