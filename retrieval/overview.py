"""What the loaded documents are, for greetings and help: how many, what kinds, from when,
and example questions that the documents really answer.

Examples are built from the documents themselves (their speakers, and topic words of their
titles that recur in the text), and each is asked before it is offered: an example that would
be declined is never shown. Nothing here is specific to any collection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from retrieval.answer import Answerer

KINDS = {".txt": "文本", ".md": "Markdown", ".markdown": "Markdown", ".docx": "Word",
         ".doc": "Word", ".pdf": "PDF", ".html": "网页", ".htm": "网页"}
TITLES_READ = 200  # documents whose titles are searched for topics (enough on any corpus)
MAX_SHARE = 0.5  # a topic word in more than this share of passages says nothing particular


@dataclass(frozen=True)
class Overview:
    documents: int
    passages: int
    speakers: int
    kinds: tuple[tuple[str, int], ...]  # ("文本", 3), ("Word", 1), most first
    dates: tuple[str, str] | None  # the earliest and latest known date
    publications: tuple[str, ...]
    examples: tuple[str, ...]

    def summary(self) -> str:
        """`已收录 5 篇文档（文本 4 篇、Word 1 篇），181 个段落，23 位发言人`, with dates."""
        kinds = "、".join(f"{kind} {count} 篇" for kind, count in self.kinds)
        line = f"已收录 {self.documents} 篇文档（{kinds}），{self.passages} 个段落，{self.speakers} 位发言人"
        if self.dates:
            first, last = self.dates
            line += f"，时间 {first}" + (f" 至 {last}" if last != first else "")
        if self.publications:
            shown = "、".join(self.publications[:3])
            line += f"，来自{shown}" + ("等" if len(self.publications) > 3 else "")
        return line + "。"


def kind_of(document_id: str) -> str:
    suffix = PurePath(document_id).suffix.lower()
    return KINDS.get(suffix, suffix.lstrip(".").upper() or "文本")


def overview(answerer: Answerer, examples: int = 4) -> Overview:
    """The overview of `answerer`'s documents, with up to `examples` tested example questions."""
    documents = answerer.documents
    kinds = Counter(kind_of(d.id) for d in documents)
    dates = sorted(d.source.date for d in documents if d.source.date)
    publications = tuple(dict.fromkeys(d.source.publication for d in documents
                                       if d.source.publication))
    return Overview(
        documents=len(documents),
        passages=len(answerer.passages),
        speakers=len(answerer.speakers()),
        kinds=tuple(kinds.most_common()),
        dates=(dates[0], dates[-1]) if dates else None,
        publications=publications,
        examples=tuple(example_questions(answerer, examples)),
    )


def topics(answerer: Answerer, limit: int = 6) -> list[str]:
    """Words of the documents' titles that the passages use often, but not everywhere."""
    size = max(len(answerer.passages), 1)
    seen: Counter[str] = Counter()
    for document in answerer.documents[:TITLES_READ]:
        for word in answerer.tokenizer.words(document.title):
            if len(word) >= 2 and word not in answerer.tokenizer.stop_words and word.isalpha():
                seen[word] += 1
    scored = []
    for word in seen:
        df = max((answerer.index.df(t) for t in answerer.tokenizer.tokens(word)), default=0)
        if 2 <= df <= size * MAX_SHARE:
            scored.append((-(seen[word] * df), word))
    return [word for _, word in sorted(scored)[:limit]]


def example_questions(answerer: Answerer, limit: int = 4) -> list[str]:
    """Questions about speakers and topics of the documents that are answered, not declined."""
    speakers = list(answerer.examples()[:2])
    found = topics(answerer)
    # Mixed kinds: someone's words, who said something, what the documents say about a topic.
    candidates = speakers[:1] + [f"谁谈到了{t}？" for t in found[:1]] \
        + found[1:2] + speakers[1:] + [f"谁谈到了{t}？" for t in found[1:]]
    chosen: list[str] = []
    for question in dict.fromkeys(candidates):
        answer = answerer.ask(question, 1)
        if answer.hits and answer.kind != "not_found":
            chosen.append(question)
        if len(chosen) >= limit:
            break
    return chosen
