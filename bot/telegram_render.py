"""Telegram HTML of the presentation model, and of speaker and source lists; no network.

What a quote shows is decided in `retrieval.presentation`; here it only becomes HTML. Every
piece of text that comes from a document or a person is escaped with `html.escape` before it
meets a tag. Messages are assembled from whole blocks (a hit, a list entry, one chunk of a
paragraph), each well-formed on its own, so a split always falls between blocks and never inside
a tag or an entity. Lengths are counted in UTF-16 code units of the HTML source: Telegram counts
UTF-16 units after parsing entities, so the source length is a safe upper bound. Titles,
sections and speaker lists are clipped by the model, and `pack` clips any block that still
exceeds a message, so no metadata, however long, keeps an answer from being delivered.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from retrieval.errors import DocumentError
from retrieval.models import Answer, Document, Hit, Passage, SpeakerStat
from retrieval.overview import Overview
from retrieval.presentation import (
    TITLE_LIMIT, Lead, Quote, View, clip, marked_spans, pieces, place, present, quote_of, speaker_labels,
)
from retrieval.sentences import sentences

MESSAGE_LIMIT = 4096
CHUNK_LIMIT = 3000  # UTF-16 units of escaped text in one blockquote of a whole paragraph
SEPARATOR = "\n\n"
_TAG = re.compile(r"<[^<>]*>")
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


def html_pieces(parts: Iterable[tuple[str, bool]]) -> str:
    """(piece, emphasised) pairs as escaped HTML, the emphasised ones in bold."""
    return "".join(f"<b>{esc(text)}</b>" if bold else esc(text) for text, bold in parts)


def highlight(text: str, terms: Iterable[str]) -> str:
    """`text` escaped, with the matched terms in bold (the console's spans, as HTML)."""
    return html_pieces(pieces(text, marked_spans(text, terms)))


def chunks(text: str, limit: int = CHUNK_LIMIT) -> list[str]:
    """Raw text cut, at sentence ends where possible, into pieces whose escaped form fits."""
    pieces: list[str] = []
    current = ""
    for sentence in sentences(text):
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


def speaker_html(labels: Sequence[str]) -> str:
    """`—— <b>张三（主席）</b>；<b>李四</b>` from the model's labels (or 发言人不详)."""
    return "—— " + "；".join(f"<b>{esc(label)}</b>" for label in labels)


def link(url: str) -> str:
    """An http(s) `url` as a link showing its first 80 characters."""
    return f'<a href="{html.escape(url, quote=True)}">{esc(clip(url, 80))}</a>'


def quote_block(quote: Quote) -> str:
    """One quote: the words, who said them, where they stand, where from, the whole paragraph."""
    lines = [
        f"<blockquote>{html_pieces(quote.pieces())}</blockquote>",
        speaker_html(quote.speakers),
        esc(quote.location),
    ]
    if quote.citation:
        lines.append(esc(quote.citation))
    if quote.link.startswith(("https://", "http://")):  # Telegram refuses other schemes
        lines.append(link(quote.link))
    elif quote.link:
        lines.append(esc(clip(quote.link, 200)))
    lines.append(f"全文：{source_command(quote.passage_id)}")
    return "\n".join(lines)


def hit_block(hit: Hit) -> str:
    """One hit as a quote block (inline results post exactly this)."""
    return quote_block(quote_of(hit))


def lead_html(lead: Lead | None) -> str:
    return html_pieces(lead.parts) if lead else ""


def answer_lead(answer: Answer) -> str:
    """The line before the hits: who said it for "who", whose words for "speaker"."""
    return lead_html(present(answer).lead)


def paged(view: View, per_page: int, limit: int = MESSAGE_LIMIT) -> list[tuple[str, tuple[Quote, ...]]]:
    """The view as pages, each a whole message of at most `per_page` quotes, with its quotes."""
    if not view.quotes:
        return [(esc(view.note) + "发送 /speakers 可查看发言人列表。", ())]
    lead = lead_html(view.lead)
    footer_room = len("\n\n第 99/99 页")
    groups: list[list[tuple[str, Quote]]] = []
    for quote in view.quotes:
        block = fit(quote_block(quote), limit - footer_room - units(lead) - len(SEPARATOR))
        page = groups[-1] if groups else None
        if (
            page is not None
            and len(page) < per_page
            and units(SEPARATOR.join([lead, *(b for b, _ in page), block])) + footer_room <= limit
        ):
            page.append((block, quote))
        else:
            groups.append([(block, quote)])
    pages = [(SEPARATOR.join([lead, *(b for b, _ in group)]), tuple(q for _, q in group))
             for group in groups]
    if len(pages) > 1:
        pages = [(f"{page}{SEPARATOR}第 {i}/{len(pages)} 页", quotes)
                 for i, (page, quotes) in enumerate(pages, 1)]
    return pages


def answer_pages(answer: Answer, per_page: int, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The answer as one or more pages, each a whole message of at most `per_page` hits."""
    return [page for page, _ in paged(present(answer), per_page, limit)]


def fit(block: str, limit: int = MESSAGE_LIMIT) -> str:
    """`block` itself, or when it is too long for a message, its text without markup, clipped.

    Builders clip what they know to be long; this is the last guard, so that an unforeseen
    piece of metadata costs formatting, never the answer.
    """
    if units(block) <= limit:
        return block
    plain = html.unescape(_TAG.sub("", block))
    size = limit
    while True:
        shown = esc(clip(plain, size))
        if units(shown) <= limit:
            return shown
        size = size * 3 // 4


def pack(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Whole blocks joined into as few messages as fit within `limit` (an over-long one clipped)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        block = fit(block, limit)
        joined = f"{current}{SEPARATOR}{block}" if current else block
        if units(joined) > limit:
            messages.append(current)
            joined = block
        current = joined
    if current:
        messages.append(current)
    return messages


def help_text(overview: Overview, username: str | None, admin: bool = False) -> str:
    """/start and /help: what the documents are, questions they answer, commands, groups."""
    mention = f"@{esc(username)}" if username else "@机器人"
    lines = [
        "<b>出处 chuchu</b>：我回答关于所收录文档的问题，给出原文引用、发言人和出处。",
        esc(clip(overview.summary(), 600)),
        "",
        "直接发送问题即可，例如：" if overview.examples else "直接发送问题即可。",
        *(f"• {esc(clip(example, 100))}" for example in overview.examples),
        "",
        "<b>命令</b>",
        "/speakers 文档中的发言人",
        "/sources 收录的文档",
        "/source 编号 — 查看整段原文及前后文",
        "/myid 查看您的用户 ID",
        "/help 显示本帮助",
    ]
    if admin:
        lines += ["", "<b>管理员</b>",
                  "/feedback 最近的 👎 和“发言人有误”", "/stats 提问统计",
                  "/fix 编号 姓名 [职务] — 更正发言人（或 /fix 编号 发言人不详）",
                  "/allow ID、/deny ID — 允许或禁止用户、群组", "/reload 重新读取文档目录",
                  "发送文件（.txt .md .docx .pdf .html，20 MB 以内）— 添加文档（在群组中请在文件说明里 @我）",
                  "/add 链接 — 添加网页", "/remove 编号 — 删除文档（编号见 /sources）"]
    lines += [
        "",
        "每条回答下可以点 👍、👎 或“发言人有误”，帮助我们改进。",
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
        f"• 《{esc(clip(d.title, TITLE_LIMIT))}》 {counts.get(d.id, 0)} 段\n  <code>{esc(d.id)}</code>"
        for d in documents
    ]
    return _lines_into_blocks([head, *entries])


def distinct_skipped(skipped: Iterable[DocumentError]) -> list[DocumentError]:
    """Each skipped file once (the first reason given for it), in the order met."""
    seen: dict[str, DocumentError] = {}
    for error in skipped:
        seen.setdefault(error.path, error)
    return list(seen.values())


def skipped_blocks(skipped: Sequence[DocumentError]) -> list[str]:
    """/sources for admins: each file left out of the index, with its id and the reason."""
    errors = distinct_skipped(skipped)
    if not errors:
        return []
    head = f"<b>未能收录的文件</b>（共 {len(errors)} 个，可用 /remove 编号 删除）："
    entries = [f"• <code>{esc(e.path)}</code>：{esc(clip(e.reason, 300))}" for e in errors]
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
    blocks = [f"<b>《{esc(clip(target.document_title, TITLE_LIMIT))}》</b>"]
    for passage in context:
        marker = "▶ " if passage.id == target.id else ""
        head = f"{marker}<b>{esc(place(passage))}</b>"
        pieces = chunks(passage.text)
        for i, piece in enumerate(pieces):
            parts = [head] if i == 0 else []
            parts.append(f"<blockquote>{esc(piece)}</blockquote>")
            if i == len(pieces) - 1:
                parts.append(speaker_html(speaker_labels(passage.speakers)))
            blocks.append("\n".join(parts))
    return blocks


def unknown_source(passage_id: str) -> str:
    return f"没有找到编号为 <code>{esc(clip(passage_id, 40))}</code> 的段落。编号见每条引用下方的“全文”。"


SOURCE_USAGE = "用法：/source 编号，例如 /source p1a2b3c4d。编号见每条引用下方的“全文”。"
