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

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from retrieval.lexicon import (
    ASKING_WORDS,
    ASKS_FOR_WORDS,
    LIGHT_WORDS,
    ORGANISATION_RE,
    PLACE_RE,
    SPEECH_VERBS,
)
from retrieval.snippets import sentences
from retrieval.tokenize import normalize

LIGHT = 0.25  # a light word's share of its weight when judging whether a passage answers
MIN_COVERAGE = 0.5  # share of the question's content weight the best passage must hold
MIN_COVERAGE_REST = 0.45  # the same for the hits after the first
PHRASE_BONUS = 0.15  # per pair of question words found side by side in the passage (up to 3)
SENTENCE_SHARE = 0.5  # how much the best sentence or two's share of the weight counts
SPEAKS_BONUS = 0.3  # a paragraph in which a person the question names speaks
OPENING_PENALTY = 0.8  # a document's first paragraph, for a question about a person
_NUMBER = re.compile(r"^\d[\d.%]*$|^[a-z][a-z0-9.+\-]*\d[a-z0-9.+\-]*$")
_SPEECH_WORDS = frozenset(SPEECH_VERBS) | frozenset(ASKS_FOR_WORDS)


@dataclass(frozen=True)
class Query:
    """A question's search terms, what each weighs, and which name what it is about."""

    terms: tuple[str, ...]  # searched: every term but the asking words
    weights: Mapping[str, float]  # each term's weight when judging coverage
    entities: frozenset[str]  # terms naming what the question is about
    missing: frozenset[str]  # content terms no passage holds
    phrases: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    @property
    def unanswerable(self) -> bool:
        """The question names something the corpus never mentions."""
        return bool(self.entities & self.missing)


def is_entity(term: str, known: frozenset[str] | set[str]) -> bool:
    """Whether a term names something: a corpus name or place, a place, an organisation, a
    number or a code (`2023`, `g20`)."""
    return term in known or bool(PLACE_RE.match(term) or ORGANISATION_RE.match(term)
                                 or _NUMBER.match(term))


def weigh(tokens: Iterable[str], df: Callable[[str], int], size: int, known: frozenset[str],
          speech_is_asking: bool, quoted: Iterable[str] = (),
          phrases: Sequence[str] = ()) -> Query:
    """The `Query` of a question's `tokens`; `df` counts a term's passages among `size`.

    `speech_is_asking`: the question asks for someone's words (who, speaker), so its speech
    verbs only ask; elsewhere (`会议强调了什么`) they are light. `quoted` are the terms the
    question puts in quotation marks, entities whatever their shape.
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
    return Query(tuple(weights), weights, frozenset(entities), frozenset(missing),
                 tuple(phrases))


@dataclass(frozen=True)
class Judged:
    """How one pooled passage answers: its final score and the shares behind it."""

    score: float
    coverage: float  # share of the question's weight the passage holds
    entities: bool  # every entity the question names is in the passage or its title
    matched: tuple[str, ...]


def judge(query: Query, score: float, normal: str, title: str, terms: set[str], *,
          speaks: bool = False, opening: bool = False, about_person: bool = False) -> Judged:
    """Score a pooled passage: `normal` is its normalised indexed text, `title` its document's
    normalised title, `terms` the query terms its index entry holds."""
    total = query.total or 1.0
    matched = tuple(t for t in query.weights if t in terms or t in normal)
    coverage = sum(query.weights[t] for t in matched) / total
    entities = all(t in terms or t in normal or t in title
                   for t in query.entities - query.missing)
    together = sum(1 for phrase in query.phrases if phrase in normal)
    share = sentence_share(normal, matched, query.weights) / total if matched else 0.0
    score *= (0.5 + coverage) * (1.0 + PHRASE_BONUS * min(together, 3))
    score *= 1.0 - SENTENCE_SHARE + SENTENCE_SHARE * share / max(coverage, 1e-9)
    if speaks:
        score *= 1.0 + SPEAKS_BONUS
    if opening and about_person:
        score *= OPENING_PENALTY
    return Judged(score, coverage, entities, matched)


def sentence_share(normal: str, matched: Sequence[str], weights: Mapping[str, float],
                   limit: int = 2) -> float:
    """The most weight of `matched` held by one or two consecutive sentences of `normal`."""
    parts = sentences(normal)
    if len(parts) <= 1:
        return sum(weights[t] for t in matched)
    best = 0.0
    for size in range(1, limit + 1):
        for i in range(len(parts) - size + 1):
            window = "".join(parts[i:i + size])
            best = max(best, sum(weights[t] for t in matched if t in window))
    return best
