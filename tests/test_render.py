"""Plain-text rendering: marked words, the quoted sentences' speaker, the full paragraph on demand."""

from __future__ import annotations

from bot.render import mark, render_answer
from tests.answer_helpers import symposium_answerer


def test_mark_wraps_matched_words_and_joins_neighbours():
    assert mark("建设职工之家", ("建设", "职工之家")) == "【建设职工之家】"
    assert mark("打造暖心驿站。", ("暖心驿站",)) == "打造【暖心驿站】。"


def test_mark_finds_normalised_terms_in_original_text():
    assert mark("服務保障Ｇ２０峰會", ("服务", "g20")) == "【服務】保障【Ｇ２０】峰會"


def test_mark_ignores_single_characters_and_empty_terms():
    assert mark("职工之家", ("家", "", " ")) == "职工之家"


def test_answer_shows_the_answering_sentence_marked_and_who_said_it():
    answer = symposium_answerer().ask("驿站里有药箱吗？")
    text = render_answer(answer)
    assert "「…【驿站】里有热水、有【药箱】，还能给手机充电。」" in text
    assert "——林晓燕（东山县总工会主席）" in text
    assert "《职工之家建设座谈会实录》" in text and "第 2 段" in text
    assert "全文" in text
    full = render_answer(answer, full=True)
    assert "东山县总工会主席林晓燕认为" in full and "…" not in full


def test_who_answer_leads_with_the_speaker():
    text = render_answer(symposium_answerer().ask("谁提出要建设学习型工会？"))
    assert text.startswith("陈立新（南湖区总工会主席） 说的：")


def test_declined_answer_is_the_note():
    text = render_answer(symposium_answerer().ask("红烧肉怎么做？"))
    assert text.startswith("没有找到相关内容。") and text.endswith("输入“发言人”可查看发言人列表。")
