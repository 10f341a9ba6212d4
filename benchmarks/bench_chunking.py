"""How long chunking takes: raw files to attributed passages, one process, warm imports.

Each folder's files are read and decoded (`read_document`) and chunked (`chunk_document`:
layout, columns, paragraphs, attribution) `--repeat` times; the best round is reported, so the
figure is the code's cost and not the machine's noise. The first round also pays for loading
the word lists and OpenCC's tables, which every process pays once; it is reported apart.

    .venv/bin/python benchmarks/bench_chunking.py                  # the seeds and the devset
    .venv/bin/python benchmarks/bench_chunking.py --folders DIR …  # any folders
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.chunking import chunk_document  # noqa: E402
from retrieval.loading import document_paths, read_document  # noqa: E402


def measure(folder: Path, repeat: int) -> dict[str, float]:
    """Seconds per round (first and best) and passages per second for one folder."""
    rounds = []
    passages = 0
    for _ in range(repeat):
        started = time.perf_counter()
        passages = 0
        for path in document_paths(folder):
            document = read_document(path, folder)
            passages += sum(1 for p in chunk_document(document) if p.kind == "text")
        rounds.append(time.perf_counter() - started)
    best = min(rounds)
    return {"first_s": rounds[0], "best_s": best, "passages": passages,
            "per_second": passages / best if best else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folders", nargs="*", type=Path,
                        default=[ROOT / "seeds", ROOT / "benchmarks" / "devset" / "docs"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| folder | passages | first round | best of "
          f"{args.repeat} | passages/s |\n|---|---:|---:|---:|---:|")
    for folder in args.folders:
        result = measure(folder, args.repeat)
        print(f"| {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder} "
              f"| {result['passages']:,} | {result['first_s']:.3f} s | {result['best_s']:.3f} s "
              f"| {result['per_second']:,.0f} |")


if __name__ == "__main__":
    main()
