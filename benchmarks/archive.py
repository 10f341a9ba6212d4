"""A synthetic archive of raw document files that reads like a real one, at any size.

`benchmarks/corpus.py` recombines the seeds' sentences: its vocabulary is a few thousand words
and a share of its passages repeat, so a first build from files would cut and index far less
than a real archive makes it. This generator writes `.txt` files instead:

* words drawn from jieba's own dictionary (`dict.txt`, 349,000 words with their corpus
  frequencies) with probability proportional to frequency^0.75: a Zipf curve with a long tail,
  so that a million passages hold a few hundred thousand distinct index terms;
* people and places from the dictionary's `nr` and `ns` words, with union and government
  titles (`{place}总工会主席{name}表示，…`), so attribution has real work;
* no passage twice (each is checked against the ones before);
* four layouts, in fixed shares:
  - news reports (40 %): a headline, a `本报讯 记者…` lead, one paragraph a line;
  - pages laid out like the seeds (30 %): headings, bylines (`{title}{name}：**{headline}**`
    or a name alone under a heading), paragraphs broken mid-sentence across lines, as text
    extracted from a newspaper page comes;
  - interviews (15 %): `问：` / `答：` paragraphs;
  - transcripts (15 %): `{name}：` alone on a line, their words in the paragraphs below.

    .venv/bin/python benchmarks/archive.py 10000 --write benchmarks/data/archive-10k

`--layout seeds` writes only the seed-like pages (for their own throughput figure). The same
size, layout and seed always give the same files.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LAYOUTS = {"news": 0.40, "seeds": 0.30, "interview": 0.15, "transcript": 0.15}
ZIPF_EXPONENT = 0.75  # frequency^0.75: jieba's counts flattened a little, as in word2vec
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_TITLES = ["总工会主席", "总工会党组书记、常务副主席", "总工会副主席", "人大常委会副主任、总工会主席",
           "政协副主席、总工会主席", "人力资源和社会保障局局长", "发展改革委主任", "教育局副局长"]
_CUES = ["表示", "认为", "指出", "强调", "介绍", "说", "提出"]
_QUESTION_ENDS = ["？", "吗？", "怎么看？", "有哪些考虑？"]


def _jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("jieba is needed for its dictionary")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@dataclass
class Vocabulary:
    words: list[str]
    weights: np.ndarray  # sampling probabilities
    people: list[str]
    places: list[str]


def vocabulary() -> Vocabulary:
    """jieba's Han words with Zipf weights, and its person and place names."""
    words: list[str] = []
    freqs: list[int] = []
    people: list[str] = []
    places: list[str] = []
    with open(_jieba_dictionary(), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            tag = parts[2] if len(parts) > 2 else ""
            if not all("\u4e00" <= ch <= "\u9fff" for ch in word) or len(word) > 4:
                continue
            if tag == "nr" and 2 <= len(word) <= 3 and word[0] in _SURNAMES:
                people.append(word)
                continue  # names come in as speakers, not as running words
            if tag == "ns" and 2 <= len(word) <= 3:
                places.append(word)
            words.append(word)
            freqs.append(freq)
    weights = np.asarray(freqs, dtype=np.float64) ** ZIPF_EXPONENT
    return Vocabulary(words, weights / weights.sum(), people, places)


class Writer:
    """Sentences, speakers and whole documents from one random stream."""

    def __init__(self, vocab: Vocabulary, seed: int) -> None:
        self.vocab = vocab
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self._words: list[str] = []
        self.seen: set[bytes] = set()
        self.distinct: set[str] = set()

    def _word(self) -> str:
        if not self._words:
            picks = self.np.choice(len(self.vocab.words), size=200_000, p=self.vocab.weights)
            self._words = [self.vocab.words[i] for i in picks.tolist()]
        return self._words.pop()

    def clause(self) -> str:
        words = [self._word() for _ in range(self.rng.randint(3, 8))]
        self.distinct.update(words)
        return "".join(words)

    def sentence(self) -> str:
        return "，".join(self.clause() for _ in range(self.rng.randint(1, 3))) + "。"

    def paragraph(self, lead: str = "") -> str:
        """Two to four sentences (about 150 characters) never written before."""
        while True:
            text = lead + "".join(self.sentence() for _ in range(self.rng.randint(2, 4)))
            digest = hashlib.blake2b(text.encode(), digest_size=12).digest()
            if digest not in self.seen:
                self.seen.add(digest)
                return text

    def person(self) -> tuple[str, str]:
        name = self.rng.choice(self.vocab.people)
        place = self.rng.choice(self.vocab.places)
        return name, place + self.rng.choice(["市", "县", "区", ""]) + self.rng.choice(_TITLES)

    def spoken(self) -> str:
        """A paragraph, reported as someone's words about a third of the time."""
        if self.rng.random() < 0.35:
            name, title = self.person()
            return self.paragraph(f"{title}{name}{self.rng.choice(_CUES)}，")
        return self.paragraph()

    def headline(self) -> str:
        return " ".join(self.clause()[:8] for _ in range(self.rng.randint(1, 2)))

    # -- layouts: each returns (text, number of paragraphs written) ---------------------
    def news(self, size: int) -> tuple[str, int]:
        reporter = self.rng.choice(self.vocab.people)
        lines = [self.headline(), "", f"本报讯 记者{reporter} 报道"]
        for _ in range(size):
            lines += ["", self.spoken()]
        return "\n".join(lines) + "\n", size

    def seeds(self, size: int) -> tuple[str, int]:
        """A roundup page: sections under headings and bylines, lines broken mid-sentence."""
        lines = ["", "", self.headline(), "", "——" + self.headline(), ""]
        written = 0
        while written < size:
            name, title = self.person()
            if self.rng.random() < 0.5:
                lines += [f"{title}{name}：**{self.headline()}**", ""]
            else:
                lines += [self.headline(), "", f"{title}{name}", ""]
            for _ in range(min(self.rng.randint(3, 8), size - written)):
                text = self.paragraph()
                width = self.rng.randint(28, 40)  # a column's width: sentences run on
                lines += [text[i:i + width] for i in range(0, len(text), width)]
                lines.append("")
                written += 1
        return "\n".join(lines) + "\n", written

    def interview(self, size: int) -> tuple[str, int]:
        name, title = self.person()
        reporter = self.rng.choice(self.vocab.people)
        lines = [f"{self.headline()}——访{title}{name}", "", f"记者 {reporter}", ""]
        for i in range(size):
            if i % 2 == 0:
                lines += ["问：" + self.clause() + self.rng.choice(_QUESTION_ENDS), ""]
                self.seen.add(hashlib.blake2b(lines[-2].encode(), digest_size=12).digest())
            else:
                lines += ["答：" + self.paragraph(), ""]
        return "\n".join(lines) + "\n", size

    def transcript(self, size: int) -> tuple[str, int]:
        people = [self.person() for _ in range(self.rng.randint(2, 4))]
        lines = [self.headline() + "座谈会发言摘编", ""]
        written = 0
        while written < size:
            name, title = self.rng.choice(people)
            lines += [f"{name}：", ""]
            for _ in range(min(self.rng.randint(1, 3), size - written)):
                lines += [self.paragraph(), ""]
                written += 1
        lines += [", ".join(f"{n}（{t}）" for n, t in people), ""]
        return "\n".join(lines) + "\n", written


def write_archive(folder: Path, passages: int, layout: str | None = None, seed: int = 15) -> dict:
    """Write about `passages` paragraphs as documents under `folder`; returns a description.

    Documents hold 20 to 180 paragraphs (a newspaper page to a long report), 100 on average;
    they are spread over folders of 500, as an archive by year or issue would be.
    """
    description = {"passages": passages, "layout": layout or "mixed", "seed": seed,
                   "zipf_exponent": ZIPF_EXPONENT, "version": 1}
    marker = folder / "archive.json"
    if marker.exists() and json.loads(marker.read_text()).get("request") == description:
        return json.loads(marker.read_text())
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    writer = Writer(vocabulary(), seed)
    layouts = list(LAYOUTS)
    shares = [LAYOUTS[name] for name in layouts]
    written = 0
    counts = dict.fromkeys(layouts, 0)
    number = 0
    while written < passages:
        kind = layout or writer.rng.choices(layouts, shares)[0]
        size = min(writer.rng.randint(20, 180), passages - written)
        text, made = getattr(writer, kind)(size)
        path = folder / "docs" / f"{number // 500:03d}" / f"{number:06d}-{kind}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += made
        counts[kind] += made
        number += 1
    result = {"request": description, "documents": number, "paragraphs": written,
              "by_layout": counts, "distinct_words": len(writer.distinct)}
    marker.write_text(json.dumps(result, ensure_ascii=False))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int, help="number of paragraphs")
    parser.add_argument("--write", type=Path, required=True, help="folder to write into")
    parser.add_argument("--layout", choices=list(LAYOUTS), help="only this layout")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    print(json.dumps(write_archive(args.write, args.size, args.layout, args.seed),
                     ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
