"""Telegram HTML for answers, pages, speaker and source lists; no network, no PTB objects.

Every piece of text that comes from a document or a person is escaped with `html.escape` before
it meets a tag. Messages are assembled from whole blocks (a hit, a list entry, one chunk of a
paragraph), each well-formed on its own, so a split always falls between blocks and never inside
a tag or an entity. Lengths are counted in UTF-16 code units of the HTML source: Telegram counts
UTF-16 units after parsing entities, so the source length is a safe upper bound.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.render import ELLIPSIS, mark, source_line
from retrieval.models import Answer, Document, Hit, Passage, Speaker, SpeakerStat

MESSAGE_LIMIT = 4096
QUOTE_LIMIT = 900  # characters of a hit's quote; the whole paragraph is one tap away
CHUNK_LIMIT = 3000  # UTF-16 units of escaped text in one blockquote of a whole paragraph
SEPARATOR = "\n\n"
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
REFUSAL = "抱歉，这个机器人只对授权的用户和群组开放。如需使用，请联系管理员。"
SORRY = "抱歉，处理您的消息时出了点问题，请稍后再试。"
EXPIRED = "这些结果已过期，请重新提问。"


def esc(text: str) -> str:
    """Text escaped for Telegram HTML (quotes need no escaping outside attributes)."""
    return html.escape(text, quote=False)


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def source_command(passage_id: str) -> str:
    """`/source_p1a2b3c4d`: a command Telegram makes tappable (ids hold `-`, commands cannot)."""
    return "/source_" + passage_id.replace("-", "_")


def passage_id_from_command(argument: str) -> str:
    """Undo `source_command` for the part after `/source_`."""
    return argument.strip().replace("_", "-")


def highlight(text: str, terms: Iterable[str]) -> str:
    """`text` escaped, with the matched terms in bold (the console's spans, as HTML)."""
    return mark(text, terms, "<b>", "</b>", escape=esc)


def chunks(text: str, limit: int = CHUNK_LIMIT) -> list[str]:
    """Raw text cut, at sentence ends where possible, into pieces whose escaped form fits."""
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        while units(esc(sentence)) > limit:  # one sentence longer than a chunk: cut it hard
            cut = _fitting_prefix(sentence, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
        if current and units(esc(current + sentence)) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces or [""]


def _fitting_prefix(text: str, limit: int) -> int:
    total = 0
    for i, ch in enumerate(text):
        total += units(esc(ch))
        if total > limit:
            return max(i, 1)
    return len(text)


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def speaker_html(speakers: Sequence[Speaker]) -> str:
    if not speakers:
        return "—— 发言人不详"
    return "—— " + "；".join(f"<b>{esc(s.label())}</b>" for s in speakers)


def hit_block(hit: Hit) -> str:
    """One hit: the quote, who said it, where it stands, and how to read the whole paragraph."""
    passage = hit.passage
    quote = (hit.snippet or passage.text).strip()
    speakers = passage.speakers_in(quote)
    shown = clip(quote)
    if shown != passage.text:
        if passage.text.find(quote) > 0:
            shown = ELLIPSIS + shown
        if not shown.endswith(ELLIPSIS) and not passage.text.endswith(quote):
            shown += ELLIPSIS
    return "\n".join(
        [
            f"<blockquote>{highlight(shown, hit.terms)}</blockquote>",
            speaker_html(speakers),
            esc(source_line(passage)),
            f"全文：{source_command(passage.id)}",
        ]
    )


def answer_lead(answer: Answer) -> str:
    """The line before the hits: who said it for "who", whose words for "speaker"; a guess at
    whom the question meant (您是不是要找…) before it."""
    if answer.note:
        return f"{esc(answer.note)}\n{answer_lead(replace(answer, note=''))}"
    if answer.kind == "who":
        speaker = answer.speaker or _only_quoted_speaker(answer)
        if speaker is None:
            return "<b>发言人不详</b>（原文未写明是谁说的），相关原文："
        return f"<b>{esc(speaker.label())}</b> 说的："
    if answer.kind == "speaker" and answer.speaker is not None:
        return f"<b>{esc(answer.speaker.label())}</b> 的发言："
    return f"关于“{esc(clip(answer.question.strip(), 60))}”，找到这些原文："


def _only_quoted_speaker(answer: Answer) -> Speaker | None:
    """The one speaker of the best hit's quote (when the core could not name one)."""
    if not answer.hits:
        return None
    hit = answer.hits[0]
    speakers = hit.passage.speakers_in((hit.snippet or hit.passage.text).strip())
    return speakers[0] if len(speakers) == 1 else None


def answer_pages(answer: Answer, per_page: int, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The answer as one or more pages, each a whole message of at most `per_page` hits."""
    if answer.kind in ("not_found", "invalid") or not answer.hits:
        return [esc(answer.note or "没有找到相关内容。") + "发送 /speakers 可查看发言人列表。"]
    lead = answer_lead(answer)
    footer_room = len("\n\n第 99/99 页")
    groups: list[list[str]] = []
    for block in (hit_block(hit) for hit in answer.hits):
        page = groups[-1] if groups else None
        if (
            page is not None
            and len(page) < per_page
            and units(SEPARATOR.join([lead, *page, block])) + footer_room <= limit
        ):
            page.append(block)
        else:
            groups.append([block])
    pages = [SEPARATOR.join([lead, *blocks]) for blocks in groups]
    if len(pages) > 1:
        pages = [f"{page}{SEPARATOR}第 {i}/{len(pages)} 页" for i, page in enumerate(pages, 1)]
    return pages


def pack(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Whole blocks joined into as few messages as fit within `limit`."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if units(block) > limit:  # a bug in a block builder, never user-visible garbage
            raise ValueError(f"block of {units(block)} units exceeds {limit}")
        joined = f"{current}{SEPARATOR}{block}" if current else block
        if units(joined) > limit:
            messages.append(current)
            joined = block
        current = joined
    if current:
        messages.append(current)
    return messages


def help_text(examples: Sequence[str], username: str | None) -> str:
    """/start and /help: what the bot does, example questions, commands, groups and inline."""
    mention = f"@{esc(username)}" if username else "@机器人"
    lines = [
        "<b>出处 chuchu</b>：我回答关于工会报刊文档的问题，给出原文引用、发言人和出处。",
        "",
        "直接发送问题即可，例如：",
        *(f"• {esc(example)}" for example in examples),
        "• 谁提出了“唯民是从”？",
        "",
        "<b>命令</b>",
        "/speakers 文档中的发言人",
        "/sources 收录的文档",
        "/source 编号 — 查看整段原文及前后文",
        "/help 显示本帮助",
        "",
        f"在群组中，请 {mention} 提问或回复我的消息；在任何聊天中输入 {mention} 问题 可直接引用原文。",
    ]
    return "\n".join(lines)


def speaker_blocks(stats: Sequence[SpeakerStat]) -> list[str]:
    """/speakers: one entry per speaker, with every title seen and a passage count."""
    if not stats:
        return ["文档中没有找到署名的发言人。"]
    head = f"<b>文档中的发言人</b>（共 {len(stats)} 位）："
    entries = []
    for stat in stats:
        titles = "；".join(stat.titles)
        entry = f"• <b>{esc(stat.name)}</b>"
        if titles:
            entry += f"（{esc(clip(titles, 300))}）"
        entries.append(f"{entry} — {stat.passages} 段")
    return _lines_into_blocks([head, *entries])


def source_list_blocks(documents: Sequence[Document], passages: Sequence[Passage]) -> list[str]:
    """/sources: each document with its title, id and number of passages."""
    if not documents:
        return ["没有收录任何文档。"]
    counts = Counter(p.document_id for p in passages)
    head = f"<b>收录的文档</b>（共 {len(documents)} 篇）："
    entries = [
        f"• 《{esc(clip(d.title, 200))}》 {counts.get(d.id, 0)} 段\n  <code>{esc(d.id)}</code>"
        for d in documents
    ]
    return _lines_into_blocks([head, *entries])


def _lines_into_blocks(lines: list[str], limit: int = 3500) -> list[str]:
    """Consecutive list lines grouped into blocks, so that a list splits between entries."""
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and units("\n".join([*current, line])) > limit:
            blocks.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def source_blocks(target: Passage, context: Sequence[Passage]) -> list[str]:
    """/source: the whole paragraph with its neighbours, the asked one marked."""
    blocks = [f"<b>《{esc(target.document_title)}》</b>"]
    for passage in context:
        marker = "▶ " if passage.id == target.id else ""
        head = f"{marker}<b>{esc(_place(passage))}</b>"
        pieces = chunks(passage.text)
        for i, piece in enumerate(pieces):
            parts = [head] if i == 0 else []
            parts.append(f"<blockquote>{esc(piece)}</blockquote>")
            if i == len(pieces) - 1:
                parts.append(speaker_html(passage.speakers))
            blocks.append("\n".join(parts))
    return blocks


def _place(passage: Passage) -> str:
    """Section and paragraph number, without the document title."""
    parts = [passage.section] if passage.section else []
    parts.append(f"第 {passage.paragraph} 段")
    line = " · ".join(parts)
    return f"{line}（{passage.origin}）" if passage.origin else line


def unknown_source(passage_id: str) -> str:
    return f"没有找到编号为 <code>{esc(clip(passage_id, 40))}</code> 的段落。编号见每条引用下方的“全文”。"


SOURCE_USAGE = "用法：/source 编号，例如 /source p1a2b3c4d。编号见每条引用下方的“全文”。"
