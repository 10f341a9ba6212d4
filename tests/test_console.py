"""The console adapter driven through its streams: the whole transcript is asserted."""

from __future__ import annotations

import io

from bot.console import run_console
from bot.service import Service
from bot.storage import open_storage
from retrieval.models import SpeakerStat
from tests.answer_helpers import symposium_answerer


def _session(lines: str, k: int | None = None, service: Service | None = None) -> str:
    out = io.StringIO()
    assert run_console(symposium_answerer(), io.StringIO(lines), out, k=k, service=service) == 0
    return out.getvalue()


def test_question_then_full_paragraph_then_quit():
    source = "   《职工之家建设座谈会实录》 · 职工之家建设座谈会实录 · 第 2 段  [pbbd90420]\n"
    out = _session("驿站里有药箱吗？\n全文\n退出\n")
    greeting, rest = out.split("问> ", 1)
    # The greeting describes these documents and offers questions they answer.
    assert greeting.startswith("出处 chuchu：已收录 1 篇文档（文本 1 篇），5 个段落，3 位发言人。\n")
    assert "  · 郑一鸣说了什么？\n" in greeting and "工会报刊" not in greeting
    assert "问> " + rest == (
        "问> 关于“驿站里有药箱吗？”，找到这些原文：\n\n"
        "1. 「…【驿站】里有热水、有【药箱】，还能给手机充电。」\n"
        "   ——林晓燕（东山县总工会主席）\n" + source + "\n（输入“全文”查看完整段落）\n"
        "问> 关于“驿站里有药箱吗？”，找到这些原文：\n\n"
        "1. 「东山县总工会主席林晓燕认为，工会要打造“暖心【驿站】”，为快递员、送餐员提供歇脚的地方。"
        "【驿站】里有热水、有【药箱】，还能给手机充电。」\n"
        "   ——林晓燕（东山县总工会主席）\n" + source + "问> 再见！\n"
    )


def test_more_before_any_question_and_bad_input_keep_the_session_alive():
    out = _session("全文\n😀😀\n<b></b>\n" + "驿站" * 5000 + "\n红烧肉怎么做？\n")
    assert "还没有可以展开的回答" in out
    assert "请输入一个关于文档内容的问题" in out
    assert "没有找到相关内容" in out
    assert "抱歉" not in out  # no answer failed with an exception
    assert out.rstrip().endswith("再见！")


def test_more_pages_through_the_hits_like_telegram():
    out = _session("更多\n职工\n更多\n更多\n", k=1)
    assert "还没有可以翻页的回答" in out
    first, second, last = out.split("问> ")[2:5]
    assert "1. 「" in first and "第 1/2 页，输入“更多”看下一页" in first
    assert "2. 「" in second and "第 2/2 页" in second and "1. 「" not in second
    assert last.startswith("没有更多结果了。")


def test_feedback_is_recorded_once_per_answer_and_can_be_changed(tmp_path):
    service = Service.over(open_storage(tmp_path / "data"))
    out = _session("好\n驿站里有药箱吗？\n好\n不对\n不对\n发言人有误\n", service=service)
    replies = [part.split("\n")[0] for part in out.split("问> ")[1:]]
    assert replies[0] == "还没有可以评价的回答，请先提一个问题。"
    assert replies[2:6] == ["谢谢反馈，已记录：👍", "已改为：👎", "已经记录过：👎", "已改为：发言人有误"]
    # A restart (a new connection to the same file) still sees exactly one vote, the last.
    again = Service.over(open_storage(tmp_path / "data"))
    [report] = again.feedback.reports()
    assert report.vote == "speaker" and report.adapter == "console"
    assert report.question == "驿站里有药箱吗？"
    assert report.shown[0].speaker == "林晓燕（东山县总工会主席）"
    assert "药箱" in report.shown[0].quote
    assert again.feedback.stats().total == 1


def test_speaker_list_is_cut_at_sixty_and_given_whole_on_request():
    from bot.console import speakers_text

    stats = [SpeakerStat(f"人{i}", (), 1) for i in range(75)]
    short = speakers_text(stats)
    assert short.count("段") == 60 and "共 75 位，输入“全部发言人”查看全部" in short
    assert speakers_text(stats, limit=None).count("— 1 段") == 75
    out = _session("发言人\n全部发言人\n林晓燕说了什么？\n")
    assert "林晓燕（东山县总工会主席）— 1 段" in out
    assert "林晓燕（东山县总工会主席） 的发言：" in out


def test_a_follow_up_continues_with_the_last_speaker_of_this_session():
    from tests.answer_helpers import meeting_answerer

    out = io.StringIO()
    lines = "王海平说了什么？\n他还说了什么？\n郑荣盛说了什么\n她呢？\n"
    assert run_console(meeting_answerer(), io.StringIO(lines), out, k=1) == 0
    answers = out.getvalue().split("问> ")[1:]
    assert answers[0].startswith("王海平（宁波市总工会党组书记、主席） 的发言：")
    assert answers[1].startswith("王海平没有更多的发言了。")  # his one paragraph was shown
    assert answers[2].startswith("您是不是要找：郑荣胜（杭州市人大常委会副主任、市总工会主席）？")
    assert "“他/她”指的是谁" not in answers[3]  # 她 is the last speaker, 郑荣胜
    # A new session remembers nothing.
    fresh = io.StringIO()
    run_console(meeting_answerer(), io.StringIO("他还说了什么？\n"), fresh)
    assert "“他/她”指的是谁" in fresh.getvalue()
