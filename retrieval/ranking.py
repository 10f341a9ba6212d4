"""What a question's words weigh, whether a passage answers it, and how passages are ordered.

A question's terms are sorted into three kinds (`weigh`):

- words that only ask (什么, 表态, 看法: the lexicon's `[questions] asking`) are dropped;
- light words (开展, 工作, 措施: `[questions] light`, and speech verbs outside a who or speaker
  question) are searched for but weigh little, because an answer may put them otherwise;
- content: everything else, weighted by its rarity in the corpus (BM25's idf); a word the
  corpus never uses weighs most. Among the content, entities (people, places, organisations,
  numbers, quoted terms) are what the question is about.

A question is declined (`Query.unanswerable`) when an entity it names is nowhere in the
corpus (`辽宁`, `2023年`), and a passage answers only when it holds enough of the content's
weight (`coverage`) and every entity the question names, in its own text or its document's
title.

Ranking multiplies BM25's score by how much of the weight the passage holds, by how much its
best sentence or two hold (the paragraph that states the answer, not the lead that mentions
the same words in passing), and by priors: a paragraph in which a person the question names
speaks is preferred, a document's opening paragraph is not, for a question about a person.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from retrieval.asked import Asked, states
from retrieval.lexicon import (
    ASKERS,
    ASKING_WORDS,
    ASKS_FOR_WORDS,
    LIGHT_WORDS,
    ORGANISATION_RE,
    PLACE_RE,
    SPEECH_VERBS,
)
from retrieval.lexicon import alternation
from retrieval.snippets import sentences
from retrieval.tokenize import normalize

LIGHT = 0.25  # a light word's share of its weight when judging whether a passage answers
MIN_COVERAGE = 0.5  # share of the question's content weight the best passage must hold
MIN_COVERAGE_REST = 0.3  # the same for the hits after the first (the first decides a decline)
PHRASE_BONUS = 0.15  # per pair of question words found side by side in the passage (up to 3)
SENTENCE_SHARE = 0.0  # how much the best sentence or two's share of the weight counts
SPEAKS_BONUS = 0.3  # a paragraph in which a person the question names speaks
OPENING_PENALTY = 0.7  # a document's first paragraph, for a question about a person
LEAD_PENALTY = 0.7  # the same for any other question: a lead names everything in passing
HEADLINE_PENALTY = 0.6  # …and one that opens with a headline run into it (no comma for long)
HEADLINE_CLAUSE = 20  # characters without a break that no sentence of a lead runs to
STATES_BONUS = 0.6  # best sentences stating a count (多少…) or a date (哪一年…) when asked
NOT_STATED = 0.6  # a passage stating no answer of the kind asked for (no sum for 多少钱)
QUESTION_PENALTY = 0.5  # a paragraph that asks (`问：…？`, a host's question): the answer follows
ANSWER_FOLLOWS = 0.9  # the paragraph after a question ranks at least at this share of it
SHORT_QUESTION = 80  # characters of an unlabelled paragraph ending in a question mark that ask
ENTITY_ABSENT = 0.5  # a passage that names neither in itself nor in its title what is asked about
NAMED_NEAR = 0.85  # …and one whose lead or label a few paragraphs before names it
NEAR = 12  # passages before or after one, in the same document, that may name what it is about
LOOSE = 6  # characters around a known part of a missing word where the rest of it may stand
MISSING_SHARE = 1.0  # a word no passage holds weighs this share of the others' mean weight
COMMON = 5000  # an entity in more passages than this is not looked for around a passage
_NUMBER = re.compile(r"^\d[\d.%]*$|^[a-z][a-z0-9.+\-]*\d[a-z0-9.+\-]*$")
_SPEECH_WORDS = frozenset(SPEECH_VERBS) | frozenset(ASKS_FOR_WORDS)
_NEGATIONS = ("不", "没", "无", "未", "非")
_NAME_TAGS = ("nr",)  # jieba's people (陶渊明): named by the question, so looked for
_CONTENT_TAGS = ("n", "vn", "t")  # jieba's nouns (nr, ns…), nouns of verbs (运费) and time words
# jieba's abbreviations (j) name things when long (冬奥会, 村委会); short ones are as often
# adverbs (一共, 同比, 人均) as names.
_ABBREVIATION_TAG, _ABBREVIATION_NAMES = "j", 3
_CLAUSE = re.compile(r"[,，。！？!?；;：:、(（“\"]")
# Where a question starts asking (怎么, 什么, 多少, 哪…): the word before it is what it asks about.
_ASKING_AT = re.compile(r"怎么|怎样|什么|多少|哪|几|如何|为什么|为何|是否|有没有|能不能|可不可以")
# What may stand between the thing asked about and the asking words: 工资(是)多少, 收入(有)多少.
_FOCUS_GAP = re.compile(r"[的是有要能了都还会就又约大概一共总共]+$")
_FOCUS_TAGS = ("n", "nz", "ng", "vn")  # common nouns (校训, 工资), not names, verbs or time words
# An interviewer's or host's label at a paragraph's start: `1.问:`, `记者:`, `【主持人】`.
_ASKER_LABEL = re.compile(
    rf"^\s*(?:\d+[.、]\s*)?(?:【(?:{alternation(ASKERS)})】|(?:{alternation(ASKERS)})\s*:)")
# A subheading run into the paragraph it heads: `信通学院:发挥“关键少数”作用…2月28日下午,…`.
_RUN_IN_HEADING = re.compile(r"^[^,。:!?;]{2,16}:[^。!?;]{2,40}?(?:\d{1,2}月\d{1,2}日|\d{1,2}日[上下]午)")


@dataclass(frozen=True)
class Query:
    """A question's search terms, what each weighs, and which name what it is about."""

    terms: tuple[str, ...]  # searched: every term but the asking words
    weights: Mapping[str, float]  # each term's weight when judging coverage
    entities: frozenset[str]  # terms naming what the question is about
    missing: frozenset[str]  # content terms no passage holds
    phrases: tuple[str, ...] = ()
    unknown_words: frozenset[str] = frozenset()  # missing nouns and verbs: content never written
    # Missing words that hold a word the corpus uses (`分等级`, `补助款`): a passage holding all
    # their characters (`分成五个等级`) holds them.
    compounds: tuple[str, ...] = ()
    focus: str = ""  # the word the asking words ask about (工资 of 工资怎么计算), if any

    @functools.cached_property
    def _words(self) -> dict[str, tuple[str, ...]]:
        """Each word of the question with the terms cut from inside it (毕业典礼: 毕业, 典礼):
        jieba's search cut gives both, and a compound must count once, not three times."""
        inside = {t for t in self.weights for other in self.weights if t != other and t in other}
        return {t: tuple(p for p in self.weights if p != t and p in t)
                for t in self.weights if t not in inside}

    @property
    def total(self) -> float:
        return sum(self.weights[t] for t in self._words)

    def held(self, matched: Iterable[str]) -> float:
        """The weight of the question a passage holding `matched` holds: a word whole, or as
        much of it as its parts the passage holds, up to the word's own weight."""
        found = set(matched)
        held = 0.0
        for word, parts in self._words.items():
            if word in found:
                held += self.weights[word]
            elif parts:
                held += min(self.weights[word], sum(self.weights[p] for p in parts if p in found))
        return held

    @property
    def unanswerable(self) -> bool:
        """The question names something the corpus never mentions: a person, place,
        organisation or number, or a thing or deed (门票, 分数线, 去世) it asks about."""
        return bool(self.entities & self.missing or self.unknown_words - set(self.compounds))


def is_entity(term: str, known: frozenset[str] | set[str]) -> bool:
    """Whether a term names something: a corpus name or place, a place, an organisation, a
    number or a code (`2023`, `g20`)."""
    return term in known or bool(PLACE_RE.match(term) or ORGANISATION_RE.match(term)
                                 or _NUMBER.match(term))


def is_content_word(term: str, tag: str | None) -> bool:
    """Whether a term is what a question is about, not how it is put: a noun, verb or time word
    of jieba's dictionary (`门票`, `去世`, `当年`), a long abbreviation (`冬奥会`), or a word of
    two or more characters it does not know (a name, a coined compound). Single characters,
    numerals, pronouns, adverbs and words starting with a negation (不合理) are not."""
    if len(term) < 2 or term.startswith(_NEGATIONS) or _NUMBER.match(term):
        return False
    return tag is None or tag.startswith(_CONTENT_TAGS) or (
        tag == _ABBREVIATION_TAG and len(term) >= _ABBREVIATION_NAMES)


def _compound_of_known(term: str, known: Iterable[str]) -> bool:
    """Whether the words inside `term` that the corpus uses cover all of it (政协 + 主席)."""
    covered = [False] * len(term)
    for part in known:
        start = term.find(part)
        while part != term and start >= 0:
            covered[start:start + len(part)] = [True] * len(part)
            start = term.find(part, start + 1)
    return all(covered)


def weigh(tokens: Iterable[str], df: Callable[[str], int], size: int, known: frozenset[str],
          speech_is_asking: bool, quoted: Iterable[str] = (),
          phrases: Sequence[str] = (), tag: Callable[[str], str | None] = lambda t: None) -> Query:
    """The `Query` of a question's `tokens`; `df` counts a term's passages among `size`.

    `speech_is_asking`: the question asks for someone's words (who, speaker), so its speech
    verbs only ask; elsewhere (`会议强调了什么`) they are light. `quoted` are the terms the
    question puts in quotation marks, entities whatever their shape. `tag` gives a word's part
    of speech: a content word the corpus never uses (`门票`, `去世`) makes the question
    unanswerable, unless it is light (an answer may put `帮忙` otherwise) or a compound of
    words the corpus uses (政协 + 主席).
    """
    quoted = {normalize(q) for q in quoted}
    weights: dict[str, float] = {}
    entities: set[str] = set()
    missing: set[str] = set()
    for term in dict.fromkeys(tokens):
        if term in ASKING_WORDS or (speech_is_asking and term in _SPEECH_WORDS):
            continue
        n = df(term)
        weight = math.log((size - n + 0.5) / (n + 0.5) + 1.0)
        if term in LIGHT_WORDS or term in _SPEECH_WORDS:
            weight *= LIGHT
        elif n == 0:
            missing.add(term)
        if term in quoted or is_entity(term, known):
            entities.add(term)
        weights[term] = weight
    present = [t for t in weights if t not in missing]
    # A person jieba's dictionary knows (陶渊明), unless only a piece of a longer word.
    entities |= {t for t in weights if not any(t != other and t in other for other in weights)
                 and (tag(t) or "").startswith(_NAME_TAGS)}
    # A word inside a longer one of the question (里人 of 城里人, from jieba's search cut) is
    # not decisive on its own: the longer word is.
    unknown = {t for t in missing
               if is_content_word(t, tag(t)) and not _compound_of_known(t, present)
               and not any(t != other and t in other for other in weights)}
    _discount_missing(weights, missing - entities, present)
    compounds = tuple(t for t in missing if len(t) >= 2 and _holds_known(t, present))
    return Query(tuple(weights), weights, frozenset(entities), frozenset(missing),
                 tuple(phrases), frozenset(unknown), compounds)


def _held_loosely(word: str, normal: str, known: Iterable[str]) -> bool:
    """Whether a passage holds a word it never prints as such: a known word inside it
    (`等级` of `分等级`) with the rest of its characters close by (`分成五个等级`)."""
    for part in known:
        if len(part) < 2 or part == word or part not in word:
            continue
        rest = word.replace(part, "", 1)
        start = normal.find(part)
        while start >= 0:
            near = normal[max(0, start - LOOSE):start + len(part) + LOOSE]
            if all(ch in near for ch in rest):
                return True
            start = normal.find(part, start + 1)
    return False


def _holds_known(term: str, present: Iterable[str]) -> bool:
    """Whether a word holds or is held by a word of two or more characters the corpus uses
    (`当学徒` and 学徒): how jieba cut the question, not content the corpus lacks."""
    return any(len(other) >= 2 and (other in term or term in other) for other in present)


def _discount_missing(weights: dict[str, float], missing: set[str], present: list[str]) -> None:
    """What a word no passage holds weighs when judging coverage.

    Its rarity is no measure of how much it matters: no passage can hold it, so at full weight
    it only lowers every passage's share, and a question put in other words than the text
    (`够用`, `接通`) is declined for that. It weighs what the question's words the corpus holds
    weigh on average, times `MISSING_SHARE`. Whether the question names something the corpus
    never mentions is decided apart (`Query.unanswerable`).
    """
    held = [weights[t] for t in present if t not in LIGHT_WORDS and t not in _SPEECH_WORDS]
    if not held:
        return
    usual = sum(held) / len(held)
    for term in missing:
        weights[term] = min(weights[term], usual * MISSING_SHARE)


@dataclass(frozen=True)
class Judged:
    """How one pooled passage answers: its final score and the shares behind it."""

    score: float
    coverage: float  # share of the question's weight the passage holds
    lacking: tuple[str, ...]  # entities of the question neither the passage nor its title names
    matched: tuple[str, ...]
    stated: bool = True  # whether it states an answer of the kind asked for (a sum, a year)
    asks: bool = False  # a paragraph that asks (an interviewer's question): its answer follows
    focused: bool = True  # whether it holds the word the question asks about (`Query.focus`)
    # Whether it holds every character of each word the corpus never uses that the question
    # asks about (`当学徒`: `跟着师傅学徒` does not; `分等级`: `分成五个等级` does).
    resolved: bool = True
    lead: bool = False  # the prior against leads was applied


def judge(query: Query, score: float, normal: str, title: str, terms: set[str], *,
          speaks: bool = False, opening: bool = False, about_person: bool = False,
          asked: Asked | None = None, text: str | None = None,
          questions_answer: bool = False) -> Judged:
    """Score a pooled passage: `normal` is its normalised indexed text, `title` its document's
    normalised title, `terms` the query terms its index entry holds; `asked` is the kind of
    answer the question asks for (a count, a year, a place of origin…), if any; `text` the
    normalised paragraph alone (without its speakers' names), when `normal` adds them;
    `questions_answer`: the question asks what someone asked, so a paragraph that asks is no
    lesser answer."""
    text = normal if text is None else text
    total = query.total or 1.0
    matched = tuple(t for t in query.weights if t in terms or t in normal)
    # What the document's title names, the passage is about (`访滨江市博物馆馆长…`: its
    # `馆里` is the museum's).
    about = tuple(t for t in query.weights if t in title) + tuple(
        t for t in query.compounds if _held_loosely(t, normal, query.weights))
    coverage = query.held(matched + about) / total
    focused = not query.focus or query.focus in matched or query.focus in about
    resolved = all(t in about for t in query.unknown_words if t in query.compounds)
    lacking = tuple(t for t in query.entities - query.missing
                    if t not in terms and t not in normal and t not in title)
    together = sum(1 for phrase in query.phrases if phrase in normal)
    # The best sentence or two: where a count or a date asked for must stand.
    held, window = best_window(normal, matched, query) if asked is not None or SENTENCE_SHARE \
        else (0.0, normal)
    share = held / total if matched else 0.0
    score *= (0.5 + coverage) * (1.0 + PHRASE_BONUS * min(together, 3))
    score *= 1.0 - SENTENCE_SHARE + SENTENCE_SHARE * share / max(coverage, 1e-9)
    stated = asked is None or states(asked, normal, query.entities)
    if asked is not None and stated and states(asked, window, query.entities):
        score *= 1.0 + STATES_BONUS
    elif not stated:
        score *= NOT_STATED
    if lacking:
        score *= ENTITY_ABSENT
    if speaks:
        score *= 1.0 + SPEAKS_BONUS
    # A subheading run into a unit's lead opens that unit, wherever it stands.
    lead = opening or _RUN_IN_HEADING.match(text) is not None
    if lead:
        score *= lead_factor(normal, about_person)
    # A paragraph that asks is what a question about someone's questions wants.
    asking = asks(text) and not questions_answer
    if asking:
        score *= QUESTION_PENALTY
    return Judged(score, coverage, lacking, matched, stated, asking, focused, resolved, lead)


def focus_of(normal: str, query: Query, tag: Callable[[str], str | None]) -> str:
    """The thing a question asks about: the noun standing right before its asking words
    (`工资` of `…的工资怎么计算`, `收入` of `人均收入多少`). A passage that does not hold it
    answers another question about the same things. A verb there (`采取了什么措施`) names no
    such thing: the answer may put it otherwise."""
    asking = _ASKING_AT.search(normal)
    if asking is None:
        return ""
    before = _FOCUS_GAP.sub("", normal[:asking.start()])
    for term in sorted(query.weights, key=len, reverse=True):
        if (len(term) >= 2 and before.endswith(term) and query.weights[term] > 0
                and term not in query.missing and term not in LIGHT_WORDS
                and (tag(term) or "") in _FOCUS_TAGS):
            return term
    return ""


def lead_factor(normal: str, about_person: bool) -> float:
    """The prior against a lead, which names everything in passing: more so for a question
    about a person, and for one opening with a headline run into it."""
    factor = OPENING_PENALTY if about_person else LEAD_PENALTY
    return factor * HEADLINE_PENALTY if headline_like(normal) else factor


def headline_like(normal: str) -> bool:
    """Whether a first paragraph opens with a headline: a long run with no punctuation
    (`怀志士之心…——某某在…上的讲话`), as when a title was typeset into the paragraph, or a
    subheading run into it (`信通学院:发挥…作用2月28日下午,…`)."""
    first = _CLAUSE.split(normal, 1)[0]
    return len(first) >= HEADLINE_CLAUSE or _RUN_IN_HEADING.match(normal) is not None


def asks(normal: str) -> bool:
    """Whether a paragraph asks rather than answers: an interviewer's or host's turn
    (`1.问:…?`, `记者:…?`), or a short paragraph that is a question. Its words echo the
    question put to chuchu, and the answer is in the paragraphs after it."""
    text = normal.rstrip()
    if not text.endswith("?"):
        return False
    return _ASKER_LABEL.match(text) is not None or len(text) <= SHORT_QUESTION


def best_window(normal: str, matched: Sequence[str], query: Query,
                limit: int = 2) -> tuple[float, str]:
    """The one or two consecutive sentences of `normal` holding most weight of `matched`, and
    that weight."""
    parts = sentences(normal)
    if len(parts) <= 1:
        return query.held(matched), normal
    best, best_window = -1.0, normal
    for size in range(1, limit + 1):
        for i in range(len(parts) - size + 1):
            window = "".join(parts[i:i + size])
            held = query.held(t for t in matched if t in window)
            if held > best:
                best, best_window = held, window
    return best, best_window
