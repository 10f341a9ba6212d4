"""The one presentation model: the same quote, ellipses, speaker label and source in every
adapter, clipped metadata, and the one sentence splitter."""

from __future__ import annotations

from bot import telegram_render
from bot.render import quote_text, render_answer
from fake_bot_api import plain_text
from retrieval.models import Answer, Hit, Passage, Segment, Source, Speaker
from retrieval.presentation import UNKNOWN_SPEAKER, present, quote_of, speaker_labels
from retrieval.sentences import sentences

LI = Speaker("李明", "北山市总工会主席")
TEXT = "会议在北山召开。李明表示，职工书屋要办到车间里。大家鼓掌。"


def passage(text: str = TEXT, title: str = "北山职工书屋推进会", section: str = "会议报道",
            source: Source = Source(), segments: tuple[Segment, ...] | None = None) -> Passage:
    if segments is None:
        segments = (Segment("会议在北山召开。"), Segment("李明表示，职工书屋要办到车间里。", LI),
                    Segment("大家鼓掌。"))
    return Passage("p1234abcd", "a.txt", title, section, 4, text, segments, source=source)


def test_sentences_keep_closing_quotes_and_join_back():
    text = "他说：“要办实事。”大家赞同！真的吗？？好；"
    parts = sentences(text)
    assert parts == ["他说：“要办实事。”", "大家赞同！", "真的吗？？", "好；"]
    assert "".join(sentences("没有句号的一段")) == "没有句号的一段"


def test_console_and_telegram_show_the_same_quote_speaker_and_ellipses():
    hit = Hit(passage(), 1.0, 1, "李明表示，职工书屋要办到车间里。", ("职工书屋",))
    quote = quote_of(hit)
    assert quote.before and quote.after and quote.speakers == ("李明（北山市总工会主席）",)
    console = quote_text(quote)
    telegram = plain_text(telegram_render.quote_block(quote))
    shown = "…李明表示，职工书屋要办到车间里。…"
    assert shown.replace("职工书屋", "【职工书屋】") in console
    assert shown in telegram
    assert "——李明（北山市总工会主席）" in console and "—— 李明（北山市总工会主席）" in telegram
    assert "《北山职工书屋推进会》 · 会议报道 · 第 4 段" in console
    assert "《北山职工书屋推进会》 · 会议报道 · 第 4 段" in telegram


def test_narrative_quote_is_speaker_unknown_in_every_adapter():
    hit = Hit(passage(), 1.0, 1, "会议在北山召开。", ())
    quote = quote_of(hit)
    assert quote.speakers == (UNKNOWN_SPEAKER,) and not quote.before and quote.after
    assert "——发言人不详" in quote_text(quote)
    assert "—— 发言人不详" in plain_text(telegram_render.quote_block(quote))


def test_date_publication_page_author_and_link_are_shown_where_known():
    source = Source(date="2024-03-07", publication="北山工人报", page="3", author="王芳",
                    url="https://example.org/a?b=1&c=2")
    quote = quote_of(Hit(passage(source=source), 1.0, 1, TEXT, ()))
    assert quote.citation == "2024-03-07 · 北山工人报 · 第 3 版 · 作者：王芳"
    console = quote_text(quote)
    block = telegram_render.quote_block(quote)
    assert "2024-03-07 · 北山工人报" in console and "https://example.org/a?b=1&c=2" in console
    assert 'href="https://example.org/a?b=1&amp;c=2"' in block
    plain_text(block)  # well-formed for Telegram
    bare = quote_of(Hit(passage(), 1.0, 1, TEXT, ()))
    assert bare.citation == "" and bare.link == ""
    assert len(quote_text(bare).splitlines()) == 3


def test_very_long_titles_sections_and_speaker_lists_are_clipped():
    many = tuple(Speaker(f"张{i:03d}", "某某市某某区某某街道总工会副主席") for i in range(200))
    segments = tuple(Segment("很长的发言。", s) for s in many)
    text = "很长的发言。" * 200
    long = passage(text, title="标题" * 3000, section="栏目" * 3000, segments=segments)
    quote = quote_of(Hit(long, 1.0, 1, text, ()))
    assert len(quote.location) < 400 and len(quote.speaker_label) < 400
    assert quote.speakers[-1] == "等 200 位"
    pages = telegram_render.answer_pages(Answer("发言", "passages", (Hit(long, 1.0, 1, text, ()),)), 3)
    assert all(telegram_render.units(p) <= telegram_render.MESSAGE_LIMIT for p in pages)
    blocks = telegram_render.pack(telegram_render.source_blocks(long, [long]))
    assert all(telegram_render.units(m) <= telegram_render.MESSAGE_LIMIT for m in blocks)
    assert speaker_labels(()) == (UNKNOWN_SPEAKER,)


def test_an_over_long_block_is_clipped_not_refused():
    block = "<b>" + "很" * 5000 + "</b>"
    [message] = telegram_render.pack([block])
    assert telegram_render.units(message) <= telegram_render.MESSAGE_LIMIT
    assert plain_text(message).endswith("…")


def test_who_lead_and_full_view_agree_across_adapters():
    answer = Answer("谁说职工书屋要办到车间里", "who",
                    (Hit(passage(), 1.0, 1, "李明表示，职工书屋要办到车间里。", ("职工书屋",)),), speaker=LI)
    view = present(answer)
    assert view.lead is not None and view.lead.plain == "李明（北山市总工会主席） 说的："
    assert render_answer(answer).startswith(view.lead.plain)
    assert plain_text(telegram_render.answer_pages(answer, 3)[0]).startswith(view.lead.plain)
    assert "「会议在北山召开。李明表示" in render_answer(answer, full=True)
