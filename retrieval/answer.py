"""The transport-free core: a question in, an `Answer` value out.

`Answerer.build(settings)` loads the documents, cuts them into attributed passages and indexes
them; `ask()` answers one question. It knows nothing of Telegram or terminals: the adapters only
render the `Answer`.

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
from collections import Counter
from dataclasses import dataclass, field

from config.settings import Settings
from retrieval.errors import DocumentError, NoDocumentsError
from retrieval.index import Index
from retrieval.models import Answer, Document, Hit, Passage, Speaker, SpeakerStat
from retrieval.questions import Intent, read_question
from retrieval.snippets import best_sentences, shingles, speaker_at
from retrieval.store import IndexStore
from retrieval.tokenize import Tokenizer, normalize
from retrieval.vocabulary import corpus_terms

logger = logging.getLogger(__name__)

NOT_FOUND = "没有找到相关内容。"
MIN_COVERAGE = 0.47  # share of the question's content weight the best passage must hold
MIN_COVERAGE_REST = 0.4  # the same for the hits after the first
DUPLICATE = 0.9  # share of the smaller passage's shingles found in a better hit: a duplicate
_ABBREVIATION = re.compile(r"[一二三四五六七八九十][\u4e00-\u9fff]")
PHRASE_BONUS = 0.15  # per pair of question words found side by side in the passage (up to 3)


def example_questions(passages: list[Passage], limit: int = 3) -> list[str]:
    """Example questions built from the corpus itself (its first speakers)."""
    examples = []
    seen = set()
    for passage in passages:
        for speaker in passage.speakers:
            if speaker.members or speaker.name in seen:
                continue
            seen.add(speaker.name)
            examples.append(f"{speaker.name}说了什么？")
            break
        if len(examples) >= limit:
            break
    return examples


def index_text(passage: Passage) -> str:
    """What is indexed for a passage: its text, then its speakers' names and titles."""
    people = " ".join(
        f"{member.name} {member.title}"
        for speaker in passage.speakers
        for member in (speaker.members or (speaker,))
    )
    return f"{passage.text} {people}" if people else passage.text


@dataclass
class Answerer:
    """Passages, their index, and the rules that turn a question into an answer."""

    passages: list[Passage]
    documents: list[Document]
    tokenizer: Tokenizer
    index: Index
    top_k: int = 3
    skipped: list[DocumentError] = field(default_factory=list)
    _by_id: dict[str, int] = field(default_factory=dict, repr=False)
    _searchable: list[int] = field(default_factory=list, repr=False)
    _speakers: dict[str, Speaker] = field(default_factory=dict, repr=False)
    _fields: list[tuple[frozenset[str], str]] = field(default_factory=list, repr=False)
    _df: Counter[str] = field(default_factory=Counter, repr=False)

    @classmethod
    def build(cls, settings: Settings) -> Answerer:
        """Load, chunk, attribute and index the documents folder of `settings`."""
        folder = settings.documents_dir
        if not folder.is_dir():
            raise NoDocumentsError(f"文档目录不存在：{folder}")
        # Documents are read and chunked only when their content changed since the last run.
        store = IndexStore(settings.cache_dir)
        corpus = store.corpus(folder)
        if not corpus.passages:
            raise NoDocumentsError(f"{folder} 中没有可以索引的 .txt 或 .md 文档")
        return cls.from_passages(
            corpus.passages, corpus.documents, settings.top_k, corpus.skipped, store=store
        )

    @classmethod
    def from_passages(
        cls,
        passages: list[Passage],
        documents: list[Document],
        top_k: int = 3,
        skipped: list[DocumentError] | None = None,
        *,
        store: IndexStore | None = None,
    ) -> Answerer:
        """The answerer over `passages`; with a `store`, terms and index come from disk."""
        tokenizer = Tokenizer(corpus_terms(passages))
        # Identical paragraphs (pages repeat some) are indexed once.
        searchable: list[int] = []
        seen: set[str] = set()
        for i, passage in enumerate(passages):
            if passage.kind != "text":
                continue  # captions are listed, never quoted as answers
            key = re.sub(r"\W+", "", normalize(passage.text))
            if not key or key in seen:
                continue
            seen.add(key)
            searchable.append(i)
        texts = [index_text(passages[i]) for i in searchable]
        index: Index
        if store is None:
            from retrieval.index import build_index

            tokens = [tokenizer.tokens(text) for text in texts]
            index = build_index(tokens)  # rank-bm25 when small, bm25s when large
        else:
            tokens, index = store.prepare(tokenizer, [passages[i] for i in searchable], texts)
        answerer = cls(passages, documents, tokenizer, index, top_k, skipped or [])
        answerer._prepare(searchable, tokens)
        return answerer

    def _prepare(self, searchable: list[int], tokens: list[list[str]]) -> None:
        """Lookups derived from the passages and their index terms."""
        self._by_id = {p.id: i for i, p in enumerate(self.passages)}
        self._searchable = searchable
        self._fields = [
            (frozenset(t), normalize(index_text(self.passages[i])))
            for i, t in zip(searchable, tokens)
        ]
        self._df = Counter(term for terms, _ in self._fields for term in terms)
        for passage in self.passages:
            for speaker in passage.speakers:
                for member in speaker.members or (speaker,):
                    self._speakers.setdefault(normalize(member.name), member)

    # -- lookups -------------------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage | None:
        index = self._by_id.get(passage_id.strip())
        return self.passages[index] if index is not None else None

    def neighbours(self, passage_id: str, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with its neighbours in the same document, in reading order."""
        index = self._by_id.get(passage_id.strip())
        if index is None:
            return []
        document = self.passages[index].document_id
        lo, hi = max(0, index - before), min(len(self.passages), index + after + 1)
        return [p for p in self.passages[lo:hi] if p.document_id == document]

    def speakers(self) -> list[SpeakerStat]:
        """Every named speaker with the titles seen and the number of passages they speak in."""
        titles: dict[str, dict[str, None]] = {}
        counts: Counter[str] = Counter()
        for passage in self.passages:
            names = set()
            for speaker in passage.speakers:
                for member in speaker.members or (speaker,):
                    names.add(member.name)
                    titles.setdefault(member.name, {})
                    if member.title:
                        titles[member.name].setdefault(member.title, None)
            counts.update(names)
        return [
            SpeakerStat(name, tuple(titles[name]), count)
            for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def examples(self) -> list[str]:
        return example_questions(self.passages)

    # -- answering -----------------------------------------------------------------------
    def ask(self, question: str, k: int | None = None) -> Answer:
        """Answer one question with at most `k` quoted passages."""
        k = max(1, min(k or self.top_k, 50))
        intent = read_question(question, self._speakers)
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
        return f"{lead}可以试试这样问：{examples}；也可以查看发言人列表（控制台输入“发言人”，Telegram 发送 /speakers）。"

    def _weights(self, tokens: list[str]) -> dict[str, float]:
        """Each distinct query term's weight: its idf; a word the corpus never uses weighs most."""
        size = len(self._fields)
        return {
            t: math.log((size - self._df[t] + 0.5) / (self._df[t] + 0.5) + 1.0) for t in set(tokens)
        }

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
        known = [a for a in _ABBREVIATION.findall(normalize(text)) if self._df[a]]
        if known:
            tokens = [t for t in tokens if self._df[t] or not any(a in t for a in known)]
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
        pool = len(self._searchable) if among is not None else max(k * 6, 30)
        scored: list[tuple[float, int, float, tuple[str, ...]]] = []
        results = self.index.search(tokens, pool)
        if not results:
            # BM25's idf is zero or below for a term in half the passages or more, so on a
            # corpus of a few passages nothing scores; rank those by the question's weight.
            results = [
                (position, sum(w for t, w in weights.items() if t in terms))
                for position, (terms, _) in enumerate(self._fields)
                if any(t in terms for t in weights)
            ]
        for position, score in results:
            passage_index = self._searchable[position]
            if among is not None and passage_index not in among:
                continue
            terms, text = self._fields[position]
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
            passage = self.passages[self._searchable[position]]
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
        own = {
            i for i, p in enumerate(self.passages)
            if any(speaker.name in (m.name for m in (s.members or (s,))) for s in p.speakers)
        }
        hits = self._search(intent, k, among=own) if self.tokenizer.tokens(intent.topic) else []
        if not hits:
            ordered = sorted(
                (i for i in self._searchable if i in own),
                key=lambda i: -_spoken(self.passages[i], speaker.name),
            )
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
        return Answer(question, "speaker", tuple(hits), speaker=speaker)


def _spoken(passage: Passage, name: str) -> int:
    """How many characters of the passage `name` speaks (most substance first, not greetings)."""
    return sum(
        len(s.text) for s in passage.segments
        if s.speaker and name in (m.name for m in (s.speaker.members or (s.speaker,)))
    )


def _contained(grams: set[str], other: set[str]) -> bool:
    smaller = min(len(grams), len(other))
    return smaller > 0 and len(grams & other) / smaller >= DUPLICATE
