"""The one presentation model: what every adapter shows of an answer, before it is formatted.

The console, Telegram messages, inline results and `chuchu ask` show a hit the same way: the
quoted sentences (clipped to `QUOTE_LIMIT`), an ellipsis where the quote starts inside the
paragraph or stops before its end, the question's words to emphasise, who says the quoted
words (or 发言人不详), where the paragraph stands, and the document's date, publication and
link where they are known. These rules live here once; an adapter only formats the values
(plain text with 【】, or Telegram HTML), so no two of them can disagree on an ellipsis or a
speaker label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.models import Answer, Hit, Passage, Source, Speaker
from retrieval.tokenize import normalize_aligned

ELLIPSIS = "…"
UNKNOWN_SPEAKER = "发言人不详"
QUOTE_LIMIT = 900  # characters of a quote; the whole paragraph is one command away
TITLE_LIMIT = 120  # characters of a document title or a section heading in a location
SPEAKERS_LIMIT = 300  # characters of a speaker list before it ends in "等 N 位"
QUESTION_LIMIT = 60  # characters of the question repeated in a lead line
NOT_FOUND = "没有找到相关内容。"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def marked_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the matched `terms` stand in `text`, adjacent ones merged, in order.

    Terms are normalised words (simplified, half-width, lower case); they are found in the
    normalised text and the spans given in the original characters. Single characters (家, 会)
    are left out: marked everywhere, they would hide the words that matter.
    """
    wanted = sorted(
        {t for t in terms if len(t.strip()) >= 2 or (t.strip() and t.isascii())}, key=len, reverse=True
    )
    if not wanted or not text:
        return []
    normal, origin = normalize_aligned(text)
    taken = [False] * len(normal)
    spans: list[tuple[int, int]] = []
    for term in wanted:
        start = normal.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                spans.append((origin[start], origin[end - 1] + 1))
            start = normal.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:  # adjacent words read as one marked phrase
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def pieces(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` as consecutive (piece, emphasised) pairs, for an adapter to format."""
    out: list[tuple[str, bool]] = []
    last = 0
    for start, end in spans:
        if start > last:
            out.append((text[last:start], False))
        out.append((text[start:end], True))
        last = end
    if last < len(text):
        out.append((text[last:], False))
    return out


def speaker_labels(speakers: Sequence[Speaker], limit: int = SPEAKERS_LIMIT) -> tuple[str, ...]:
    """Each speaker's label, as many as fit in `limit` characters, then `等 N 位`; or 发言人不详."""
    if not speakers:
        return (UNKNOWN_SPEAKER,)
    labels: list[str] = []
    used = 0
    for speaker in speakers:
        label = clip(speaker.label(), limit)
        if labels and used + len(label) > limit:
            labels.append(f"等 {len(speakers)} 位")
            break
        labels.append(label)
        used += len(label) + 1
    return tuple(labels)


def location(passage: Passage) -> str:
    """《title》 · section · 第 N 段, and where a reassembled continuation stands in the file."""
    parts = [f"《{clip(passage.document_title, TITLE_LIMIT)}》"]
    if passage.section:
        parts.append(clip(passage.section, TITLE_LIMIT))
    parts.append(f"第 {passage.paragraph} 段")
    line = " · ".join(parts)
    return f"{line}（{clip(passage.origin, TITLE_LIMIT)}）" if passage.origin else line


def place(passage: Passage) -> str:
    """Section and paragraph number without the title (the title heads a whole-paragraph view)."""
    parts = [clip(passage.section, TITLE_LIMIT)] if passage.section else []
    parts.append(f"第 {passage.paragraph} 段")
    line = " · ".join(parts)
    return f"{line}（{clip(passage.origin, TITLE_LIMIT)}）" if passage.origin else line


def citation(source: Source) -> str:
    """`2024-03-07 · 工人日报 · 第 3 版 · 作者：李明`: what is known of where a document comes from."""
    parts = [source.date, clip(source.publication, TITLE_LIMIT)]
    if source.page:
        page = source.page.strip()
        parts.append(page if not page.isdigit() else f"第 {page} 版")
    if source.author:
        parts.append(f"作者：{clip(source.author, TITLE_LIMIT)}")
    return " · ".join(part for part in parts if part)


@dataclass(frozen=True)
class Quote:
    """One hit as every adapter shows it."""

    rank: int
    passage_id: str
    text: str  # the quoted words, without ellipses
    before: bool  # an ellipsis before: the quote starts inside the paragraph
    after: bool  # an ellipsis after: the paragraph goes on (or the quote was clipped)
    marks: tuple[tuple[int, int], ...]  # spans of `text` to emphasise
    speakers: tuple[str, ...]  # labels of who says the quoted words, or (发言人不详,)
    location: str
    citation: str  # date, publication, page, author; empty when unknown
    link: str  # the document's URL; empty when unknown

    @property
    def speaker_label(self) -> str:
        return "；".join(self.speakers)

    @property
    def shown(self) -> str:
        """The quote with its ellipses, unformatted."""
        return (ELLIPSIS if self.before else "") + self.text + (ELLIPSIS if self.after else "")

    def pieces(self) -> list[tuple[str, bool]]:
        """The quote with its ellipses as (piece, emphasised) pairs."""
        middle = pieces(self.text, self.marks)
        return ([(ELLIPSIS, False)] if self.before else []) + middle + \
            ([(ELLIPSIS, False)] if self.after else [])


@dataclass(frozen=True)
class Lead:
    """The line before the quotes, as (piece, emphasised) pairs: `张三（主席） 说的：`."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)


@dataclass(frozen=True)
class View:
    """An answer as every adapter shows it: a lead line, the quotes, or the reason for none."""

    question: str
    kind: str
    lead: Lead | None
    quotes: tuple[Quote, ...]
    note: str  # why nothing is quoted (declined answers); empty otherwise
    abridged: bool  # some quote shows less than its paragraph


def quote_of(hit: Hit, full: bool = False, limit: int = QUOTE_LIMIT) -> Quote:
    """The `Quote` of one hit: its snippet (or the whole paragraph when `full`), clipped."""
    passage = hit.passage
    whole = passage.text.strip()
    said = whole if full else (hit.snippet or passage.text).strip()
    speakers = passage.speakers_in(said)
    text = said[:limit]
    clipped = len(said) > limit
    if clipped:
        text = text[: limit - 1].rstrip()
    start = whole.find(said)
    before = start > 0
    after = clipped or (start >= 0 and start + len(said) < len(whole))
    if start < 0:  # a snippet that is not verbatim in the paragraph: say it is partial
        before = after = True
    return Quote(
        rank=hit.rank,
        passage_id=passage.id,
        text=text,
        before=before,
        after=after,
        marks=tuple(marked_spans(text, hit.terms)),
        speakers=speaker_labels(speakers),
        location=location(passage),
        citation=citation(passage.source),
        link=passage.source.url,
    )


def lead_of(answer: Answer) -> Lead | None:
    """Who said it for a who-question, whose words for a speaker question, else the topic;
    with hits, the answer's note (您是不是要找…, a guess at whom the question meant) first."""
    lead = _lead_of(answer)
    if answer.note and lead is not None:
        return Lead(((answer.note, False), ("\n", False), *lead.parts))
    return lead


def _lead_of(answer: Answer) -> Lead | None:
    if answer.kind == "who":
        speaker = answer.speaker or _only_quoted_speaker(answer)
        if speaker is None:
            return Lead(((UNKNOWN_SPEAKER, True), ("（原文未写明是谁说的），相关原文：", False)))
        return Lead(((clip(speaker.label(), SPEAKERS_LIMIT), True), (" 说的：", False)))
    if answer.kind == "speaker" and answer.speaker is not None:
        return Lead(((clip(answer.speaker.label(), SPEAKERS_LIMIT), True), (" 的发言：", False)))
    question = clip(answer.question.strip(), QUESTION_LIMIT)
    return Lead((("关于“", False), (question, False), ("”，找到这些原文：", False)))


def _only_quoted_speaker(answer: Answer) -> Speaker | None:
    """The one speaker of the best hit's quote (when the core could not name one)."""
    if not answer.hits:
        return None
    hit = answer.hits[0]
    speakers = hit.passage.speakers_in((hit.snippet or hit.passage.text).strip())
    return speakers[0] if len(speakers) == 1 else None


def present(answer: Answer, full: bool = False, limit: int = QUOTE_LIMIT) -> View:
    """The `View` of `answer`; `full` quotes whole paragraphs (still clipped to `limit`)."""
    if answer.kind in ("not_found", "invalid") or not answer.hits:
        return View(answer.question, answer.kind, None, (), answer.note or NOT_FOUND, False)
    quotes = tuple(quote_of(hit, full, limit) for hit in answer.hits)
    abridged = any(q.before or q.after for q in quotes)
    return View(answer.question, answer.kind, lead_of(answer), quotes, "", abridged)
