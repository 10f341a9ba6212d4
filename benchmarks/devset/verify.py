#!/usr/bin/env python3
"""Checks chuchu's own development set (docs/ plus four gold files) for consistency.

Text is compared the way the evaluator compares it: NFKC, with whitespace, `*` and `#` removed.
Errors (exit status 1):
  - a document named in a gold file that is not in docs/;
  - an anchor that does not occur exactly once in the whole set of documents (evaluate.py takes
    the first passage of the whole corpus that holds it, so it must be unique across documents);
  - an anchor that also occurs in a seed page, when a seeds folder is given or found;
  - an attribution anchor outside 10-20 characters, a QA anchor outside 8-25;
  - a speaker field that is not a non-empty list of names or [null], or a named speaker none of
    whose listed forms occurs in its document;
  - a missing field (attribution: doc, anchor, speaker, note, genre; qa: question, gold, kind);
  - a document outside 1,500-4,000 Chinese characters or whose first line is empty;
  - a speaker question whose speaker never occurs in a document.
Warnings only: an anchor that crosses a sentence end; a question asked twice.

Usage: python3 verify.py [--seeds DIR] [--also DIR ...]
Without --seeds, a `seeds/` folder next to this one or one or two levels up is used if present.
"""
import argparse
import collections
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS_DIR = os.path.join(HERE, "docs")
HAN = re.compile(r"[\u4e00-\u9fff]")


def norm(s):
    return re.sub(r"[\s*#]+", "", unicodedata.normalize("NFKC", s or ""))


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def find_seeds(given):
    if given:
        return given
    for up in ("seeds", "../seeds", "../../seeds", "../../../seeds"):
        path = os.path.normpath(os.path.join(HERE, up))
        if os.path.isdir(path):
            return path
    return None


class Checker:
    def __init__(self, seeds_dirs):
        self.raw = {}
        for fn in sorted(os.listdir(DOCS_DIR)):
            if fn.endswith(".txt"):
                with open(os.path.join(DOCS_DIR, fn), encoding="utf-8") as f:
                    self.raw[fn] = f.read()
        self.docs = {fn: norm(t) for fn, t in self.raw.items()}
        self.seeds = {}
        for folder in seeds_dirs:
            for fn in sorted(os.listdir(folder)):
                if fn.endswith(".txt"):
                    with open(os.path.join(folder, fn), encoding="utf-8") as f:
                        self.seeds[os.path.join(folder, fn)] = norm(f.read())
        self.errors = 0
        self.warnings = 0

    def error(self, msg):
        self.errors += 1
        print("ERROR", msg)

    def warn(self, msg):
        self.warnings += 1
        print("warn ", msg)

    def anchor(self, doc, anchor, where, lo, hi):
        if doc not in self.docs:
            self.error(f"{where}: document {doc!r} does not exist in docs/")
            return
        a = norm(anchor)
        total = sum(t.count(a) for t in self.docs.values())
        if self.docs[doc].count(a) != 1 or total != 1:
            where_else = [d for d in self.docs if a in self.docs[d]]
            self.error(f"{where}: {anchor!r} occurs {self.docs[doc].count(a)} time(s) in {doc} "
                       f"and {total} in the whole set ({where_else}); it must occur exactly once")
        in_seeds = [s for s in self.seeds if a in self.seeds[s]]
        if in_seeds:
            self.error(f"{where}: {anchor!r} also occurs in {in_seeds}")
        if not lo <= len(a) <= hi:
            self.error(f"{where}: {anchor!r} has {len(a)} characters (allowed {lo}-{hi})")
        if re.search(r"[。！？!?]", a[:-1]):
            self.warn(f"{where}: {anchor!r} crosses a sentence end")

    def speaker(self, doc, sp, where):
        if not isinstance(sp, list) or not sp:
            self.error(f"{where}: speaker must be a non-empty list, got {sp!r}")
            return
        if any(x is not None and (not isinstance(x, str) or not x.strip()) for x in sp):
            self.error(f"{where}: speaker list has an empty or non-string name: {sp!r}")
            return
        names = [x for x in sp if x is not None]
        if names and doc in self.docs and not any(norm(n) in self.docs[doc] for n in names):
            self.error(f"{where}: none of the speaker forms {names} occurs in {doc}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", help="folder of seed pages that anchors must not occur in")
    ap.add_argument("--also", action="append", default=[],
                    help="another folder of .txt documents that anchors must not occur in (repeatable)")
    args = ap.parse_args()
    seeds_dir = find_seeds(args.seeds)
    others = ([seeds_dir] if seeds_dir else []) + args.also
    c = Checker(others)
    print(f"documents: {len(c.docs)} in docs/; also checked against: {', '.join(others) or 'nothing (no seeds found)'}")

    per = {d: collections.Counter() for d in c.docs}
    for fn, t in c.raw.items():
        if not t.splitlines() or not t.splitlines()[0].strip():
            c.error(f"{fn}: line 1 (the headline) is empty")

    seen = set()
    for i, g in enumerate(load("attribution.jsonl"), 1):
        where = f"attribution:{i}"
        for key in ("doc", "anchor", "speaker", "note", "genre"):
            if key not in g:
                c.error(f"{where}: missing field {key!r}")
        if (g.get("doc"), g.get("anchor")) in seen:
            c.error(f"{where}: anchor {g.get('anchor')!r} listed twice")
        seen.add((g.get("doc"), g.get("anchor")))
        c.anchor(g.get("doc"), g.get("anchor", ""), where, 10, 20)
        c.speaker(g.get("doc"), g.get("speaker"), where)
        if g.get("doc") in per:
            per[g["doc"]]["attr"] += 1
            per[g["doc"]]["null"] += g.get("speaker") == [None]
            per[g["doc"]]["null_ok"] += None in (g.get("speaker") or []) and g.get("speaker") != [None]

    kinds = collections.Counter()
    questions = collections.Counter()
    for i, q in enumerate(load("qa.jsonl"), 1):
        where = f"qa:{i}"
        if not q.get("question") or not q.get("gold") or not q.get("kind"):
            c.error(f"{where}: needs a question, a non-empty gold list and a kind")
            continue
        questions[q["question"]] += 1
        kinds[q["kind"]] += 1
        for g in q["gold"]:
            for key in ("doc", "anchor", "speaker"):
                if key not in g:
                    c.error(f"{where}: gold entry missing {key!r}")
            c.anchor(g.get("doc"), g.get("anchor", ""), where, 8, 25)
            c.speaker(g.get("doc"), g.get("speaker"), where)
        if q["gold"][0].get("doc") in per:
            per[q["gold"][0]["doc"]]["qa"] += 1

    neg = load("negative.jsonl")
    for i, q in enumerate(neg, 1):
        if not q.get("question"):
            c.error(f"negative:{i}: missing question")
        else:
            questions[q["question"]] += 1
    sq = load("speaker_q.jsonl")
    for i, q in enumerate(sq, 1):
        if not q.get("question") or not q.get("speaker"):
            c.error(f"speaker_q:{i}: needs question and speaker")
        elif not any(norm(q["speaker"]) in t for t in c.docs.values()):
            c.error(f"speaker_q:{i}: speaker {q['speaker']!r} does not occur in any document")
        else:
            questions[q["question"]] += 1
    for text, n in questions.items():
        if n > 1:
            c.warn(f"question asked {n} times: {text}")

    print()
    print(f"{'document':28} {'chars':>5} {'attr':>4} {'null':>4} {'+null':>5} {'qa':>3}")
    for d in sorted(c.docs):
        han = len(HAN.findall(c.raw[d]))
        if not 1500 <= han <= 4000:
            c.error(f"{d}: {han} Chinese characters (allowed 1,500-4,000)")
        p = per[d]
        print(f"{d:28} {han:5} {p['attr']:4} {p['null']:4} {p['null_ok']:5} {p['qa']:3}")
    n_attr = sum(p["attr"] for p in per.values())
    n_null = sum(p["null"] for p in per.values())
    print(f"{'total':28} {'':5} {n_attr:4} {n_null:4} "
          f"{sum(p['null_ok'] for p in per.values()):5} {sum(p['qa'] for p in per.values()):3}")
    print(f"null share {n_null / max(n_attr, 1):.0%} ('+null': lines that also accept null)")
    print("qa kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))
    print(f"qa {sum(kinds.values())}, negatives {len(neg)}, speaker questions {len(sq)}")
    print("OK" if not c.errors else f"{c.errors} error(s)", f"({c.warnings} warning(s))")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
