"""The transport-free core: a question in, an `Answer` value out.

`build.build_answerer(settings)` makes one from a documents folder (`from_passages` from
passages in memory); `ask()` answers one question. It knows nothing of Telegram or terminals:
the adapters only render the `Answer`.

How a question is answered:
1. it is cleaned and read (`retrieval.questions`): who said something, who holds a post, what
   one person said (found by name, post, surname and title, or a one-character typo, with
   `directory`), a follow-up on the last answer's `Context`, or plain content;
2. its words are weighed (`retrieval.ranking`): words that only ask are dropped, light ones
   count little, and a question naming something no passage holds is declined;
3. BM25 ranks the passages on the rest; each passage is indexed with the names and titles of
   its speakers; the score is then weighed by the share of the question a passage holds, what
   the question asks for (a count, a date), and priors against leads and headlines;
4. a passage is given only when it holds enough of the question and names what it is about;
   near-identical passages are given once, each hit with the sentence or two that answer.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from config.settings import Settings
from retrieval.corrections import CorrectionSource, corrected, corrected_answer
from retrieval.dates import DateIndex, DateRange, DateSelection
from retrieval.errors import DocumentError
from retrieval.index import Index
from retrieval.directory import Directory, holds_post
from retrieval.lexicon import ASKING_WORDS
from retrieval.models import Answer, Context, Document, Hit, Passage, Speaker, SpeakerStat
from retrieval.questions import Intent, read_question
from retrieval.ranking import (
    ANSWER_FOLLOWS,
    COMMON,
    ENTITY_ABSENT,
    NAMED_NEAR,
    QUESTION_PENALTY,
    MIN_COVERAGE,
    MIN_COVERAGE_REST,
    NEAR,
    Judged,
    Query,
    focus_of,
    judge,
    lead_factor,
    weigh,
)
from retrieval.snippets import best_sentences, own_words, shingles, speaker_at
from retrieval.reading import read_corpus, spans_of
from retrieval.records import people_of
from retrieval.summary import Summary
from retrieval.tokenize import Tokenizer, normalize
from retrieval.vocabulary import corpus_terms, quoted_terms

if TYPE_CHECKING:
    from retrieval.store import IndexStore

logger = logging.getLogger(__name__)

NOT_FOUND = "没有找到相关内容。"
INVALID = "请输入一个关于文档内容的问题。"
FOREIGN = "没有找到相关内容。文档是中文的，请用中文提问（不要用英文或拼音）。"
UNRESOLVED = "“他/她”指的是谁？请先问一位发言人，或直接写出姓名，再用“他还说了什么？”接着问。"
NO_MORE = "{name}没有更多的发言了。"
AROUND = 12  # the best pooled passages whose neighbours are read (section openings, leads)
ANSWER_SPAN = 3  # paragraphs after a question that may answer it, up to the next question
ANSWER_FADES = 0.9  # how much less each paragraph further into an answer ranks for its question
OPENING_LOOKBACK = 3  # short paragraphs (a salutation, a dateline) that may stand before a lead
SUBSTANCE = 40  # characters of a paragraph before which a later one is no longer the opening
DUPLICATE = 0.9  # share of the smaller passage's shingles found in a better hit: a duplicate
_ABBREVIATION = re.compile(r"[一二三四五六七八九十][\u4e00-\u9fff]")


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
    # Each document's passages as (start, stop), for narrowing answers by date.
    spans: Sequence[tuple[int, int]] = field(default=(), repr=False)
    _dates: DateIndex | None = field(default=None, repr=False)
    # People's speaker corrections, applied to whatever the answerer hands out.
    corrections: CorrectionSource | None = field(default=None, repr=False)

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
        return cls(passages, documents, tokenizer, index, top_k, skipped or [], summary,
                   [(s.start, s.stop) for s in spans])

    @property
    def _summary(self) -> Summary:
        assert self.summary is not None, "build an Answerer with build() or from_passages()"
        return self.summary

    # -- lookups -------------------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage | None:
        index = self._summary.by_id.get(passage_id.strip())
        return corrected(self.passages[index], self.corrections) if index is not None else None

    def neighbours(self, passage_id: str, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with its neighbours in the same document, in reading order."""
        index = self._summary.by_id.get(passage_id.strip())
        if index is None:
            return []
        document = self.passages[index].document_id
        lo, hi = max(0, index - before), min(len(self.passages), index + after + 1)
        return [corrected(p, self.corrections) for p in self.passages[lo:hi]
                if p.document_id == document]

    def speakers(self) -> list[SpeakerStat]:
        """Every named speaker with the titles seen and the number of passages they speak in."""
        return list(self._summary.stats)

    def examples(self) -> list[str]:
        return list(self._summary.examples)

    def select_dates(self, dates: DateRange) -> DateSelection:
        """The passages of the documents dated within `dates`, and how many were left out."""
        if self._dates is None:
            self._dates = DateIndex(self.passages, self.spans)
        return self._dates.select(dates)

    # -- answering -----------------------------------------------------------------------
    @functools.cached_property
    def directory(self) -> Directory:
        """The speakers by name, title and one-character typo, made at the first question."""
        return Directory(self._summary.speakers, self._summary.stats)

    @functools.cached_property
    def _searchable(self) -> np.ndarray:
        """The indexed passages' corpus indices (ascending), as an array to search in."""
        return np.asarray(self._summary.searchable, dtype=np.int64)

    @functools.cached_property
    def _known(self) -> frozenset[str]:
        """The corpus's own names, places and quoted terms, as questions are cut."""
        return frozenset(self.tokenizer.user_words)

    def ask(self, question: str, k: int | None = None, context: Context | None = None,
            dates: DateRange | None = None) -> Answer:
        """Answer one question with at most `k` quoted passages, speaker corrections applied,
        from documents dated within `dates` when a range is given (undated ones left out).

        `context` is the `Answer.context` of the conversation's last answer, for follow-ups
        (`他还说了什么？`); the answer carries the context for the next question.
        """
        k = max(1, min(k or self.top_k, 50))
        intent = read_question(question, self.directory, context)
        within = self.select_dates(dates).positions if dates else None
        answer = corrected_answer(self._answer(question, intent, k, within), self.corrections)
        return replace(answer, context=_next_context(answer, intent, context, self.top_k))

    def _answer(self, question: str, intent: Intent, k: int,
                within: frozenset[int] | None) -> Answer:
        if intent.kind == "unresolved":
            return Answer(question, "invalid", note=self._hint(UNRESOLVED))
        if intent.kind == "who_is":
            return self._who_is_answer(question, intent, k, within)
        if intent.speaker is not None:
            return self._speaker_answer(question, intent, k, within)
        if not self.tokenizer.tokens(intent.topic):
            return Answer(question, "invalid", note=self._hint(INVALID))
        intent = self._mistyped_names(intent)
        hits = self._search(intent, k, within=within)
        if not hits:
            lead = FOREIGN if intent.kind == "foreign" else NOT_FOUND
            return Answer(question, "not_found", note=self._hint(lead))
        if intent.kind == "who":
            return Answer(question, "who", tuple(hits), speaker=speaker_at(hits[0]),
                          note=_guess_note(intent))
        return Answer(question, "passages", tuple(hits), note=_guess_note(intent))

    def _mistyped_names(self, intent: Intent) -> Intent:
        """`intent` with a speaker's name put for a word the corpus never uses that is one
        character from it (`欧阳振化的…` → 欧阳振华), as a guess."""
        normal = normalize(intent.topic)
        for term in self._query(intent).missing:
            at = normal.find(term)
            for start in range(max(0, at - 5), at + 1) if at >= 0 else ():
                for length in (6, 5, 4, 3):
                    window = normal[start:start + length]
                    if len(window) < length or term not in window:
                        continue
                    found = self.directory.typo(window)
                    if found is not None:
                        name = found.speaker.name
                        return replace(intent, topic=normal.replace(window, name, 1),
                                       speaker=None, guess=found.people,
                                       people=(found.speaker, *intent.people))
        return intent

    def _hint(self, lead: str) -> str:
        examples = "、".join(self.examples()[:3])
        return f"{lead}可以试试这样问：{examples}" if examples else lead

    def query_terms(self, text: str) -> list[str]:
        """The question's search terms, cut as passages are.

        A word jieba guessed from character statistics (HMM) that the corpus never uses is
        often a mis-cut across two words (`村有`, `郑对`, `坐梅溪`): it is cut again by the
        dictionary alone and replaced by the pieces the corpus knows, or dropped when it is only
        function words (`时说`). A numeric abbreviation the passages hold (三型, 六型) inside a
        word jieba glued together (`哪三型`) is searched for instead of that word.
        """
        tokens: list[str] = []
        for token in self.tokenizer.tokens(text):
            if len(token) < 2 or self.index.df(token):
                tokens.append(token)
                continue
            if all(char in self.tokenizer.stop_words for char in token):
                continue  # 时说, 了吗: function words run together
            words = [w for w in self.tokenizer.cut(token, hmm=False) if w.strip()]
            if len(words) <= 1:
                tokens.append(token)  # a word of its own that the corpus does not use
                continue
            for word in words:
                for piece in self.tokenizer.terms_of(word):
                    if piece not in tokens and (self.index.df(piece) or len(piece) > 1):
                        tokens.append(piece)
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
            and a not in ASKING_WORDS and b not in ASKING_WORDS
        ]

    def _query(self, intent: Intent) -> Query:
        topic = intent.topic
        asked = intent.asked
        if asked is not None and asked.is_count and asked.phrase:
            # 多少钱, 比例: the answer states a sum or a share, not these words.
            topic = normalize(topic).replace(asked.phrase, " ")
        # Other words for what the question names, those the corpus uses (父亲 for 爸爸).
        topic = " ".join([topic, *(w for w in intent.also if self.index.df(w))])
        query = weigh(self.query_terms(topic), self.index.df, len(self._summary.searchable),
                      self._known, intent.kind == "who", quoted_terms(topic),
                      self._phrases(topic), self.tokenizer.tag)
        return replace(query, focus=focus_of(normalize(topic), query, self.tokenizer.tag))

    def _search(self, intent: Intent, k: int, among: np.ndarray | None = None,
                declines: bool | None = None, within: frozenset[int] | None = None) -> list[Hit]:
        """The passages that answer `intent`'s content, best first; none when the corpus does
        not hold it. `among`: only these (searchable) positions, ascending (a speaker's own
        passages, those naming someone); `declines`: whether a passage that holds too little
        of the content is left out (by default, only without `among`); `within`: only the
        passages (corpus indices) of a date range."""
        declines = among is None if declines is None else declines
        query = self._query(intent)
        if not query.terms:
            return []
        if within is not None:
            dated = self._positions(sorted(within))
            among = dated if among is None else np.intersect1d(among, dated)
        pool = max(k * 6, 30)
        # Among given positions, only those are scored and sorted: a speaker may hold a tenth
        # of the corpus, and each pooled passage is read and normalised.
        results = self.index.search(list(query.terms), pool, among)
        if not results:
            # BM25's idf is zero or below for a term in half the passages or more, so on a
            # corpus of a few passages nothing scores; rank those by the question's weight.
            allowed = None if among is None else set(among.tolist())
            holding: dict[int, float] = {}
            for term, weight in query.weights.items():
                for position in self.index.postings(term):
                    if allowed is None or position in allowed:
                        holding[position] = holding.get(position, 0.0) + weight
            results = sorted(holding.items())[:len(self._summary.searchable)]
        results, query = self._dated(intent, query, results)
        if declines and query.unanswerable:
            query = self._titled(query, results)
            if query.unanswerable:
                return []
        scored = self._judge_all(intent, query, results)
        if not intent.about_questions:
            scored = self._answers_follow(intent, query, scored, among)
        postings: dict[str, list[int]] = {}
        # Looking around a passage reads its neighbours: only for the best of the pool.
        scored.sort(key=lambda row: -row[0].score)
        scored[:AROUND] = [(self._in_context(self._late_opening(judged, position, query,
                                                                 bool(intent.people or
                                                                      intent.speaker)),
                                             position, query, postings), position)
                           for judged, position in scored[:AROUND]]
        scored.sort(key=lambda row: -row[0].score)

        def answers(judged: Judged, position: int, threshold: float) -> bool:
            return judged.coverage >= threshold and all(
                self._named_near(term, position, postings) for term in judged.lacking)

        if declines:
            # The question is answered when a passage holds enough of it, names what it is
            # about and states an answer of the kind it asks for (a sum for 多少钱, a year
            # for 哪一年): that passage comes first, others that hold less of it after.
            first = next((row for row in scored if answers(row[0], row[1], MIN_COVERAGE)
                          and row[0].stated and row[0].focused and row[0].resolved), None)
            if first is None:
                return []
            scored = [first] + [row for row in scored if row is not first]
        hits: list[Hit] = []
        kept: list[set[str]] = []
        for judged, position in scored:
            if declines and hits and not answers(judged, position, MIN_COVERAGE_REST):
                continue
            passage = self.passages[self._summary.searchable[position]]
            grams = shingles(passage.text)
            if any(_contained(grams, other) for other in kept):
                continue
            kept.append(grams)
            snippet = best_sentences(passage.text, judged.matched, query.weights)
            hits.append(Hit(passage, judged.score, len(hits) + 1, snippet, judged.matched))
            if len(hits) >= k:
                break
        return hits

    def _in_context(self, judged: Judged, position: int, query: Query,
                    postings: dict[str, list[int]]) -> Judged:
        """A passage that does not name what the question names, but whose lead or label a
        few paragraphs before does (`区市场监管局：…` heading the unit whose head `指出…`), is
        about it: those names count for its share of the question, and it is ranked as one
        that names them, a little below."""
        # A number (`第四届`, `2023`) is a detail the passage must state itself; a person's
        # own paragraphs name them through attribution, and the next paragraph of a transcript
        # may well be someone else's.
        near = tuple(t for t in judged.lacking if not any(ch.isdigit() for ch in t)
                     and t not in self.directory.people
                     and self._named_near(t, position, postings))
        if not near:
            return judged
        coverage = query.held(judged.matched + near) / (query.total or 1.0)
        score = judged.score / ENTITY_ABSENT * NAMED_NEAR
        score *= (0.5 + coverage) / (0.5 + judged.coverage)
        return replace(judged, score=score, coverage=coverage,
                       lacking=tuple(t for t in judged.lacking if t not in near),
                       matched=judged.matched + near)

    def _dated(self, intent: Intent, query: Query, results: list[tuple[int, float]]
               ) -> tuple[list[tuple[int, float]], Query]:
        """The pooled passages narrowed to the year or month the question names (`2024年的读书节
        …`) when some of them come from documents dated within it: those dated otherwise are
        left out, undated ones kept, and the date is no longer a word a passage must hold
        (a report dated 2024 need not print the year). Where no document found is dated within
        it, the date stays words of the question. Only the pool is read, never the corpus."""
        if intent.period is None or not results:
            return results, query
        period, words = intent.period
        searchable = self._summary.searchable
        dates = [self.passages[searchable[position]].source.date for position, _ in results]
        if not any(date and period.holds(date) for date in dates):
            return results, query
        kept = [row for row, date in zip(results, dates) if not date or period.holds(date)]
        drop = set(words)
        weights = {t: w for t, w in query.weights.items() if t not in drop}
        return kept, replace(query, weights=weights, entities=query.entities - drop,
                             missing=query.missing - drop,
                             unknown_words=query.unknown_words - drop)

    def _titled(self, query: Query, results: Sequence[tuple[int, float]]) -> Query:
        """`query` with the words it names that only a document's title holds (`在滨江师范大学
        …上的讲话`: titles are not indexed) no longer missing, looked for in the titles of the
        passages the rest of the question finds."""
        titles = {self.passages[self._summary.searchable[position]].document_title
                  for position, _ in results}
        text = "\n".join(normalize(title) for title in titles)
        found = {t for t in query.missing | query.unknown_words if t in text}
        if not found:
            return query
        return replace(query, missing=query.missing - found,
                       unknown_words=query.unknown_words - found)

    def _judge_all(self, intent: Intent, query: Query,
                   results: Sequence[tuple[int, float]]) -> list[tuple[Judged, int]]:
        """Each pooled (position, BM25 score) judged for how it answers `intent`."""
        people = {p.name for p in (*intent.people, *([intent.speaker] if intent.speaker else []))}
        # Terms and normalised text only for the pooled passages, not kept for the corpus.
        present = self.index.present(list(query.terms), [position for position, _ in results])
        scored: list[tuple[Judged, int]] = []
        for (position, score), terms in zip(results, present):
            passage = self.passages[self._summary.searchable[position]]
            if passage.id in intent.exclude:
                continue
            speaks = bool(people) and any(
                name in people for s in passage.speakers for name in _names(s))
            # The heading of its section (`外国语学院：…`) says what a passage is about, as
            # its document's title does.
            text = normalize(passage.text)
            people_text = people_of(passage)
            judged = judge(query, score, f"{text} {normalize(people_text)}" if people_text else text,
                           _heading(passage.document_title, passage.section), terms,
                           speaks=speaks,
                           opening=passage.paragraph <= 1 + OPENING_LOOKBACK
                           and self._opening(self._summary.searchable[position]),
                           about_person=bool(people), asked=intent.asked, text=text,
                           questions_answer=intent.about_questions)
            scored.append((judged, position))
        return scored

    def _answers_follow(self, intent: Intent, query: Query, scored: list[tuple[Judged, int]],
                        among: np.ndarray | None) -> list[tuple[Judged, int]]:
        """The paragraphs after one that asks (`问：…？`, a reporter's question) answer it, up to
        the next question and at most `ANSWER_SPAN` of them: an official's answer often states
        the place in one paragraph and the date in the next. Each ranks at least as its question
        would have (a little less the further it stands) and holds what its question and the
        answer's paragraphs before it hold, and the thing they name that is asked about. Its question's words echo the user's; its own may
        put them otherwise."""
        searchable = self._summary.searchable
        allowed = None if among is None else set(among.tolist())

        def follows(position: int, after: int) -> bool:
            return (position + after < len(searchable)
                    and (allowed is None or position + after in allowed)
                    and self.passages[searchable[position + after]].document_id
                    == self.passages[searchable[position]].document_id)

        asking = [(judged, position) for judged, position in scored
                  if judged.asks and follows(position, 1)]
        if not asking:
            return scored
        at = {position: i for i, (_, position) in enumerate(scored)}
        span = {position + after for _, position in asking
                for after in range(1, ANSWER_SPAN + 1) if follows(position, after)}
        unpooled = sorted(span - set(at))
        if unpooled:
            found = dict(self.index.search(list(query.terms), len(unpooled),
                                           np.asarray(unpooled, dtype=np.int64)))
            for judged, position in self._judge_all(
                    intent, query, [(p, found.get(p, 0.0)) for p in unpooled]):
                at[position] = len(scored)
                scored.append((judged, position))
        for question, position in asking:
            matched = question.matched
            focused, resolved = question.focused, question.resolved
            for after in range(1, ANSWER_SPAN + 1):
                if position + after not in at:
                    break  # excluded (a follow-up's passages already shown), or another document
                i = at[position + after]
                answer, _ = scored[i]
                if answer.asks:
                    break  # the next question: its own answer follows it
                matched = tuple(dict.fromkeys(matched + answer.matched))
                focused, resolved = focused or answer.focused, resolved or answer.resolved
                coverage = query.held(matched) / (query.total or 1.0)
                floor = question.score / QUESTION_PENALTY * ANSWER_FOLLOWS \
                    * ANSWER_FADES ** (after - 1)
                scored[i] = (replace(answer, score=max(answer.score, floor),
                                     coverage=max(answer.coverage, question.coverage, coverage),
                                     lacking=tuple(t for t in answer.lacking
                                                   if t in question.lacking),
                                     matched=matched, focused=focused, resolved=resolved),
                             position + after)
        return scored

    def _late_opening(self, judged: Judged, position: int, query: Query,
                      about_person: bool) -> Judged:
        """`judged` with the prior against leads, for a passage further down its document that
        opens a section (`judge` was told only of a document's opening, which costs no read)."""
        index = self._summary.searchable[position]
        passage = self.passages[index]
        if judged.lead or passage.paragraph <= 1 + OPENING_LOOKBACK or not self._opening(index):
            return judged
        return replace(judged, score=judged.score * lead_factor(
            normalize(passage.text), about_person), lead=True)

    def _opening(self, index: int) -> bool:
        """Whether the passage at corpus `index` opens its document or its section (an
        article's or a unit's lead): no paragraph of substance stands before it there. A
        salutation, a dateline or a name line before it does not count."""
        passage = self.passages[index]
        for before in range(index - 1, max(-1, index - 1 - OPENING_LOOKBACK), -1):
            other = self.passages[before]
            if other.document_id != passage.document_id or other.section != passage.section:
                return True
            if len(other.text) >= SUBSTANCE:
                return False
        return passage.paragraph <= 1 + OPENING_LOOKBACK

    def _positions(self, passages: Sequence[int]) -> np.ndarray:
        """The searchable positions of the passages at `passages` (corpus indices); passages
        not indexed (captions, repeats) have none."""
        searchable = self._searchable
        wanted = np.asarray(passages, dtype=np.int64)  # ascending: gathered in corpus order
        at = np.searchsorted(searchable, wanted)
        inside = at < len(searchable)
        at, wanted = at[inside], wanted[inside]
        return at[searchable[at] == wanted]

    def _naming(self, speaker: Speaker) -> np.ndarray:
        """The searchable positions of the passages that name `speaker` (their own or not)."""
        return np.asarray(self.index.postings(normalize(speaker.name)), dtype=np.int64)

    def _named_near(self, term: str, position: int, postings: dict[str, list[int]]) -> bool:
        """Whether the document of the passage at (searchable) `position` names `term` within a
        few paragraphs of it: a lead or a label line names whom the next paragraphs are about.
        A term in very many passages is not looked for: it decides nothing."""
        if term not in postings:
            postings[term] = [] if self.index.df(term) > COMMON else self.index.postings(term)
        found = postings[term]
        if not found:
            return self.index.df(term) > COMMON
        searchable = self._summary.searchable
        document = self.passages[searchable[position]].document_id
        at = bisect.bisect_left(found, position)
        return any(abs(other - position) <= NEAR
                   and self.passages[searchable[other]].document_id == document
                   for other in found[max(0, at - 2):at + 2])

    def _speaker_answer(self, question: str, intent: Intent, k: int,
                        within: frozenset[int] | None = None) -> Answer:
        """One person's words: on the question's content among their own passages, else their
        most substantial passages; content their passages do not hold is searched for in the
        paragraphs that name them (attribution may have missed their words). A person guessed
        at (a typo, a post) who never spoke of the content gives no quote, only the guess."""
        speaker = intent.speaker
        assert speaker is not None
        query = self._query(intent)
        placed = replace(intent, topic=f"{intent.topic} {intent.setting}")
        hits: list[Hit] = []
        if self.tokenizer.tokens(placed.topic):
            own = self._positions(self._summary.spoken.get(speaker.name, ()))
            hits = self._search(placed, k, among=own, within=within) if len(own) else []
        if query.terms and not any(set(hit.terms) & set(query.terms) for hit in hits):
            # Paragraphs that name them: attribution may have missed their words there.
            naming = self._naming(speaker)
            named = self._search(replace(intent, kind="plain", people=(speaker,)), k,
                                 among=naming, declines=True, within=within) \
                if len(naming) else []
            if named and not any(speaker in hit.passage.speakers for hit in named):
                return Answer(question, "passages", tuple(named), note=_guess_note(intent))
            hits = named or hits
            if not hits and intent.guess:
                # A guessed person who never spoke of it: offer the guess, quote nothing.
                return Answer(question, "not_found", note=self._hint(
                    f"{_guess_note(intent)}没有找到{speaker.name}关于这个问题的发言。"))
        if not hits:
            hits = self._own_passages(speaker, k, intent.exclude, within, intent.cue)
        if not hits:
            note = self._hint(NO_MORE.format(name=speaker.name) if intent.exclude else NOT_FOUND)
            return Answer(question, "not_found", speaker=speaker, note=note)
        hits = [replace(hit, snippet=own_words(hit, speaker.name)) for hit in hits]
        return Answer(question, "speaker", tuple(hits), speaker=speaker,
                      note=_guess_note(intent))

    def _own_passages(self, speaker: Speaker, k: int, exclude: frozenset[str],
                      within: frozenset[int] | None = None, cue: str = "") -> list[Hit]:
        """The `k` passages with the most of a speaker's words, duplicates left out (and those
        outside `within`, a date range's passages), in reading order: what they said, from
        where they begin, greetings last. Those where they speak with `cue` (`还透露` for
        `透露了什么`) first."""
        hits: list[Hit] = []
        kept: list[set[str]] = []
        for i in self._summary.ranked.get(speaker.name, []):
            if within is not None and i not in within:
                continue
            passage = self.passages[i]
            if passage.id in exclude:
                continue
            grams = shingles(passage.text)
            if any(_contained(grams, other) for other in kept):
                continue
            kept.append(grams)
            hits.append(Hit(passage, 0.0, len(hits) + 1, best_sentences(passage.text, (), {})))
            if len(hits) >= k:
                break
        by_id = self._summary.by_id
        # A greeting (`各位委员：`) is theirs but says nothing: after what does.
        hits.sort(key=lambda hit: (bool(cue) and cue not in normalize(hit.passage.text),
                                   len(hit.passage.text) < SUBSTANCE,
                                   by_id.get(hit.passage.id) or 0))
        return [replace(hit, rank=i) for i, hit in enumerate(hits, 1)]

    def _who_is_answer(self, question: str, intent: Intent, k: int,
                       within: frozenset[int] | None = None) -> Answer:
        """Who holds a post (`省总工会主席是谁？`) or what someone is (`郑荣胜是谁？`), from the
        speakers' titles, quoting where they are named with it."""
        speaker = intent.speaker
        if speaker is None:
            # No speaker holds it: a paragraph may still name whoever does (`院长张三主持`), or
            # the one after the paragraph that names the organisation.
            hits: list[Hit] = []
            for hit in self._search(replace(intent, kind="plain"), k * 2, within=within):
                holder = next((p for p in self.neighbours(hit.passage.id, before=0, after=2)
                               if holds_post(normalize(p.text), intent.role)), None)
                if holder is not None and all(h.passage.id != holder.id for h in hits):
                    snippet = best_sentences(holder.text, hit.terms, {})
                    hits.append(Hit(holder, hit.score, len(hits) + 1, snippet, hit.terms))
            if hits:
                return Answer(question, "passages", tuple(hits[:k]))
            lead = f"文档中没有找到担任“{intent.role}”的人。" if intent.role else NOT_FOUND
            return Answer(question, "not_found", note=self._hint(lead))
        # The paragraphs that name them, those that also name the post first (`市政协主席隗正平
        # 出席会议` need not be their own words).
        naming = self._naming(speaker)
        post = intent.role or speaker.title
        titled = replace(intent, kind="plain", topic=f"{speaker.name} {post}", speaker=None,
                         people=(speaker,))
        found = self._search(titled, k * 2, among=naming, declines=False, within=within) \
            if len(naming) else []
        found.sort(key=lambda hit: not holds_post(normalize(hit.passage.text), post))
        hits = [replace(hit, rank=i) for i, hit in enumerate(found[:k], 1)]
        hits = hits or self._own_passages(speaker, k, frozenset(), within)
        return Answer(question, "who", tuple(hits), speaker=speaker, note=_guess_note(intent))


@functools.lru_cache(maxsize=4096)
def _heading(title: str, section: str) -> str:
    """A passage's document title and section heading, normalised: the same for all of a
    section's passages, so normalised once."""
    return normalize(f"{title} {section}")


def _names(speaker: Speaker) -> set[str]:
    return {speaker.name, *(member.name for member in speaker.members)}


def _guess_note(intent: Intent) -> str:
    """您是不是要找… when the person was found otherwise than by their exact name."""
    meant = intent.speaker or (intent.guess[0] if intent.guess else None)
    if not intent.guess or meant is None:
        return ""
    others = [s.label() for s in intent.guess if s != meant]
    note = f"您是不是要找：{meant.label()}？"
    return note + (f"（也可能是：{'、'.join(others)}）" if others else "")


def _next_context(answer: Answer, intent: Intent, before: Context | None, page: int) -> Context:
    """What the next question may follow on from: the person this answer was about (or whose
    words it quotes first), what it asked, and the passages a first page of `page` hits showed
    (adapters page longer answers: `还说了什么` then gives what the person has not seen)."""
    if not answer.hits:
        return before or Context()
    speaker = answer.speaker or speaker_at(answer.hits[0])
    topic = "" if intent.kind == "who_is" else intent.topic  # a post or name, not a topic
    shown = tuple(hit.passage.id for hit in answer.hits[:page])
    if before is not None and before.speaker == speaker and intent.exclude:
        shown = tuple(dict.fromkeys((*before.shown, *shown)))
    return Context(speaker, topic, shown)


def _contained(grams: set[str], other: set[str]) -> bool:
    smaller = min(len(grams), len(other))
    return smaller > 0 and len(grams & other) / smaller >= DUPLICATE
