"""Index benchmark: build time, peak memory, disk, query and answer latency, cold start.

For each size and engine, in a fresh process (so peak memory is its own):

* build: `Answerer.from_passages` over synthetic passages (benchmarks/corpus.py) with an
  empty cache: corpus terms, deduplication, cutting (on every core), indexing, saving;
* peak memory: the build process's peak resident set, the passages themselves included;
* disk: the cache folder (terms and, for bm25s, the index arrays);
* query: cutting a question and `index.search` (the pool of 30 that an answer draws from);
* answer: `Answerer.ask`, attribution and snippets included (rendering is not);
* cold start: a new process that unpickles the passages, builds the `Answerer` from the cache
  and answers one question (passages in real use come from the per-document cache too).

    .venv/bin/python benchmarks/bench_index.py --sizes 1000 10000 100000
    .venv/bin/python benchmarks/bench_index.py --level index --sizes 1000000 --engines bm25s

`--level index` measures the index layer alone (terms, index, its restart). `--level restart`
measures real use at any size: the synthetic passages are written into the store's
per-document entries (in a process of their own), then `build_answerer` runs over that folder
(summary, cutting, index, with the peak PSS of it and its workers), answers questions, and a
new process restarts over the unchanged folder and answers once:

    .venv/bin/python benchmarks/bench_index.py --level restart --sizes 100000 1000000 --engines bm25s

Prints one row per run as it goes and a Markdown table at the end. Data goes under
benchmarks/data/ (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "benchmarks" / "data"

QUESTIONS = ["工会工作政治性先进性群众性", "职工之家建设怎么样", "劳模工匠创新工作室有哪些", "三唯观念是什么",
             "农民工工资欠薪问题", "如何维护职工权益", "互联网+工会", "困难职工帮扶", "谁提出了工会改革",
             "郑荣胜说了什么"]


def _questions(passages: list, n: int) -> list[str]:
    """Fixed questions, then a few words of random passages, as people ask."""
    from retrieval.tokenize import Tokenizer

    tokenizer = Tokenizer()
    rng = random.Random(6)
    questions = list(QUESTIONS)
    while len(questions) < n:
        words = [w for w in tokenizer.words(rng.choice(passages).text) if len(w) >= 2]
        if len(words) >= 3:
            start = rng.randrange(len(words) - 2)
            questions.append("".join(words[start:start + rng.randint(2, 3)]))
    return questions


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_index_build(size: int, engine: str, queries: int) -> dict:
    """The index layer alone (terms, index, disk), for sizes where the answerer is too slow."""
    from benchmarks.corpus import synthetic_passages
    from retrieval.records import index_text
    from retrieval.store import IndexStore
    from retrieval.tokenize import Tokenizer
    from retrieval.vocabulary import corpus_terms

    passages = synthetic_passages(size)
    folder = DATA / f"{size}-{engine}-index"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    with open(folder / "passages.pickle", "wb") as handle:
        pickle.dump(passages, handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickled = time.perf_counter() - started
    questions = _questions(passages, queries)
    started = time.perf_counter()
    tokenizer = Tokenizer(corpus_terms(passages))
    store = IndexStore(folder / "cache", progress=sys.stderr.isatty(), engine=engine)
    _, index = store.prepare(tokenizer, passages)
    build = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    query_times = []
    for question in questions:
        started = time.perf_counter()
        index.search(tokenizer.tokens(question), 30)
        query_times.append(time.perf_counter() - started)
    q50, q95 = _percentiles(query_times)
    return {
        "size": size, "engine": engine, "level": "index",
        "chars": sum(len(index_text(p)) for p in passages),
        "build_s": build, "terms_s": store.timings.get("read", 0.0),
        "index_s": store.timings.get("index", 0.0), "peak_mb": peak,
        "disk_mb": _du(folder / "cache") / 1e6, "query_p50_ms": q50 * 1e3,
        "query_p95_ms": q95 * 1e3, "pickle_dump_s": pickled, "queries": len(questions),
    }


def run_index_cold(size: int, engine: str) -> dict:
    """A restart of the index layer: passages unpickled, terms and index from the cache."""
    started = time.perf_counter()
    from retrieval.store import IndexStore
    from retrieval.tokenize import Tokenizer
    from retrieval.vocabulary import corpus_terms

    imported = time.perf_counter()
    folder = DATA / f"{size}-{engine}-index"
    with open(folder / "passages.pickle", "rb") as handle:
        passages = pickle.load(handle)
    loaded = time.perf_counter()
    tokenizer = Tokenizer(corpus_terms(passages))
    ready_tokenizer = time.perf_counter()
    store = IndexStore(folder / "cache", progress=False, engine=engine)
    _, index = store.prepare(tokenizer, passages, terms=False)
    ready = time.perf_counter()
    index.search(tokenizer.tokens(QUESTIONS[0]), 30)
    done = time.perf_counter()
    return {"imports_s": imported - started, "passages_s": loaded - imported,
            "tokenizer_s": ready_tokenizer - loaded, "store_s": ready - ready_tokenizer,
            "terms_load_s": store.timings.get("read", 0.0),
            "index_load_s": store.timings.get("index", 0.0), "first_query_s": done - ready,
            "index_built": store.stats["index_built"]}


def run_build(size: int, engine: str, queries: int) -> dict:
    """One build and its measurements, in this process."""
    from benchmarks.corpus import documents_of, synthetic_passages
    from retrieval.answer import Answerer
    from retrieval.store import IndexStore

    passages = synthetic_passages(size)
    documents = documents_of(passages)
    folder = DATA / f"{size}-{engine}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with open(folder / "passages.pickle", "wb") as handle:
        pickle.dump((passages, documents), handle, protocol=pickle.HIGHEST_PROTOCOL)
    questions = _questions(passages, queries)
    store = IndexStore(folder / "cache", progress=sys.stderr.isatty(), engine=engine)
    started = time.perf_counter()
    answerer = Answerer.from_passages(passages, documents, store=store)
    build = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    query_times, answer_times = [], []
    for question in questions:
        started = time.perf_counter()
        answerer.index.search(answerer.tokenizer.tokens(question), 30)
        query_times.append(time.perf_counter() - started)
    for question in questions:
        started = time.perf_counter()
        answerer.ask(question)
        answer_times.append(time.perf_counter() - started)
    q50, q95 = _percentiles(query_times)
    a50, a95 = _percentiles(answer_times)
    return {
        "size": size, "engine": engine, "chars": sum(len(p.text) for p in passages),
        "build_s": build, "terms_s": store.timings.get("read", 0.0),
        "index_s": store.timings.get("index", 0.0), "peak_mb": peak,
        "disk_mb": _du(folder / "cache") / 1e6, "query_p50_ms": q50 * 1e3,
        "query_p95_ms": q95 * 1e3, "answer_p50_ms": a50 * 1e3, "answer_p95_ms": a95 * 1e3,
        "queries": len(questions),
    }


def run_cold(size: int, engine: str) -> dict:
    """Measured from inside a new process: passages, answerer from cache, first answer."""
    started = time.perf_counter()
    from retrieval.answer import Answerer
    from retrieval.store import IndexStore

    imported = time.perf_counter()
    folder = DATA / f"{size}-{engine}"
    with open(folder / "passages.pickle", "rb") as handle:
        passages, documents = pickle.load(handle)
    loaded = time.perf_counter()
    store = IndexStore(folder / "cache", progress=False, engine=engine)
    answerer = Answerer.from_passages(passages, documents, store=store)
    ready = time.perf_counter()
    answerer.ask(QUESTIONS[0])
    done = time.perf_counter()
    return {"imports_s": imported - started, "passages_s": loaded - imported,
            "answerer_s": ready - loaded, "first_answer_s": done - ready,
            "index_load_s": store.timings.get("index", 0.0),
            "terms_load_s": store.timings.get("read", 0.0), "index_built": store.stats["index_built"]}


def _seed_cache(size: int, engine: str) -> dict:
    """A documents folder and a cache that holds its chunked passages, as a build leaves it.

    Chunking the synthetic pages would take long, so the synthetic passages are written
    straight into the store's per-document entries and records (`IndexStore.write_document`,
    keyed by each file as `read_document` reads it back), and a listing of the folder is made
    (`IndexStore.corpus`, which finds every entry and chunks nothing); everything after
    chunking runs as in real use. Returns the seconds spent writing entries and records, and
    of those the seconds making the records (what chunking adds for them).
    """
    from benchmarks.corpus import documents_of, synthetic_passages
    from retrieval.loading import read_document
    from retrieval.records import record_of
    from retrieval.store import IndexStore

    passages = synthetic_passages(size)
    folder = DATA / f"{size}-{engine}-restart"
    shutil.rmtree(folder, ignore_errors=True)
    docs, cache = folder / "docs", folder / "cache"
    by_document: dict[str, list] = {}
    for passage in passages:
        by_document.setdefault(passage.document_id, []).append(passage)
    store = IndexStore(cache, progress=False)
    store.use_folder(docs)
    writing = recording = 0.0
    for document in documents_of(passages):
        path = docs / document.id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document.text, encoding="utf-8")
        read = read_document(path, docs)
        started = time.perf_counter()
        store.write_document(read, by_document[document.id])
        writing += time.perf_counter() - started
        started = time.perf_counter()
        record_of(by_document[document.id])  # timed alone: what the records cost chunking
        recording += time.perf_counter() - started
    listing = IndexStore(cache, progress=False)
    listing.corpus(docs)
    assert listing.stats["documents_cut"] == 0, "the seeded entries were not found"
    listing.finish()
    return {"write_s": writing, "record_s": recording}


def run_seed(size: int, engine: str, queries: int) -> dict:
    """Write the restart level's folder and cache, in a process of its own (it holds every
    synthetic passage, which must not count in the build's memory)."""
    started = time.perf_counter()
    written = _seed_cache(size, engine)
    return {"seed_s": time.perf_counter() - started, **written}


class PeakMemory:
    """The peak of this process's and its children's proportional set size (PSS), sampled.

    PSS shares a page among the processes that map it, so forked workers' copy-on-write
    pages are counted once: the sum is the memory the build really uses. Reading it walks a
    process's page tables (65 ms for 3 GB): sampled every 0.2 s it took a whole core from the
    build, every 2 s about a tenth of one.
    """

    def __init__(self, every: float = 2.0) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    @staticmethod
    def pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    def _run(self, every: float) -> None:
        me = os.getpid()
        while not self._stop.wait(every):
            total = self.pss(me) + sum(self.pss(c) for c in self._children(me))
            self.peak = max(self.peak, total)

    def stop(self) -> float:
        """The peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / 1e6


def run_restart_build(size: int, engine: str, queries: int) -> dict:
    """`build_answerer` over a folder whose passages are cached: reading (summary and
    cutting in one pass), index."""
    from benchmarks.corpus import synthetic_passages
    from config.settings import load_settings
    from retrieval.build import build_answerer
    from retrieval.store import IndexStore

    folder = DATA / f"{size}-{engine}-restart"
    settings = load_settings(documents_dir=folder / "docs", cache_dir=folder / "cache")
    store = IndexStore(settings.cache_dir, progress=sys.stderr.isatty())
    memory = PeakMemory()
    started = time.perf_counter()
    answerer = build_answerer(settings, store)
    build = time.perf_counter() - started
    peak_pss = memory.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    questions = _questions(synthetic_passages(min(size, 20_000)), queries)
    answer_times = []
    for question in questions:
        started = time.perf_counter()
        answerer.ask(question)
        answer_times.append(time.perf_counter() - started)
    a50, a95 = _percentiles(answer_times)
    return {"size": size, "engine": type(answerer.index).__name__, "level": "restart",
            "build_s": build, "timings": store.timings, "peak_mb": peak,
            "worker_peak_mb": workers, "peak_pss_mb": peak_pss,
            "disk_mb": _du(settings.cache_dir) / 1e6, "answer_p50_ms": a50 * 1e3,
            "answer_p95_ms": a95 * 1e3, "answers_per_s": len(answer_times) / sum(answer_times),
            "queries": len(questions)}


def run_restart_cold(size: int, engine: str) -> dict:
    """A new process: `build_answerer` over the unchanged folder, then one answer."""
    started = time.perf_counter()
    from config.settings import load_settings
    from retrieval.build import build_answerer

    imported = time.perf_counter()
    folder = DATA / f"{size}-{engine}-restart"
    settings = load_settings(documents_dir=folder / "docs", cache_dir=folder / "cache")
    answerer = build_answerer(settings)
    ready = time.perf_counter()
    answer = answerer.ask(QUESTIONS[0])
    done = time.perf_counter()
    return {"imports_s": imported - started, "answerer_s": ready - imported,
            "first_answer_s": done - ready, "hits": len(answer.hits),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(mode: str, size: int, engine: str, queries: int, level: str) -> dict:
    command = [sys.executable, __file__, f"--{mode}", str(size), "--engine", engine,
               "--queries", str(queries), "--level", level]
    started = time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    return result


def table(rows: list[dict]) -> str:
    head = ("| passages | engine | build | of which read / index | peak RSS | disk | query p50 / p95 "
            "| answer p50 / p95 | cold start (first answer) |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        if r.get("level") == "restart":
            cold = r["cold"]
            t = r["timings"]
            lines.append(
                f"| {r['size']:,} | {r['engine']} (from cached chunks) | {r['build_s']:.1f} s | "
                f"words {t.get('tokenizer', 0):.1f} / read {t.get('read', 0):.1f} / index "
                f"{t.get('index', 0):.1f} s | {r['peak_pss_mb']:,.0f} MB (PSS, workers included) | "
                f"{r['disk_mb']:,.0f} MB | — | {r['answer_p50_ms']:.1f} / "
                f"{r['answer_p95_ms']:.1f} ms ({r['answers_per_s']:.0f}/s) | {cold['wall_s']:.1f} s "
                f"(answerer {cold['answerer_s']:.1f} s, peak {cold['peak_mb']:,.0f} MB) |")
            continue
        if r.get("level") == "index":
            cold = r["cold"]
            lines.append(
                f"| {r['size']:,} | {r['engine']} (index only) | {r['build_s']:.1f} s | "
                f"{r['terms_s']:.1f} / {r['index_s']:.1f} s | {r['peak_mb']:,.0f} MB | "
                f"{r['disk_mb']:,.0f} MB | {r['query_p50_ms']:.1f} / {r['query_p95_ms']:.1f} ms | "
                f"— | index {cold['store_s']:.1f} s (+ passages {cold['passages_s']:.1f} s, "
                f"tokenizer {cold['tokenizer_s']:.1f} s) |")
            continue
        lines.append(
            f"| {r['size']:,} | {r['engine']} | {r['build_s']:.1f} s | {r['terms_s']:.1f} / "
            f"{r['index_s']:.1f} s | {r['peak_mb']:,.0f} MB | {r['disk_mb']:,.0f} MB | "
            f"{r['query_p50_ms']:.1f} / {r['query_p95_ms']:.1f} ms | {r['answer_p50_ms']:.1f} / "
            f"{r['answer_p95_ms']:.1f} ms | {r['cold']['wall_s']:.1f} s |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["rank-bm25", "bm25s"])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--level", choices=["answer", "index", "restart"], default="answer",
                        help="answer: the whole Answerer; index: terms and index only; "
                             "restart: build_answerer over cached chunks, then a restart")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cold", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    args = parser.parse_args()
    builds = {"answer": run_build, "index": run_index_build, "restart": run_restart_build}
    colds = {"answer": run_cold, "index": run_index_cold, "restart": run_restart_cold}
    if args.seed:
        print(json.dumps(run_seed(args.seed, args.engine, args.queries)))
        return
    if args.build:
        print(json.dumps(builds[args.level](args.build, args.engine, args.queries)))
        return
    if args.cold:
        print(json.dumps(colds[args.level](args.cold, args.engine)))
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{os.uname().machine}", flush=True)
    rows = []
    for size in args.sizes:
        for engine in args.engines:
            seeded = _child("seed", size, engine, args.queries, args.level) \
                if args.level == "restart" else {}
            row = _child("build", size, engine, args.queries, args.level)
            row["seed"] = seeded
            row["cold"] = _child("cold", size, engine, args.queries, args.level)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
