"""Every passage chunking makes of some folders, as `chuchu passages --json` rows, for comparing
two versions of the chunking code.

A speed-only change to chunking, attribution, layout or columns must leave these rows byte for
byte the same: dump them with the code before and after, then `cmp` the two files (or pass
`--against` the earlier dump and read the first row that differs).

    .venv/bin/python benchmarks/dump_passages.py seeds benchmarks/devset/docs --cases \\
        --out /tmp/before.jsonl
    .venv/bin/python benchmarks/dump_passages.py seeds benchmarks/devset/docs --cases \\
        --out /tmp/after.jsonl --against /tmp/before.jsonl

Each row is a passage's `to_json()` (id, document, section, paragraph, text, segments with
speakers, line, origin, kind) with the file it came from; `--cases` adds the texts of
`tests/attribution_cases.toml`, chunked as the tests chunk them. `--every N` keeps every Nth
file of a folder (a sample of a large archive).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.chunking import chunk_document  # noqa: E402
from retrieval.loading import document_paths, read_document  # noqa: E402
from retrieval.models import Document  # noqa: E402


def _rows(source: str, document: Document):
    for passage in chunk_document(document):
        yield json.dumps({"file": source, **passage.to_json()}, ensure_ascii=False,
                         sort_keys=True)


def rows(folders: list[Path], cases: bool, every: int):
    """Every row, folder by folder in file order, then the cases."""
    for folder in folders:
        for number, path in enumerate(document_paths(folder)):
            if number % every == 0:
                yield from _rows(str(path.relative_to(folder)), read_document(path, folder))
    if cases:
        from tests.helpers import make_document

        table = tomllib.loads((ROOT / "tests" / "attribution_cases.toml").read_text("utf-8"))
        for number, case in enumerate(table["case"]):
            yield from _rows(f"case {number}", make_document(case["text"] + "\n"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--cases", action="store_true", help="add tests/attribution_cases.toml")
    parser.add_argument("--every", type=int, default=1, help="keep every Nth file of a folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--against", type=Path, help="an earlier dump to compare with")
    args = parser.parse_args()
    started = time.perf_counter()
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for row in rows(args.folders, args.cases, args.every):
            out.write(row + "\n")
            count += 1
    print(f"{count} passages in {time.perf_counter() - started:.1f} s → {args.out}")
    if args.against is None:
        return
    mine = args.out.read_text("utf-8").splitlines()
    theirs = args.against.read_text("utf-8").splitlines()
    for number, (a, b) in enumerate(zip(mine, theirs)):
        if a != b:
            raise SystemExit(f"row {number} differs:\n  now    {a}\n  before {b}")
    if len(mine) != len(theirs):
        raise SystemExit(f"{len(mine)} rows now, {len(theirs)} before")
    print(f"identical to {args.against}")


if __name__ == "__main__":
    main()
