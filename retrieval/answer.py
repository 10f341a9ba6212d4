"""The transport-free core: a question in, an `Answer` value out.

`build.build_answerer(settings)` makes one from a documents folder (`from_passages` from
passages in memory); `ask()` answers one question. It knows nothing of Telegram or terminals:
the adapters only render the `Answer`.

How a question is answered:
1. it is cleaned (control characters, markup, excess length) and read for its intent
   (`retrieval.questions`): who said something, what one known speaker said, or plain content;
2. BM25 ranks the passages on the question's content words; each passage is indexed with the
   names and titles of its speakers, so `嘉兴…` and `…总编辑提出了…` find the right people;
3. a passage is given only when it holds enough of the question's content (`coverage`): words
   the corpus never uses count fully against it, so `红烧肉怎么做？` finds nothing;
4. near-identical passages are given once, and each hit carries the sentence or two that answer.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from config.settings import Settings
from retrieval.errors import DocumentError
from retrieval.index import Index
from retrieval.models import Answer, Document, Hit, Passage, SpeakerStat
from retrieval.questions import Intent, read_question
from retrieval.snippets import best_sentences, own_words, shingles, speaker_at
from retrieval.reading import read_corpus, spans_of
from retrieval.records import index_text
from retrieval.summary import Summary
from retrieval.tokenize import Tokenizer, normalize
from retrieval.vocabulary import corpus_terms

if TYPE_CHECKING:
    from retrieval.store import IndexStore

logger = logging.getLogger(__name__)

NOT_FOUND = "没有找到相关内容。"
MIN_COVERAGE = 0.47  # share of the question's content weight the best passage must hold
MIN_COVERAGE_REST = 0.4  # the same for the hits after the first
DUPLICATE = 0.9  # share of the smaller passage's shingles found in a better hit: a duplicate
_ABBREVIATION = re.compile(r"[一二三四五六七八九十][\u4e00-\u9fff]")
PHRASE_BONUS = 0.15  # per pair of question words found side by side in the passage (up to 3)


@dataclass
class Answerer:
    """Passages, their index, and the rules that turn a question into an answer."""

    passages: Sequence[Passage]
    documents: Sequence[Document]
    tokenizer: Tokenizer
    index: Index
    top_k: int = 3
    skipped: list[DocumentError] = field(default_factory=list)
    summary: Summary | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings, store: IndexStore | None = None) -> Answerer:
        """`build.build_answerer(settings, store)`: the entry points' way, kept for callers."""
        from retrieval.build import build_answerer  # building imports this module

        return build_answerer(settings, store)

    @classmethod
    def from_passages(
        cls,
        passages: Sequence[Passage],
        documents: Sequence[Document],
        top_k: int = 3,
        skipped: list[DocumentError] | None = None,
        *,
        store: IndexStore | None = None,
    ) -> Answerer:
        """The answerer over `passages`; with a `store`, terms and index are kept on disk."""
        words = corpus_terms(passages)
        tokenizer = Tokenizer(words)
        spans = spans_of(passages)
        index: Index
        if store is None:
            from retrieval.index import build_index

            summary, packed = read_corpus(passages, spans, tokenizer, words)
            index = build_index(packed.tokens())
        else:
            # The answer core asks the index which terms a passage holds, so a persisted index
            # spares loading every passage's terms (17 s at a million passages).
            summary, _, index = store.index_passages(tokenizer, passages, spans, words,
                                                     terms=False)
            store.finish()
        return cls(passages, documents, tokenizer, index, top_k, skipped or [], summary)

    @property
    def _summary(self) -> Summary:
        assert self.summary is not None, "build an Answerer with build() or from_passages()"
        return self.summary

    # -- lookups -------------------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage | None:
        index = self._summary.by_id.get(passage_id.strip())
        return self.passages[index] if index is not None else None

    def neighbours(self, passage_id: str, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with its neighbours in the same document, in reading order."""
        index = self._summary.by_id.get(passage_id.strip())
        if index is None:
            return []
        document = self.passages[index].document_id
        lo, hi = max(0, index - before), min(len(self.passages), index + after + 1)
        return [p for p in self.passages[lo:hi] if p.document_id == document]

    def speakers(self) -> list[SpeakerStat]:
        """Every named speaker with the titles seen and the number of passages they speak in."""
        return list(self._summary.stats)

    def examples(self) -> list[str]:
        return list(self._summary.examples)

    # -- answering -----------------------------------------------------------------------
    def ask(self, question: str, k: int | None = None) -> Answer:
        """Answer one question with at most `k` quoted passages."""
        k = max(1, min(k or self.top_k, 50))
        intent = read_question(question, self._summary.speakers)
        if intent.speaker is None and not self.tokenizer.tokens(intent.topic):
            return Answer(question, "invalid", note=self._hint("请输入一个关于文档内容的问题。"))
        if intent.kind == "speaker" and intent.speaker is not None:
            return self._speaker_answer(question, intent, k)
        hits = self._search(intent, k)
        if not hits:
            return Answer(question, "not_found", note=self._hint(NOT_FOUND))
        if intent.kind == "who":
            return Answer(question, "who", tuple(hits), speaker=speaker_at(hits[0]))
        return Answer(question, "passages", tuple(hits))

    def _hint(self, lead: str) -> str:
        examples = "、".join(self.examples()[:3])
        return f"{lead}可以试试这样问：{examples}" if examples else lead

    def _weights(self, tokens: list[str]) -> dict[str, float]:
        """Each distinct query term's weight: its idf; a word the corpus never uses weighs most."""
        size = len(self._summary.searchable)
        df = {t: self.index.df(t) for t in set(tokens)}
        return {t: math.log((size - n + 0.5) / (n + 0.5) + 1.0) for t, n in df.items()}

    def query_terms(self, text: str) -> list[str]:
        """The question's search terms, cut as passages are.

        A word jieba guessed from character statistics (HMM) that the corpus never uses is
        often a mis-cut across two known words (`快递员送餐员` as 快递/员送/餐员); such a
        question is cut again by the dictionary alone, keeping the re-cut when it leaves fewer
        unknown words.
        """
        tokens = self.tokenizer.tokens(text)
        # A numeric abbreviation the passages hold (三型, 六型) inside a word jieba glued
        # together (`哪三型`): search for the abbreviation instead.
        known = [a for a in _ABBREVIATION.findall(normalize(text)) if self.index.df(a)]
        if known:
            tokens = [t for t in tokens if self.index.df(t) or not any(a in t for a in known)]
            tokens += [a for a in known if a not in tokens]
        return tokens

    def _phrases(self, text: str) -> list[str]:
        """Pairs of content words standing together in the question (`体现政治性`)."""
        words = self.tokenizer.words(text)
        stop = self.tokenizer.stop_words
        return [
            a + b for a, b in zip(words, words[1:])
            if a not in stop and b not in stop and len(a + b) >= 3
        ]

    def _search(self, intent: Intent, k: int, among: set[int] | None = None) -> list[Hit]:
        tokens = self.query_terms(intent.topic)
        if not tokens:
            return []
        weights = self._weights(tokens)
        total = sum(weights.values())
        phrases = self._phrases(intent.topic)
        pool = len(self._summary.searchable) if among is not None else max(k * 6, 30)
        scored: list[tuple[float, int, float, tuple[str, ...]]] = []
        results = self.index.search(tokens, pool)
        if not results:
            # BM25's idf is zero or below for a term in half the passages or more, so on a
            # corpus of a few passages nothing scores; rank those by the question's weight.
            holding: dict[int, float] = {}
            for term, weight in weights.items():
                for position in self.index.postings(term):
                    holding[position] = holding.get(position, 0.0) + weight
            results = sorted(holding.items())
        if among is not None:
            # The same pool as for any question, among the speaker's own passages: each pooled
            # passage is read and normalised, and a speaker may hold a tenth of the corpus.
            results = [(p, s) for p, s in results
                       if self._summary.searchable[p] in among][: max(k * 6, 30)]
        # Terms and normalised text only for the pooled passages, not kept for the corpus.
        present = self.index.present(list(weights), [position for position, _ in results])
        for (position, score), terms in zip(results, present):
            text = normalize(index_text(self.passages[self._summary.searchable[position]]))
            matched = tuple(t for t in weights if t in terms or t in text)
            coverage = sum(weights[t] for t in matched) / total
            together = sum(1 for phrase in phrases if phrase in text)
            score *= (0.5 + coverage) * (1.0 + PHRASE_BONUS * min(together, 3))
            scored.append((score, position, coverage, matched))
        scored.sort(key=lambda row: -row[0])
        if among is None and (not scored or max(row[2] for row in scored) < MIN_COVERAGE):
            return []
        hits: list[Hit] = []
        kept: list[set[str]] = []
        for score, position, coverage, matched in scored:
            if among is None and coverage < (MIN_COVERAGE if not hits else MIN_COVERAGE_REST):
                continue
            passage = self.passages[self._summary.searchable[position]]
            grams = shingles(passage.text)
            if any(_contained(grams, other) for other in kept):
                continue
            kept.append(grams)
            snippet = best_sentences(passage.text, matched, weights)
            hits.append(Hit(passage, score, len(hits) + 1, snippet, matched))
            if len(hits) >= k:
                break
        return hits

    def _speaker_answer(self, question: str, intent: Intent, k: int) -> Answer:
        speaker = intent.speaker
        assert speaker is not None
        own = set(self._summary.spoken.get(speaker.name, ()))
        hits = self._search(intent, k, among=own) if self.tokenizer.tokens(intent.topic) else []
        if not hits:
            ordered = self._summary.ranked.get(speaker.name, [])
            hits = []
            kept: list[set[str]] = []
            for i in ordered:
                grams = shingles(self.passages[i].text)
                if any(_contained(grams, other) for other in kept):
                    continue
                kept.append(grams)
                passage = self.passages[i]
                snippet = best_sentences(passage.text, (), {})
                hits.append(Hit(passage, 0.0, len(hits) + 1, snippet))
                if len(hits) >= k:
                    break
        if not hits:
            return Answer(question, "not_found", speaker=speaker, note=self._hint(NOT_FOUND))
        hits = [replace(hit, snippet=own_words(hit, speaker.name)) for hit in hits]
        return Answer(question, "speaker", tuple(hits), speaker=speaker)


def _contained(grams: set[str], other: set[str]) -> bool:
    smaller = min(len(grams), len(other))
    return smaller > 0 and len(grams & other) / smaller >= DUPLICATE
