"""Telegram HTML rendering: escaping, the 4096 limit, splitting only between whole blocks.

The fake server's `plain_text` is the judge of well-formedness: it refuses what Telegram
refuses (unknown or unbalanced tags, bare `<`, `&`, `>`).
"""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot import telegram_render as render
from fake_bot_api import plain_text
from retrieval.models import Answer, Hit, Passage, Segment, Speaker, SpeakerStat

ZHANG = Speaker("张三", "杭州市总工会主席")
HOSTILE = st.lists(
    st.sampled_from(list("工会职工服务。，！<>&\"'/bscript \n") + ["𠀀", "&amp;", "<b>", "职工" * 300]),
    max_size=400,
).map("".join)


def passage(text: str, number: int = 1, speaker: Speaker | None = ZHANG) -> Passage:
    return Passage(f"p{number:08x}", "doc.txt", "标题<i>&", "一节 & <u>", number, text,
                   (Segment(text, speaker),))


def hit(text: str, rank: int = 1, snippet: str = "") -> Hit:
    return Hit(passage(text, rank), 1.0, rank, snippet or text, ("职工",))


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(HOSTILE, min_size=1, max_size=15), per_page=st.integers(1, 5))
def test_answer_pages_are_well_formed_and_within_the_limit(texts, per_page):
    answer = Answer("<script>问题&", "passages", tuple(hit(t or "空", i) for i, t in enumerate(texts, 1)))
    pages = render.answer_pages(answer, per_page)
    for page in pages:
        assert render.units(page) <= render.MESSAGE_LIMIT
        plain_text(page)  # raises on anything Telegram would refuse
    assert sum(page.count("<blockquote>") for page in pages) == len(texts)


@settings(max_examples=40, deadline=None)
@given(text=HOSTILE.filter(lambda t: t.strip()))
def test_a_whole_paragraph_of_any_length_splits_between_tags(text):
    target = passage(text, 2)
    messages = render.pack(render.source_blocks(target, [passage("前一段", 1), target]))
    shown = "".join(plain_text(m) for m in messages)
    assert all(render.units(m) <= render.MESSAGE_LIMIT for m in messages)
    assert text.replace("\n", "") in shown.replace("\n", "")


def test_chunks_keep_every_character_and_prefer_sentence_ends():
    text = "第一句。" * 900 + "&" * 5000
    pieces = render.chunks(text, limit=3000)
    assert "".join(pieces) == text
    assert pieces[0].endswith("。")
    assert all(render.units(render.esc(p)) <= 3000 for p in pieces)


def test_hit_is_a_quote_then_speaker_then_source_all_escaped():
    block = render.hit_block(hit("他说：<b>职工</b> & 工会。还有别的。第三句。", snippet="他说：<b>职工</b> & 工会。"))
    lines = block.split("\n")
    assert lines[0].startswith("<blockquote>") and lines[0].endswith("</blockquote>")
    assert "&lt;b&gt;<b>职工</b>&lt;/b&gt; &amp; 工会。…" in lines[0]
    assert lines[1] == "—— <b>张三（杭州市总工会主席）</b>"
    assert lines[2] == "《标题&lt;i&gt;&amp;》 · 一节 &amp; &lt;u&gt; · 第 1 段"
    assert lines[3] == "全文：/source_p00000001"


def test_long_quotes_are_clipped_and_lists_split_between_entries():
    long_hit = hit("职" * 5000)
    assert render.units(render.hit_block(long_hit)) < 1200
    stats = [SpeakerStat(f"人{i}", ("某某单位<主席>",), i) for i in range(600)]
    messages = render.pack(render.speaker_blocks(stats))
    assert len(messages) > 1
    assert all(render.units(m) <= render.MESSAGE_LIMIT for m in messages)
    assert sum(plain_text(m).count("• ") for m in messages) == 600


def test_source_command_round_trips_ids_with_suffixes():
    assert render.source_command("pab12cd34-2") == "/source_pab12cd34_2"
    assert render.passage_id_from_command("pab12cd34_2") == "pab12cd34-2"


def test_not_found_and_invalid_answers_show_the_note_escaped():
    answer = Answer("x", "not_found", note="没有找到相关内容。可以试试：<张三>说了什么？")
    assert render.answer_pages(answer, 3) == [
        "没有找到相关内容。可以试试：&lt;张三&gt;说了什么？发送 /speakers 可查看发言人列表。"
    ]


def test_highlight_escapes_text_and_bolds_normalised_matches():
    from bot.telegram_render import highlight

    html_text = highlight("<b>工會</b>&職工驿站", ("工会", "职工"))
    assert html_text == "&lt;b&gt;<b>工會</b>&lt;/b&gt;&amp;<b>職工</b>驿站"
