"""The calibration table of question reading: recall and declines on a question set over real-
style documents of several genres, measured where users start (raw files, through the CLI).

A set is a folder holding `docs/` (the documents) and any of:

- `qa.jsonl`: `{"question", "gold": [{"doc", "anchor", "speaker": [names or null]}]}`: a hit
  counts when a gold anchor stands in its passage;
- `negative.jsonl`: `{"question"}`: questions the documents cannot answer, to be declined;
- `speaker_q.jsonl`: `{"question", "speaker"}`: questions about one person's words, answered
  as that person (`kind` speaker, or who for a who-is question) with their words.

The bundled seeds are indexed with the set (`--no-seeds` to leave them out), so negatives meet
a corpus of more than one kind of text. Prints one table row per set and genre (the part of a
document's file name after its number, `dev_02_presser_trad.txt` → presser_trad):

    .venv/bin/python benchmarks/question_calibration.py
    .venv/bin/python benchmarks/question_calibration.py --data benchmarks/devset --failures
    .venv/bin/python benchmarks/question_calibration.py --data benchmarks/rankset --failures
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "benchmarks" / "devset"
K = 5


def norm(text: str) -> str:
    return re.sub(r"[\s*#]+", "", unicodedata.normalize("NFKC", text or ""))


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def ask(cli: list[str], folder: Path, questions: list[str], k: int) -> list[dict]:
    """`chuchu ask --json -k K` over `folder`, one answer object per question."""
    env = dict(os.environ, CHUCHU_DOCUMENTS_DIR=str(folder), CHUCHU_CACHE_DIR=str(folder / ".cache"))
    done = subprocess.run([*cli, "ask", "--json", "-k", str(k)], input="\n".join(questions) + "\n",
                          capture_output=True, text=True, env=env, timeout=600, check=True)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if len(rows) != len(questions):
        raise SystemExit(f"asked {len(questions)} questions, got {len(rows)} answers")
    return rows


def genre(doc: str) -> str:
    stem = Path(doc).stem
    return re.sub(r"^[a-z]*_?\d+_?", "", stem) or stem


def rank_of(row: dict, gold: list[dict]) -> int | None:
    for rank, answer in enumerate(row.get("answers") or [], 1):
        text = norm(answer.get("text", ""))
        if any(norm(g["anchor"]) in text for g in gold):
            return rank
    return None


def speaker_words(answer: dict, name: str) -> bool:
    return any(name in ((s.get("speaker") or {}).get("name") or "")
               for s in answer.get("segments") or [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cli", default=str(ROOT / ".venv" / "bin" / "chuchu"))
    parser.add_argument("--no-seeds", action="store_true")
    parser.add_argument("--failures", action="store_true", help="list every miss")
    args = parser.parse_args()
    qa = load(args.data / "qa.jsonl")
    negatives = load(args.data / "negative.jsonl")
    speakers = load(args.data / "speaker_q.jsonl")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for path in sorted((args.data / "docs").iterdir()):
            shutil.copy(path, folder / path.name)
        if not args.no_seeds:
            for path in sorted((ROOT / "seeds").glob("*.txt")):
                shutil.copy(path, folder / path.name)
        questions = [q["question"] for q in qa + negatives + speakers]
        rows = ask(args.cli.split(), folder, questions, K)
    qa_rows, rest = rows[:len(qa)], rows[len(qa):]
    negative_rows, speaker_rows = rest[:len(negatives)], rest[len(negatives):]

    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    failures: list[str] = []
    for item, row in zip(qa, qa_rows):
        rank = rank_of(row, item["gold"])
        for key in ("all", genre(item["gold"][0]["doc"])):
            cell = table[key]
            cell["n"] += 1
            cell["r1"] += rank == 1
            cell["r3"] += rank is not None and rank <= 3
            cell["declined"] += not row.get("answers")
        if rank != 1:
            top = (row.get("answers") or [{}])[0].get("text", "(declined)")[:40]
            failures.append(f"qa  rank={rank} kind={row['kind']}  {item['question']}  | {top}")
    declined = sum(1 for row in negative_rows if not row.get("answers"))
    for item, row in zip(negatives, negative_rows):
        if row.get("answers"):
            failures.append(f"neg answered  {item['question']}  | {row['answers'][0]['text'][:40]}")
    handled = good = total = 0
    for item, row in zip(speakers, speaker_rows):
        name = item["speaker"]
        answered_as = (row.get("speaker") or {}).get("name", "")
        handled += row["kind"] in ("speaker", "who") and name in answered_as
        for answer in (row.get("answers") or [])[:3]:
            total += 1
            good += speaker_words(answer, name)
        if not (row["kind"] in ("speaker", "who") and name in answered_as):
            failures.append(f"spk kind={row['kind']} as={answered_as!r}  {item['question']}")

    print(f"question set: {args.data} ({'without' if args.no_seeds else 'with'} the seeds indexed)")
    print("| documents | questions | recall@1 | recall@3 | answerable declined (wrong) |")
    print("|---|---:|---:|---:|---:|")
    for key, cell in sorted(table.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        n = cell["n"]
        print(f"| {key} | {int(n)} | {cell['r1'] / n:.3f} | {cell['r3'] / n:.3f} | "
              f"{int(cell['declined'])} |")
    print()
    print("| negatives | declined (right) | answered (wrong) |")
    print("|---:|---:|---:|")
    print(f"| {len(negatives)} | {declined} | {len(negatives) - declined} |")
    if speakers:
        print()
        print("| speaker questions | answered as that person | their words in top 3 |")
        print("|---:|---:|---:|")
        print(f"| {len(speakers)} | {handled} | {good}/{total} |")
    if args.failures:
        print()
        print("\n".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
