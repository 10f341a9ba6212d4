"""The console adapter driven through its streams: the whole transcript is asserted."""

from __future__ import annotations

import io

from bot.console import run_console
from tests.answer_helpers import symposium_answerer


def _session(lines: str) -> str:
    out = io.StringIO()
    assert run_console(symposium_answerer(), io.StringIO(lines), out) == 0
    return out.getvalue()


def test_question_then_full_paragraph_then_quit():
    source = "   《职工之家建设座谈会实录》 · 职工之家建设座谈会实录 · 第 2 段  [pbbd90420]\n"
    assert _session("驿站里有药箱吗？\n全文\n退出\n") == (
        "出处 chuchu：已读入 1 篇文档、5 个段落。\n"
        "直接输入问题即可，例如：\n"
        "  · 郑一鸣说了什么？\n  · 林晓燕说了什么？\n  · 陈立新说了什么？\n"
        "输入“全文”看上一个回答的完整段落，“发言人”看发言人列表，“退出”结束。\n"
        "问> 1. 「…【驿站】里有热水、有【药箱】，还能给手机充电。」\n"
        "   ——林晓燕（东山县总工会主席）\n" + source + "\n（输入“全文”查看完整段落）\n"
        "问> 1. 「东山县总工会主席林晓燕认为，工会要打造“暖心【驿站】”，为快递员、送餐员提供歇脚的地方。"
        "【驿站】里有热水、有【药箱】，还能给手机充电。」\n"
        "   ——林晓燕（东山县总工会主席）\n" + source + "问> 再见！\n"
    )


def test_more_before_any_question_and_bad_input_keep_the_session_alive():
    out = _session("more\n😀😀\n<b></b>\n" + "驿站" * 5000 + "\n红烧肉怎么做？\n")
    assert "还没有可以展开的回答" in out
    assert "请输入一个关于文档内容的问题" in out
    assert "没有找到相关内容" in out
    assert "抱歉" not in out  # no answer failed with an exception
    assert out.rstrip().endswith("再见！")


def test_speaker_list_and_speaker_question():
    out = _session("发言人\n林晓燕说了什么？\n")
    assert "林晓燕（东山县总工会主席）— 1 段" in out
    assert "林晓燕（东山县总工会主席） 的发言：" in out


def test_a_follow_up_continues_with_the_last_speaker_of_this_session():
    from tests.answer_helpers import meeting_answerer

    out = io.StringIO()
    lines = "李明远说了什么？\n他还说了什么？\n他还说了什么？\n郑荣盛说了什么\n她呢？\n"
    assert run_console(meeting_answerer(), io.StringIO(lines), out, k=1) == 0
    answers = out.getvalue().split("问> ")[1:]
    assert answers[0].startswith("李明远（浙江省总工会党组书记、主席） 的发言：")
    assert answers[1].startswith("李明远（浙江省总工会党组书记、主席） 的发言：")
    assert answers[0] != answers[1]  # the next of his paragraphs, not the same again
    assert answers[2].startswith("李明远没有更多的发言了。")
    assert answers[3].startswith("您是不是要找：郑荣胜（杭州市人大常委会副主任、市总工会主席）？")
    assert "“他/她”指的是谁" not in answers[4]  # 她 is the last speaker, 郑荣胜
    # A new session remembers nothing.
    fresh = io.StringIO()
    run_console(meeting_answerer(), io.StringIO("他还说了什么？\n"), fresh)
    assert "“他/她”指的是谁" in fresh.getvalue()
