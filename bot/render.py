"""Plain-text rendering of an `Answer` for people (the console; Telegram renders HTML itself)."""

from __future__ import annotations

from retrieval.models import Answer, Hit, Passage

ELLIPSIS = "…"


def mark(text: str, terms: tuple[str, ...], left: str = "【", right: str = "】") -> str:
    """`text` with each occurrence of the matched `terms` wrapped in markers."""
    if not terms:
        return text
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for term in sorted(set(terms), key=len, reverse=True):
        start = lowered.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = lowered.find(term, end)
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start] + left + text[start:end] + right)
        last = end
    return "".join(out) + text[last:]


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


def speaker_line(hit: Hit) -> str:
    speakers = hit.passage.speakers
    if not speakers:
        return "——发言人不详"
    return "——" + "；".join(s.label() for s in speakers)


def render_hit(hit: Hit, full: bool = False) -> str:
    quote = hit.passage.text if full else hit.snippet or hit.passage.text
    if not full and quote != hit.passage.text:
        quote = ELLIPSIS + quote.strip() + ELLIPSIS
    return "\n".join(
        [
            f"{hit.rank}. 「{mark(quote, hit.terms)}」",
            f"   {speaker_line(hit)}",
            f"   {source_line(hit.passage)}  [{hit.passage.id}]",
        ]
    )


def render_answer(answer: Answer, full: bool = False) -> str:
    """The whole answer as text: a lead line where useful, then each quoted hit."""
    if answer.kind in ("not_found", "invalid"):
        return answer.note
    lines = []
    if answer.kind == "who":
        lead = answer.speaker.label() if answer.speaker else "发言人不详（原文未写明是谁说的）"
        lines.append(f"答：{lead}")
    elif answer.kind == "speaker" and answer.speaker:
        lines.append(f"{answer.speaker.label()} 的发言：")
    lines.extend(render_hit(hit, full) for hit in answer.hits)
    return "\n\n".join(lines)
