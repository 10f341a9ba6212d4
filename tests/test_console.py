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
        "问> 关于“驿站里有药箱吗？”，找到这些原文：\n\n"
        "1. 「…【驿站】里有热水、有【药箱】，还能给手机充电。」\n"
        "   ——林晓燕（东山县总工会主席）\n" + source + "\n（输入“全文”查看完整段落）\n"
        "问> 关于“驿站里有药箱吗？”，找到这些原文：\n\n"
        "1. 「东山县总工会主席林晓燕认为，工会要打造“暖心【驿站】”，为快递员、送餐员提供歇脚的地方。"
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
