"""The transport-free core: a question in, an `Answer` value out.

`Answerer.build(settings)` loads the documents, cuts them into attributed passages and indexes
them; `ask()` answers one question. It knows nothing of Telegram or terminals: the adapters only
render the `Answer`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from config.settings import Settings
from retrieval.chunking import chunk_document
from retrieval.errors import DocumentError, NoDocumentsError
from retrieval.index import Index, RankBM25Index
from retrieval.loading import load_documents
from retrieval.models import Answer, Document, Hit, Passage, Speaker, SpeakerStat
from retrieval.tokenize import Tokenizer, normalize
from retrieval.vocabulary import corpus_terms

logger = logging.getLogger(__name__)

NOT_FOUND = "没有找到相关内容。"
MAX_QUESTION = 500  # characters of a question that are read; the rest is ignored
MIN_COVERAGE = 0.5  # share of the question's weight that the best passage must contain
_WHO = re.compile(r"谁|哪位|哪些人|什么人|哪个人")
_SPEAKER_ASK = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,4})(?:同志)?(?:说了什么|说过什么|讲了什么|谈了什么|有哪些观点|有什么观点|"
    r"的观点|怎么看|怎么说|如何看|认为什么|提出了什么|提了什么|讲了哪些|说了哪些|的发言|的讲话)"
)
_SENTENCE = re.compile(r"[^。！？!?；;]*[。！？!?；;]?[”’」』]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_MARKUP = re.compile(r"<[^>]{0,200}>|[*_`#>\[\]]")


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

    @classmethod
    def build(cls, settings: Settings) -> Answerer:
        """Load, chunk, attribute and index the documents folder of `settings`."""
        folder = settings.documents_dir
        if not folder.is_dir():
            raise NoDocumentsError(f"文档目录不存在：{folder}")
        documents: list[Document] = []
        skipped: list[DocumentError] = []
        for item in load_documents(folder):
            if isinstance(item, DocumentError):
                skipped.append(item)
            else:
                documents.append(item)
        passages = [p for d in documents for p in chunk_document(d)]
        if not passages:
            raise NoDocumentsError(f"{folder} 中没有可以索引的 .txt 或 .md 文档")
        return cls.from_passages(passages, documents, settings.top_k, skipped)

    @classmethod
    def from_passages(
        cls,
        passages: list[Passage],
        documents: list[Document],
        top_k: int = 3,
        skipped: list[DocumentError] | None = None,
    ) -> Answerer:
        tokenizer = Tokenizer(corpus_terms(passages))
        # Near-identical paragraphs (pages repeat some) are indexed once.
        searchable: list[int] = []
        seen: set[str] = set()
        for i, passage in enumerate(passages):
            if passage.kind != "text":
                continue  # captions are listed, never quoted as answers
            key = re.sub(r"\W+", "", normalize(passage.text))
            if key in seen:
                continue
            seen.add(key)
            searchable.append(i)
        index = RankBM25Index([tokenizer.tokens(passages[i].text) for i in searchable])
        answerer = cls(passages, documents, tokenizer, index, top_k, skipped or [])
        answerer._by_id = {p.id: i for i, p in enumerate(passages)}
        answerer._searchable = searchable
        for passage in passages:
            for speaker in passage.speakers:
                for member in speaker.members or (speaker,):
                    answerer._speakers.setdefault(member.name, member)
        return answerer

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
        cleaned = clean_question(question)
        if not self.tokenizer.tokens(cleaned) and not _SPEAKER_ASK.match(cleaned):
            return Answer(question, "invalid", note=self._hint("请输入一个关于文档内容的问题。"))
        asked = _SPEAKER_ASK.match(cleaned)
        if asked and asked.group("name") in self._speakers:
            return self._speaker_answer(question, cleaned, self._speakers[asked.group("name")], k)
        hits = self._search(cleaned, k)
        if not hits:
            return Answer(question, "not_found", note=self._hint(NOT_FOUND))
        if _WHO.search(cleaned):
            speaker = self._speaker_at_snippet(hits[0])
            return Answer(question, "who", tuple(hits), speaker=speaker)
        return Answer(question, "passages", tuple(hits))

    def _hint(self, lead: str) -> str:
        examples = "、".join(self.examples()[:3])
        return f"{lead}可以试试这样问：{examples}；或发送“speakers”查看发言人列表。"

    def _search(self, question: str, k: int, among: set[int] | None = None) -> list[Hit]:
        tokens = self.tokenizer.tokens(question)
        if not tokens:
            return []
        pool = max(k * 4, 20) if among is None else len(self._searchable)
        results = self.index.search(tokens, pool)
        weights = {t: max(self.index.idf(t), 0.0) for t in set(tokens)}
        total = sum(weights.values())
        hits: list[Hit] = []
        for position, score in results:
            passage_index = self._searchable[position]
            if among is not None and passage_index not in among:
                continue
            passage = self.passages[passage_index]
            text = normalize(passage.text)
            matched = tuple(t for t in weights if t in text)
            coverage = sum(weights[t] for t in matched) / total if total else 0.0
            if among is None and coverage < MIN_COVERAGE:
                continue
            snippet = best_sentences(passage.text, matched)
            hits.append(Hit(passage, score, len(hits) + 1, snippet, matched))
            if len(hits) >= k:
                break
        return hits

    def _speaker_answer(self, question: str, cleaned: str, speaker: Speaker, k: int) -> Answer:
        own = {
            i for i, p in enumerate(self.passages)
            if any(speaker.name in (m.name for m in (s.members or (s,))) for s in p.speakers)
        }
        rest = _SPEAKER_ASK.sub("", cleaned)
        hits = self._search(rest, k, among=own) if self.tokenizer.tokens(rest) else []
        if not hits:
            ordered = [i for i in self._searchable if i in own][:k]
            hits = [
                Hit(self.passages[i], 0.0, rank, best_sentences(self.passages[i].text, ()))
                for rank, i in enumerate(ordered, start=1)
            ]
        if not hits:
            return Answer(question, "not_found", speaker=speaker, note=self._hint(NOT_FOUND))
        return Answer(question, "speaker", tuple(hits), speaker=speaker)

    @staticmethod
    def _speaker_at_snippet(hit: Hit) -> Speaker | None:
        """Who speaks the sentence that answers (falls back to the passage's only speaker)."""
        snippet = hit.snippet or hit.passage.text
        position = 0
        for segment in hit.passage.segments:
            end = position + len(segment.text)
            start_of_snippet = hit.passage.text.find(snippet[:10])
            if position <= max(start_of_snippet, 0) < end:
                return segment.speaker
            position = end
        speakers = hit.passage.speakers
        return speakers[0] if len(speakers) == 1 else None


def clean_question(text: str) -> str:
    """The question without control characters, markup and excess length or whitespace."""
    text = _CONTROL.sub(" ", text or "")[:MAX_QUESTION]
    text = _MARKUP.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def best_sentences(text: str, terms: tuple[str, ...], limit: int = 2) -> str:
    """The one or two consecutive sentences of `text` that hold most of `terms`."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    if len(sentences) <= limit:
        return text
    lowered = [normalize(s) for s in sentences]
    best, best_score = 0, -1.0
    for i in range(len(sentences)):
        window = "".join(lowered[i:i + limit])
        score = sum(len(t) for t in terms if t in window)
        if score > best_score:
            best, best_score = i, score
    return "".join(sentences[best:best + limit])
