"""The first build from raw files, through the real entry point: files → chunks → index → answer.

For each size, an archive of `.txt` files (`benchmarks/archive.py`) is written once, then:

* first build: `chuchu ask --documents DIR QUESTION` in a new process with an empty cache
  (reading, chunking, summary and cutting, index, the first answer printed);
* restart: the same command again, over the cache the first run left;
* CPU: user and system seconds of the command and its workers (the machine may be shared:
  CPU seconds are steadier than wall time then);
* peak memory: the sum of the proportional set sizes (PSS) of the command and its workers,
  sampled every second (PSS counts pages a forked worker shares with its parent once);
* passages and distinct index terms, counted afterwards from the cache.

The per-stage seconds come from the build's own INFO log line when the code under test writes
one (`retrieval.build`). `--repo` runs another checkout's code on the same files (the previous
code for a before/after comparison, measured in turn):

    .venv/bin/python benchmarks/bench_raw.py --sizes 10000 100000
    .venv/bin/python benchmarks/bench_raw.py --sizes 20000 --layout seeds   # seed-like pages
    .venv/bin/python benchmarks/bench_raw.py --sizes 10000 --repo /tmp/before

Data goes under benchmarks/data/ (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "benchmarks" / "data"
QUESTION = "职工权益保障怎么样"

from benchmarks.bench_index import PeakMemory  # noqa: E402 - its PSS reader, shared

_COUNT = """
import json, sys
from config.settings import load_settings
from retrieval.answer import Answerer
settings = load_settings(documents_dir=sys.argv[1], cache_dir=sys.argv[2])
build = getattr(Answerer, "build", None)
if build is None:
    from retrieval.build import build_answerer as build
answerer = build(settings)
index = answerer.index
terms = len(getattr(index, "_vocab", None) or getattr(index, "_df", {}))
print(json.dumps({"passages": len(answerer.passages), "documents": len(answerer.documents),
                  "indexed": len(index), "terms": terms}))
"""


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            for child in (task / "children").read_text().split():
                found += _tree(int(child))
        except OSError:
            pass
    return found


def _run(command: list[str], repo: Path, env: dict[str, str]) -> dict:
    """Run `command` in `repo`; its wall time, peak PSS (tree) and output."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, **env, "PYTHONPATH": str(repo)})
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(1.0):
            peak = max(peak, sum(PeakMemory.pss(p) for p in _tree(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{command} failed ({process.returncode}):\n{err[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "peak_pss_mb": peak / 1e6, "stdout": out, "stderr": err}


def _timings(stderr: str) -> dict:
    """The stage seconds of the build's INFO line (`retrieval.build`), when there is one."""
    found = re.search(r"built in [0-9.]+ s: (\{.*\})", stderr)
    return json.loads(found.group(1)) if found else {}


def measure(size: int, repo: Path, layout: str | None) -> dict:
    """Write the archive (once), then time its first build and its restart with `repo`'s code."""
    from benchmarks.archive import write_archive

    folder = DATA / (f"archive-{size}" + (f"-{layout}" if layout else ""))
    made = write_archive(Path(folder), size, layout)
    docs, cache = Path(folder) / "docs", Path(folder) / f"cache-{repo.name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = {"CHUCHU_CACHE_DIR": str(cache), "CHUCHU_LOG_LEVEL": "INFO"}
    command = [sys.executable, "-m", "bot", "ask", "--documents", str(docs), QUESTION]
    first = _run(command, repo, env)
    again = _run(command, repo, env)
    count = subprocess.run([sys.executable, "-c", _COUNT, str(docs), str(cache)], cwd=repo,
                           check=True, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(repo)})
    counted = json.loads(count.stdout.strip().splitlines()[-1])
    timings = _timings(first["stderr"])
    chunking = timings.get("corpus")
    return {
        "size": size, "layout": layout or "mixed", "repo": str(repo), **counted,
        "documents_written": made["documents"], "by_layout": made["by_layout"],
        "first_build_s": first["wall_s"], "first_cpu_s": first["cpu_s"],
        "first_peak_pss_mb": first["peak_pss_mb"],
        "timings": timings,
        "passages_per_s_chunking": counted["passages"] / chunking if chunking else None,
        "passages_per_s_overall": counted["passages"] / first["wall_s"],
        "restart_s": again["wall_s"], "restart_peak_pss_mb": again["peak_pss_mb"],
        "restart_timings": _timings(again["stderr"]),
        "answer": first["stdout"].strip().splitlines()[:1],
        "disk_mb": sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--layout", choices=["news", "seeds", "interview", "transcript"])
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose code runs")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{os.uname().machine}", flush=True)
    for size in args.sizes:
        print(json.dumps(measure(size, args.repo.resolve(), args.layout), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
