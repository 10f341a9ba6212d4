"""Plain-text rendering of an `Answer` for people (the console; Telegram renders HTML itself).

A hit shows the sentence or two that answer, with the question's words marked 【like this】,
who says them, and where the paragraph stands; `render_answer(..., full=True)` shows the whole
paragraphs instead (the console's `全文`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from retrieval.models import Answer, Hit, Passage
from retrieval.tokenize import normalize_aligned

ELLIPSIS = "…"


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


def mark(
    text: str, terms: Iterable[str], left: str = "【", right: str = "】",
    escape: Callable[[str], str] = lambda piece: piece,
) -> str:
    """`text` with each matched term wrapped in markers (and every piece passed to `escape`)."""
    out, last = [], 0
    for start, end in marked_spans(text, terms):
        out.append(escape(text[last:start]) + left + escape(text[start:end]) + right)
        last = end
    return "".join(out) + escape(text[last:])


def source_line(passage: Passage) -> str:
    """《title》 · section · 第 N 段 (and where a reassembled continuation stands in the file)."""
    parts = [f"《{passage.document_title}》"]
    if passage.section:
        parts.append(passage.section)
    parts.append(f"第 {passage.paragraph} 段")
    line = " · ".join(parts)
    if passage.origin:
        line += f"（{passage.origin}）"
    return line


def speaker_line(hit: Hit, full: bool = False) -> str:
    """`——郑荣胜（…主席）` for the quoted sentences, or `——发言人不详`."""
    quote = hit.passage.text if full else (hit.snippet or hit.passage.text).strip()
    speakers = hit.passage.speakers_in(quote)
    if not speakers:
        return "——发言人不详"
    return "——" + "；".join(s.label() for s in speakers)


def render_hit(hit: Hit, full: bool = False) -> str:
    """One quoted hit: the marked quote, who says it, and where it stands."""
    quote = hit.passage.text if full else (hit.snippet or hit.passage.text).strip()
    shown = mark(quote, hit.terms)
    if not full and quote != hit.passage.text.strip():
        head = "" if hit.passage.text.startswith(quote) else ELLIPSIS
        tail = "" if hit.passage.text.rstrip().endswith(quote) else ELLIPSIS
        shown = head + shown + tail
    return "\n".join(
        [
            f"{hit.rank}. 「{shown}」",
            f"   {speaker_line(hit, full)}",
            f"   {source_line(hit.passage)}  [{hit.passage.id}]",
        ]
    )


def render_answer(answer: Answer, full: bool = False) -> str:
    """The whole answer as text: a lead line where useful, then each quoted hit."""
    if answer.kind in ("not_found", "invalid") or not answer.hits:
        return (answer.note or "没有找到相关内容。") + "输入“发言人”可查看发言人列表。"
    lines = [answer.note] if answer.note else []  # 您是不是要找… when the person was a guess
    if answer.kind == "who":
        lead = answer.speaker.label() if answer.speaker else "发言人不详（原文未写明是谁说的）"
        lines.append(f"答：{lead}")
    elif answer.kind == "speaker" and answer.speaker:
        lines.append(f"{answer.speaker.label()} 的发言：")
    lines.extend(render_hit(hit, full) for hit in answer.hits)
    if not full and any(hit.snippet and hit.snippet != hit.passage.text for hit in answer.hits):
        lines.append("（输入“全文”查看完整段落）")
    return "\n\n".join(lines)
