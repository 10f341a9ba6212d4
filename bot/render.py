"""Plain text of the presentation model, for the console and `chuchu ask`.

A quote shows the sentence or two that answer, with the question's words marked 【like this】,
who says them, where the paragraph stands, and the date, publication and link where known.
What is shown is decided once in `retrieval.presentation`; this module only formats it.
"""

from __future__ import annotations

from collections.abc import Iterable

from retrieval.models import Answer
from retrieval.presentation import Lead, Quote, View, marked_spans, pieces, present

FULL_LIMIT = 1_000_000  # the console's 全文 shows whole paragraphs, however long


def mark(text: str, terms: Iterable[str], left: str = "【", right: str = "】") -> str:
    """`text` with each matched term wrapped in markers."""
    return "".join(f"{left}{piece}{right}" if marked else piece
                   for piece, marked in pieces(text, marked_spans(text, terms)))


def _marked(parts: Iterable[tuple[str, bool]]) -> str:
    return "".join(f"【{text}】" if marked else text for text, marked in parts)


def lead_text(lead: Lead) -> str:
    return lead.plain


def quote_text(quote: Quote) -> str:
    """One quote: `1. 「…marked…」`, who says it, where it stands, and where it comes from."""
    lines = [
        f"{quote.rank}. 「{_marked(quote.pieces())}」",
        f"   ——{quote.speaker_label}",
        f"   {quote.location}  [{quote.passage_id}]",
    ]
    if quote.citation:
        lines.append(f"   {quote.citation}")
    if quote.link:
        lines.append(f"   {quote.link}")
    return "\n".join(lines)


def view_text(view: View, hint: str = "输入“发言人”可查看发言人列表。",
              more: str = "（输入“全文”查看完整段落）") -> str:
    """A whole view as text: the lead line, each quote, and what to type next."""
    if not view.quotes:
        return view.note + hint
    blocks = [lead_text(view.lead)] if view.lead else []
    blocks.extend(quote_text(quote) for quote in view.quotes)
    if view.abridged and more:
        blocks.append(more)
    return "\n\n".join(blocks)


def render_answer(answer: Answer, full: bool = False) -> str:
    """The whole answer as text; `full` shows whole paragraphs (the console's 全文)."""
    if full:
        return view_text(present(answer, full=True, limit=FULL_LIMIT), more="")
    return view_text(present(answer))
