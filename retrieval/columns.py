"""Putting scrambled newspaper columns back together.

In a roundup page several speakers' sections are cut mid-sentence by the layout; the rest of
each appears later in the file, in the same order as the sections, in up to several rounds, each
speaker's last piece ending with a reporter credit. This module decides, for every text line of
such a page, which section it belongs to.

It scores whole assignments rather than deciding line by line (a beam search over an
order-preserving, round-robin alignment):
- the sentence across a cut reads as Chinese: jieba's dictionary scores the join of the cut
  section's tail with a candidate continuation (`学习领|会市委` makes 领会);
- continuations come in the order of the cut sections, a credit closes a section;
- a continuation naming the city of one section and not of another belongs to that section;
- an assignment that leaves sections open or lines without a section at the end is penalised.
Where the best assignment of a piece is not clearly better than another, the piece is marked
uncertain and its speaker is left unknown.
"""

from __future__ import annotations

import functools
import logging
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from math import log


from retrieval.layout import Line
from retrieval.segmenter import jieba_frequencies
from retrieval.sections import Event, SectionStart, TextLine

logger = logging.getLogger(__name__)

BEAM = 96
CONTINUE_AFTER_SENTENCE = 1.5  # a finished sentence is usually followed by the same section
SWITCH_AFTER_SENTENCE = -3.0  # moving on after a finished sentence needs other evidence
SWITCH_AFTER_CUT = 0.0
CONTINUE_AFTER_CUT = 0.3  # an in-column line break is a little likelier than a column cut
PLACE_WEIGHT = 2.0
OPEN_AT_END = -4.0  # a section never closed by its credit
MARGIN = 2.0  # a piece whose alternative scores within this is left unknown
TOPIC_WEIGHT = 1.5  # a line whose words are clearly those of one section
TOPIC_MARGIN = 0.04
COHERENCE_WEIGHT = 4.0  # a line that repeats the wording of a section's last lines continues it
RECENT = 2

_CJK_TAIL = re.compile(r"[\u4e00-\u9fff]{1,4}$")
_CJK_HEAD = re.compile(r"^[“‘\"]?([\u4e00-\u9fff]{1,4})")
_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}?省)?([\u4e00-\u9fff]{2,3}?)(?:市|县|区)")


@functools.cache
def _dictionary() -> tuple[dict[str, int], float]:
    """jieba's word frequencies and the log of their total (loaded on first use, shared with
    the segmenter's jieba: `segmenter.jieba_frequencies`)."""
    freq, total = jieba_frequencies()
    return freq, math.log(total)


def _routes(text: str, known: list[float] = ()) -> list[float]:  # type: ignore[assignment]
    """The log probability of jieba's best segmentation of every suffix of `text`: entry i is
    that of `text[i:]` (the last entry, of the empty suffix, is 0).

    This is jieba's own unigram model (`Tokenizer.get_DAG` then `calc`), computed with the
    same float operations in the same order, so the figures are exactly jieba's. `known` are
    the entries of a suffix of `text` already computed (those of the text after a cut), which
    depend on that suffix alone and are not computed again.
    """
    freq, logtotal = _dictionary()
    size = len(text)
    route = [0.0] * (size + 1 - len(known)) + list(known) if known else [0.0] * (size + 1)
    for start in range(size - len(known) if known else size - 1, -1, -1):
        best = None
        end = start
        piece = text[start]
        while end < size and piece in freq:
            count = freq[piece]
            if count:
                value = log(count) - logtotal + route[end + 1]
                if best is None or value > best:
                    best = value
            end += 1
            piece = text[start:end + 1]
        if best is None:  # no word starts here: the character alone
            best = log(freq.get(text[start]) or 1) - logtotal + route[start + 1]
        route[start] = best
    return route


def _best_log_prob(text: str) -> float:
    """Log probability of jieba's best segmentation of `text` (its unigram dictionary model)."""
    return _routes(text)[0] if text else 0


def _bigrams(text: str) -> list[str]:
    chars = _NOT_CJK.sub("", text)
    return list(map(operator.add, chars, chars[1:]))


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]")


@dataclass(frozen=True)
class _Edges:
    """What `join_gain` needs of a line: the Chinese characters it ends and starts with, and
    jieba's figures for them."""

    tail: str  # '' when the line does not end in Chinese characters
    tail_score: float
    head: str  # '' when it does not start with them (after an opening quote)
    head_routes: list[float]

    @classmethod
    def of(cls, text: str) -> _Edges:
        tail = _CJK_TAIL.search(text.rstrip())
        head = _CJK_HEAD.match(text.lstrip())
        t = tail.group(0) if tail else ""
        h = head.group(1) if head else ""
        return cls(t, _routes(t)[0] if t else 0.0, h, _routes(h) if h else [0.0])


def _gain(left: _Edges, right: _Edges) -> float:
    if not left.tail or not right.head:
        return 0.0
    joined = _routes(left.tail + right.head, right.head_routes)[0]
    gain = joined - left.tail_score - right.head_routes[0]
    return max(0.0, gain)


def join_gain(left: str, right: str) -> float:
    """How much better `left + right` reads as one run of words than as two (0 when no better).

    Only the last and first few Chinese characters around the cut are compared, so the figure
    speaks of the cut itself: `唯民，就|是要` gains (就是), `合理化|是要` does not.
    """
    return _gain(_Edges.of(left), _Edges.of(right))


def place_of(title: str) -> str:
    """The city or county a title belongs to (`杭州市人大常委会副主任…` gives 杭州), or ''."""
    match = _PLACE.match(title)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class Placement:
    """Which section a text line belongs to, and whether that was decided with confidence."""

    section: int | None
    moved: bool = False  # a continuation that stands elsewhere in the file
    certain: bool = True


@dataclass(slots=True)
class _State:
    """One path of the beam: its score, where it stands, and where it put every line so far."""

    score: float
    current: int | None
    open: tuple[int, ...]
    closed: frozenset[int]
    recent: tuple[tuple[int, ...], ...]  # by section: the numbers of its last lines
    fresh: bool
    path: tuple | None  # (section of the last line, the path before it), or None at the start
    last3: tuple[int | None, ...]  # the sections of the last three lines (for `_dedupe`)
    lasts: tuple[int | None, ...]  # by section: the number of its last line (for `_dedupe`)

    @property
    def assign(self) -> tuple[int | None, ...]:
        """The section of every line placed, in order."""
        found = []
        node = self.path
        while node is not None:
            found.append(node[0])
            node = node[1]
        return tuple(reversed(found))


def _score(state: _State) -> float:
    return state.score


def _score_of_move(move: tuple[float, _State, int | None]) -> float:
    return move[0]


def _next_open(open_sections: tuple[int, ...], after: int | None, exclude: int | None) -> int | None:
    candidates = [s for s in open_sections if s != exclude]
    if not candidates:
        return None
    if after is None:
        return candidates[0]
    later = [s for s in candidates if s > after]
    return later[0] if later else candidates[0]


class ColumnModel:
    """Assigns the text lines of one document to its byline sections."""

    def __init__(
        self, places: dict[int, str], uses_credits: bool, headings: dict[int, str] | None = None
    ) -> None:
        self.headings = headings or {}
        counts: dict[str, int] = {}
        for place in places.values():
            if place:
                counts[place] = counts.get(place, 0) + 1
        # A place shared by two sections tells nothing about which of them a line belongs to.
        self.places = {s: p for s, p in places.items() if p and counts[p] == 1}
        self.bylined = set(places)
        self.uses_credits = uses_credits

    def _place_score(self, line: Line, section: int, candidates: tuple[int, ...]) -> float:
        key = (line.number, section, candidates)
        score = self._place_scores.get(key)
        if score is None:  # the beam's paths ask the same question many times
            score = self._city_score(line, section, candidates) + self._topic_score(
                line, section, candidates)
            self._place_scores[key] = score
        return score

    def _city_score(self, line: Line, section: int, candidates: tuple[int, ...]) -> float:
        named = {s for s, p in self.places.items() if s in candidates and p in line.text}
        if not named:
            return 0.0
        return PLACE_WEIGHT if section in named else -PLACE_WEIGHT

    def _profiles(self, events: list[Event]) -> None:
        """Character-bigram profiles of each bylined section's own text, before its first cut.

        A section's own text runs from its byline to its credit, the next byline, or the first
        line break that does not read on (a likely column cut); later pieces are compared with it.
        """
        texts = [event.line for event in events if isinstance(event, TextLine)]
        df: Counter[str] = Counter()
        for line in texts:
            grams = self._grams[line.number] = _bigrams(line.text)
            df.update(set(grams))  # type: ignore[attr-defined]
        n = max(len(texts), 1)
        # Counts are few (1, 2, 3…): the idf of each is computed once.
        idf = {c: math.log(1 + n / c) for c in set(df.values())}
        self._idf = {g: idf[c] for g, c in df.items()}
        own: dict[int, list[str]] = {s: [h] for s, h in self.headings.items() if s in self.bylined}
        section: int | None = None
        reading = False
        previous: Line | None = None
        for event in events:
            if isinstance(event, SectionStart):
                section, reading, previous = event.index, True, None
                continue
            line = event.line
            if reading and previous is not None and not previous.terminated:
                reading = self._join_gain(previous, line) > 0.5
            if reading and section in self.bylined:
                own.setdefault(section, []).append(line.text)
            if line.credit:
                reading = False
            previous = line
        self._profile = {s: self._vector("".join(t)) for s, t in own.items()}
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for s, profile in self._profile.items():
            for gram, weight in profile.items():
                self._postings.setdefault(gram, []).append((s, weight))

    def _vector(self, text: str, grams: list[str] | None = None) -> dict[str, float]:
        counts = Counter(_bigrams(text) if grams is None else grams)
        vector = {g: c * self._idf.get(g, 0.0) for g, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items()}

    def _topic_score(self, line: Line, section: int, candidates: tuple[int, ...]) -> float:
        if not self._profiled:
            self._profiles(self._events)
            self._profiled = True
        if not self._profile:
            return 0.0
        sims = self._line_sims.get(line.number)
        if sims is None:
            sims = self._line_sims[line.number] = self._similarities(self._line_vector(line))
        among = {s: sims.get(s, 0.0) for s in candidates}
        if len(among) < 2 or section not in among:
            return 0.0
        ranked = sorted(among.values(), reverse=True)
        if ranked[0] - ranked[1] < TOPIC_MARGIN:
            return 0.0
        return TOPIC_WEIGHT if among[section] == ranked[0] else -TOPIC_WEIGHT

    def _similarities(self, vector: dict[str, float]) -> dict[int, float]:
        """The cosine of `vector` with every section's profile.

        Only the bigrams a profile holds are multiplied (through `_postings`), in the order of
        `vector`: the products left out are zeros, so each sum is the same float as the sum
        over every bigram of the line.
        """
        products: dict[int, list[float]] = {s: [] for s in self._profile}
        postings = self._postings
        for gram, weight in vector.items():
            for section, theirs in postings.get(gram, ()):
                products[section].append(weight * theirs)
        return {s: sum(found) for s, found in products.items()}

    def _affinity(self, tail: Line | None, line: Line) -> float:
        if tail is None or tail.terminated:
            return 0.0
        return self._join_gain(tail, line)

    def _join_gain(self, left: Line, right: Line) -> float:
        """`join_gain` of two lines, computed once per pair (the beam's paths share them)."""
        key = (left.number, right.number)
        gain = self._gains.get(key)
        if gain is None:
            gain = self._gains[key] = _gain(self._edges_of(left), self._edges_of(right))
        return gain

    def _edges_of(self, line: Line) -> _Edges:
        edges = self._edges.get(line.number)
        if edges is None:
            edges = self._edges[line.number] = _Edges.of(line.text)
        return edges

    def assign(self, events: list[Event]) -> list[Placement]:
        """Place every text line of `events` (section starts and text lines, in file order).

        While the beam holds one path that can only go one way, scores compare nothing: the
        steps are followed without scoring them and kept (`replay`), and scored (by the same
        code, in the same order, so to the same float) only when a second path appears. On
        most pages every section ends its own sentences and the beam never holds two paths.
        """
        self._line_sims: dict[int, dict[int, float]] = {}
        self._vectors: dict[int, dict[str, float]] = {}
        self._pair_sims: dict[tuple[int, int], float] = {}
        self._place_scores: dict[tuple[int, int, tuple[int, ...]], float] = {}
        self._gains: dict[tuple[int, int], float] = {}
        self._edges: dict[int, _Edges] = {}
        self._grams: dict[int, list[str]] = {}
        self._next: dict[tuple[tuple[int, ...], int | None, int | None], int | None] = {}
        self._lines = {e.line.number: e.line for e in events if isinstance(e, TextLine)}
        self._events = events
        self._profiled = False
        count = 1 + max((e.index for e in events if isinstance(e, SectionStart)), default=-1)
        beam = [_State(0.0, None, (), frozenset(), ((),) * count, False, None, (), (None,) * count)]
        anchor = beam[0]  # the last state whose score is known
        replay: list[Event] = []  # what was followed since then without scoring
        for event in events:
            if isinstance(event, SectionStart):
                beam = [self._start(state, event.index) for state in beam]
                if replay:
                    replay.append(event)
                else:
                    anchor = beam[0]
                continue
            if len(beam) == 1 and self._one_way(beam[0]):
                if not replay:
                    anchor = beam[0]
                beam = [self._follow(beam[0], event.line)]
                replay.append(event)
                continue
            if replay:
                beam = [self._scored(anchor, replay)]
                replay = []
            moves: list[tuple[float, _State, int | None]] = []
            gains: dict[tuple, float] = {}
            for state in beam:
                self._advance(state, event.line, gains, moves)
            moves.sort(key=_score_of_move, reverse=True)
            beam = self._best(moves, event.line, BEAM)
        for state in beam:
            if self.uses_credits:
                state.score += OPEN_AT_END * len(state.open)
        beam.sort(key=_score, reverse=True)
        return self._placements(beam, events)

    def _best(self, moves: list[tuple[float, _State, int | None]], line: Line,
              limit: int) -> list[_State]:
        """The states of the first `limit` moves (best first) of which no earlier one leads to
        the same state but for its score: the same section, open and closed sections, last
        three placements and last line of every section. A state is made only for the moves
        kept."""
        seen: set[tuple[object, ...]] = set()
        kept: list[_State] = []
        number = line.number
        for score, state, section in moves:
            lasts = state.lasts
            open_sections = state.open
            closed = state.closed
            if section is not None:
                lasts = lasts[:section] + (number,) + lasts[section + 1:]
                if line.credit:
                    open_sections = tuple(s for s in state.open if s != section)
                    closed = closed | {section}
            last3 = (*state.last3[-2:], section)
            key = (section, open_sections, closed, last3, lasts)
            if key in seen:
                continue
            seen.add(key)
            recent = state.recent
            if section is not None:
                recent = recent[:section] + ((recent[section] + (number,))[-RECENT:],) \
                    + recent[section + 1:]
            kept.append(_State(score, section, open_sections, closed, recent, False,
                               (section, state.path), last3, lasts))
            if len(kept) == limit:
                break
        return kept

    def _tail(self, state: _State, section: int | None) -> Line | None:
        """The last line `state` placed in `section`."""
        numbers = state.recent[section] if section is not None else None
        return self._lines[numbers[-1]] if numbers else None

    def _next_open(self, state: _State, exclude: int | None) -> int | None:
        key = (state.open, state.current, exclude)
        try:
            return self._next[key]
        except KeyError:
            found = self._next[key] = _next_open(state.open, state.current, exclude)
            return found

    def _start(self, state: _State, section: int) -> _State:
        open_sections = list(state.open)
        current = state.current
        if current is not None and current in open_sections:
            tail = self._tail(state, current)
            cut = tail is not None and not tail.terminated
            if not (cut or self.uses_credits):
                open_sections.remove(current)
        if section in self.bylined:
            open_sections.append(section)
        return _State(state.score, section, tuple(sorted(open_sections)), state.closed,
                      state.recent, True, state.path, state.last3, state.lasts)

    def _one_way(self, state: _State) -> bool:
        """Whether `_advance` gives `state` a single next state."""
        if state.fresh:
            return True
        current = state.current
        if current is None or current in state.closed or not state.recent[current]:
            return True
        return self._next_open(state, current) is None

    def _follow(self, state: _State, line: Line) -> _State:
        """The one state `_advance` gives a `_one_way` state, its score left as its parent's."""
        current = state.current
        if state.fresh or not (current is None or current in state.closed
                               or not state.recent[current]):
            return self._place(state, line, current, state.score)
        return self._place(state, line, self._next_open(state, None), state.score)

    def _scored(self, anchor: _State, replay: list[Event]) -> _State:
        """The state that `replay`'s events lead `anchor` to, scored as `_advance` scores it."""
        state = anchor
        for event in replay:
            if isinstance(event, SectionStart):
                state = self._start(state, event.index)
            else:
                found: list[tuple[float, _State, int | None]] = []
                self._advance(state, event.line, {}, found)
                ((score, _, section),) = found
                state = self._place(state, event.line, section, score)
        return state

    def _advance(self, state: _State, line: Line, gains: dict[tuple, float],
                 into: list[tuple[float, _State, int | None]]) -> None:
        """Add to `into` the moves `state` may make with `line` (score, state, section): on in
        its section, or on to the next open one. `gains` keeps, for this line, each move's gain by what it depends
        on (the sections, their last lines, the open sections): the beam's paths share most."""
        current = state.current
        recent = state.recent
        if state.fresh:
            if current is None:
                into.append((state.score + 0.0, state, None))
                return
            key = (0, current, recent[current])
            gain = gains.get(key)
            if gain is None:
                gain = gains[key] = 0.0 + self._coherence(line, recent[current])
            into.append((state.score + gain, state, current))
            return
        if current is None or current in state.closed or not recent[current]:
            target = self._next_open(state, None)
            if target is None:
                into.append((state.score + 0.0, state, None))
                return
            key = (1, target, recent[target], state.open)
            gain = gains.get(key)
            if gain is None:
                gain = self._affinity(self._tail(state, target), line)
                gain = gain + self._place_score(line, target, state.open)
                gain = gains[key] = gain + self._coherence(line, recent[target])
            into.append((state.score + gain, state, target))
            return
        key = (2, current, recent[current], state.open)
        gain = gains.get(key)
        if gain is None:
            previous = self._lines[recent[current][-1]]
            gain = self._affinity(previous, line) + self._place_score(line, current, state.open)
            gain += CONTINUE_AFTER_SENTENCE if previous.terminated else CONTINUE_AFTER_CUT
            gain = gains[key] = gain + self._coherence(line, recent[current])
        into.append((state.score + gain, state, current))
        target = self._next_open(state, current)
        if target is not None:
            key = (3, target, recent[target], state.open, recent[current][-1])
            gain = gains.get(key)
            if gain is None:
                previous = self._lines[recent[current][-1]]
                gain = self._affinity(self._tail(state, target), line)
                gain += self._place_score(line, target, state.open)
                gain += SWITCH_AFTER_SENTENCE if previous.terminated else SWITCH_AFTER_CUT
                gain = gains[key] = gain + self._coherence(line, recent[target])
            into.append((state.score + gain, state, target))

    def _place(self, state: _State, line: Line, section: int | None, score: float) -> _State:
        """`state` with `line` placed in `section` (None: nowhere), scored `score`."""
        recent = state.recent
        lasts = state.lasts
        open_sections = state.open
        closed = state.closed
        if section is not None:
            number = line.number
            after = section + 1
            recent = recent[:section] + ((recent[section] + (number,))[-RECENT:],) + recent[after:]
            lasts = lasts[:section] + (number,) + lasts[after:]
            if line.credit:
                open_sections = tuple(s for s in state.open if s != section)
                closed = closed | {section}
        return _State(score, section, open_sections, closed, recent, False,
                      (section, state.path), (*state.last3[-2:], section), lasts)

    def _coherence(self, line: Line, recent: tuple[int, ...]) -> float:
        """How much `line` shares the wording of the last lines placed in a section."""
        if not recent:
            return 0.0
        if not self._profiled:
            self._profiles(self._events)
            self._profiled = True
        best = 0.0
        for other in recent:
            # The beam weighs the same pairs of lines again and again: each is computed once.
            key = (line.number, other)
            similarity = self._pair_sims.get(key)
            if similarity is None:
                vector = self._line_vector(line)
                theirs = self._line_vector(self._lines[other])
                # Only the shared bigrams are multiplied, in the line's order: the products
                # left out are zeros (all weights are positive), so the sum is the same float.
                shared = vector.keys() & theirs.keys()
                similarity = sum([w * theirs[g] for g, w in vector.items() if g in shared]) \
                    if shared else 0.0
                self._pair_sims[key] = similarity
            best = max(best, similarity)
        return COHERENCE_WEIGHT * best

    def _line_vector(self, line: Line) -> dict[str, float]:
        vector = self._vectors.get(line.number)
        if vector is None:
            vector = self._vectors[line.number] = self._vector(
                line.text, self._grams.get(line.number))
        return vector

    def _placements(self, beam: list[_State], events: list[Event]) -> list[Placement]:
        best = beam[0]
        home: list[int | None] = []
        section: int | None = None
        for event in events:
            if isinstance(event, SectionStart):
                section = event.index
            else:
                home.append(section)
        uncertain: set[int] = set()
        for rival in beam[1:]:
            if best.score - rival.score >= MARGIN:
                break
            uncertain.update(i for i, (a, b) in enumerate(zip(best.assign, rival.assign)) if a != b)
        if self.uses_credits and best.open:
            logger.info("columns left open at the end: %s", best.open)
        placements = []
        for i, section in enumerate(best.assign):
            moved = section is not None and section != home[i]
            certain = i not in uncertain and section is not None
            placements.append(Placement(section if certain else None, moved, certain))
        return _spread_uncertainty(placements, best.assign)


def _spread_uncertainty(placements: list[Placement], assign: tuple[int | None, ...]) -> list[Placement]:
    """A continuation piece is one unit: if any of its lines is uncertain, all of it is."""
    result = list(placements)
    start = 0
    while start < len(assign):
        end = start
        while end + 1 < len(assign) and assign[end + 1] == assign[start]:
            end += 1
        piece = range(start, end + 1)
        if any(result[i].moved for i in piece) and not all(result[i].certain for i in piece):
            for i in piece:
                result[i] = Placement(None, result[i].moved, False)
        start = end + 1
    return result
