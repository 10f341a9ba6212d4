"""What kind of answer a question asks for, and whether a paragraph states one: a table of
cases written here (`question`, `text`, whether the text answers it in kind, why)."""

from __future__ import annotations

import pytest

from retrieval.asked import asked_for, states
from retrieval.tokenize import normalize

CASES = [
    ("展览馆晚上开到几点？", "每周六开放到晚上十点。", True, "a time of day"),
    ("展览馆晚上开到几点？", "夜场观众比白天多一点。", False, "一点 is 'a little'"),
    ("油桃卖多少钱一斤？", "油桃今年卖了两千多万元。", False, "a sum, but not by the 斤"),
    ("油桃卖多少钱一斤？", "油桃每斤卖六块钱。", True, "a price by the 斤"),
    ("她在省城一个月工资多少？", "她在省城一个月的工资，我一年都挣不到。", False, "no sum stated"),
    ("她在省城一个月工资多少？", "她在省城的工资每月九千元。", True, "the sum and its name"),
    ("渡口一年接待多少游客？", "渡口一年接待游客十二万人次。", True, "a count of people"),
    ("渡口一年接待多少游客？", "他今年六十三岁，摆渡四十年。", True, "any count answers 多少"),
    ("码头有多少户人家？", "他今年六十三岁，摆渡四十年。", False, "no count of 户"),
    ("码头有多少户人家？", "码头边住着三十七户人家。", True, "a count of 户"),
    ("培训要多长时间？", "经过六十个学时的培训才能上岗。", True, "a length of time after 个"),
    ("培训要多长时间？", "培训中心1998年建成。", False, "a year is no length of time"),
    ("入住率有多高？", "旺季入住率能达到九成。", True, "a share"),
    ("入住率有多高？", "民宿有十二间客房。", False, "a count is no share"),
    ("考核得了多少分？", "这项工作在考核中得到满分。", True, "a score without a numeral"),
    ("纪念馆是哪一年建成的？", "纪念馆1987年建成。", True, "a year"),
    ("纪念馆是哪一年建成的？", "纪念馆5月18日重新开放。", False, "a day names no year"),
    ("会议是哪天开的？", "3月6日下午，区里召开大会。", True, "a day"),
    ("他是什么时候上任的？", "他在任上干了三十年。", False, "a length of time is no date"),
    ("船长是哪里人？", "船长老吴，福建莆田人，今年五十岁。", True, "a place of origin"),
    ("船长是哪里人？", "船长老吴在港口工作了三十年。", False, "no origin stated"),
    ("她是哪所大学毕业的？", "她在省城读完大学后回到了村里。", False, "a bare 大学 names none"),
    ("她是哪所大学毕业的？", "她毕业于东海海洋大学。", True, "a university named"),
    ("评论员是哪家报社的？", "有的职业举报人专门守在路口。", False, "举报 is no newspaper"),
]


@pytest.mark.parametrize(("question", "text", "expected", "why"), CASES,
                         ids=[case[3] for case in CASES])
def test_a_paragraph_answers_in_the_kind_asked_for(question, text, expected, why):
    asked = asked_for(normalize(question))
    assert asked is not None, why
    assert states(asked, normalize(text)) is expected, why


@pytest.mark.parametrize("question", ["东岭村的茶叶合作社是谁办起来的？", "新食堂好不好吃？"])
def test_a_question_asking_for_no_particular_kind(question):
    assert asked_for(normalize(question)) is None
